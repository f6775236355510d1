import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentTypeFor, loadStaticFile, resolveStaticPath } from './static.js';

void describe('resolveStaticPath', () => {
  const root = '/srv/public';

  void test('maps paths inside the root, / and folders to index.html', () => {
    assert.equal(resolveStaticPath(root, '/'), '/srv/public/index.html');
    assert.equal(resolveStaticPath(root, '/app.js'), '/srv/public/app.js');
    assert.equal(resolveStaticPath(root, '/vendor/lib.js'), '/srv/public/vendor/lib.js');
    assert.equal(resolveStaticPath(root, '/docs/'), '/srv/public/docs/index.html');
    assert.equal(resolveStaticPath(root, '/a%20b.css'), '/srv/public/a b.css');
    assert.equal(resolveStaticPath(root, '//app.js'), '/srv/public/app.js');
  });

  void test('refuses traversal, hidden files and malformed paths', () => {
    for (const path of [
      '/../etc/passwd',
      '/vendor/../../etc/passwd',
      '/%2e%2e/etc/passwd',
      '/%2E%2E%2Fetc%2Fpasswd',
      '/..%5c..%5cetc',
      '/a\\..\\b',
      '/.env',
      '/.git/config',
      '/vendor/./x.js',
      '/x%00.js',
      '/%E0%A4%A',
      'no-leading-slash',
    ]) {
      assert.equal(resolveStaticPath(root, path), undefined, path);
    }
  });
});

void describe('contentTypeFor', () => {
  void test('knows the demo page types and falls back to octet-stream', () => {
    assert.equal(contentTypeFor('/x/index.html'), 'text/html; charset=utf-8');
    assert.equal(contentTypeFor('/x/app.JS'), 'text/javascript; charset=utf-8');
    assert.equal(contentTypeFor('/x/worklet.mjs'), 'text/javascript; charset=utf-8');
    assert.equal(contentTypeFor('/x/style.css'), 'text/css; charset=utf-8');
    assert.equal(contentTypeFor('/x/decoder.wasm'), 'application/wasm');
    assert.equal(contentTypeFor('/x/icon.svg'), 'image/svg+xml');
    assert.equal(contentTypeFor('/x/blob'), 'application/octet-stream');
  });
});

void describe('loadStaticFile', () => {
  let base: string;
  let root: string;

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'sg-static-'));
    root = join(base, 'public');
    await mkdir(join(root, 'sub'), { recursive: true });
    await writeFile(join(root, 'index.html'), '<!doctype html><title>demo</title>');
    await writeFile(join(root, 'sub', 'index.html'), 'sub page');
    await writeFile(join(root, 'app.js'), 'console.log(1);');
    await writeFile(join(base, 'secret.txt'), 'outside the root');
    await symlink(join(base, 'secret.txt'), join(root, 'escape.txt'));
    await symlink(join(root, 'app.js'), join(root, 'alias.js'));
  });

  after(async () => {
    await rm(base, { recursive: true, force: true });
  });

  void test('serves files with their content type', async () => {
    const index = await loadStaticFile(root, '/');
    assert.equal(index?.body.toString(), '<!doctype html><title>demo</title>');
    assert.equal(index?.contentType, 'text/html; charset=utf-8');
    const js = await loadStaticFile(root, '/app.js');
    assert.equal(js?.body.toString(), 'console.log(1);');
    assert.equal(js?.contentType, 'text/javascript; charset=utf-8');
  });

  void test('a folder without a trailing slash serves its index.html', async () => {
    assert.equal((await loadStaticFile(root, '/sub'))?.body.toString(), 'sub page');
  });

  void test('symlinks inside the root work, symlinks out of it do not', async () => {
    assert.equal((await loadStaticFile(root, '/alias.js'))?.body.toString(), 'console.log(1);');
    assert.equal(await loadStaticFile(root, '/escape.txt'), undefined);
  });

  void test('missing files and traversal are not found', async () => {
    assert.equal(await loadStaticFile(root, '/missing.js'), undefined);
    assert.equal(await loadStaticFile(root, '/../secret.txt'), undefined);
    assert.equal(await loadStaticFile(root, '/%2e%2e/secret.txt'), undefined);
  });
});
