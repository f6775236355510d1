/**
 * Installing outside the repository, as the README says: `npm pack` both packages, install the tarballs
 * into an empty folder (registry for their dependencies), start the installed `speechgate serve`, and run
 * the README's "A minimal client" block, as written, against it with the installed @speechgate/client.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fromRoot } from '../../src/util/paths.js';
import { signHs256, startGatewayCli, type GatewayCli } from '../helpers/gateway-cli.js';

/** npm as run from a shell: without the npm_* variables of the `npm test` that runs this file. */
function npm(args: string[], cwd: string, env: Record<string, string> = {}): string {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  const result = spawnSync('npm', args, { cwd, env: { ...clean, ...env }, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`npm ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** The first ```js block under the README heading "## A minimal client". */
export function readmeClientExample(readme: string): string {
  const section = readme.split(/^## /m).find((s) => s.startsWith('A minimal client'));
  const block = section && /```js\n([\s\S]*?)```/.exec(section);
  if (!block?.[1]) throw new Error('README.md has no ```js block under "## A minimal client"');
  return block[1];
}

let dir: string;
let app: string;
let gateway: GatewayCli | undefined;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'speechgate-install-'));
  app = join(dir, 'app');
  npm(['pack', '--pack-destination', dir], fromRoot());
  npm(['pack', '--pack-destination', dir], fromRoot('client'));
  const tarballs = (await readdir(dir)).filter((f) => f.endsWith('.tgz')).sort();
  assert.deepEqual(tarballs, ['speechgate-0.1.0.tgz', 'speechgate-client-0.1.0.tgz']);
  spawnSync('mkdir', [app]);
  // onnxruntime-node's install script downloads CUDA libraries: skipped (npm 11: allowScripts; npm 10: env).
  await writeFile(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'app',
      private: true,
      type: 'module',
      allowScripts: { 'onnxruntime-node': false },
    }),
  );
  npm(
    ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs.map((t) => join(dir, t)), 'ws@8'],
    app,
    { ONNXRUNTIME_NODE_INSTALL: 'skip' },
  );
});

after(async () => {
  await gateway?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

void describe('npm pack tarballs installed into an empty folder', { timeout: 600_000 }, () => {
  void test('the installed CLI answers --help and serves the bundled voice', async () => {
    const bin = join(app, 'node_modules', '.bin', 'speechgate');
    const help = spawnSync(bin, ['serve', '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /SPEECHGATE_JWT_SECRET/);
    const installed = join(app, 'node_modules', 'speechgate');
    await stat(join(installed, 'models', 'voices'));
    await stat(join(installed, 'node_modules', '@speechgate', 'client', 'dist', 'index.js'));
    gateway = await startGatewayCli({ main: join(installed, 'dist', 'src', 'cli', 'main.js'), cwd: app });
    const voices = (await (await fetch(`${gateway.httpUrl}/readyz`)).json()) as { status: string };
    assert.equal(voices.status, 'ready');
  });

  void test("the README's minimal client runs as written against it", async () => {
    assert.ok(gateway, 'the installed gateway is running');
    const script = join(app, 'hello.mjs');
    await writeFile(script, readmeClientExample(await readFile(fromRoot('README.md'), 'utf8')));
    const out = join(app, 'hello.pcm');
    const run = spawnSync(process.execPath, [script], {
      cwd: app,
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        PATH: process.env.PATH ?? '',
        SPEECHGATE_URL: gateway.wsUrl,
        SPEECHGATE_TOKEN: signHs256(gateway.secret),
        OUT: out,
      },
    });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /audio@\d+ms starts@\d+ms before@\d+ms/);
    const audioMs = Number(/(\d+) ms of audio in /.exec(run.stdout)?.[1]);
    assert.ok(audioMs > 1000, run.stdout);
    // 24 kHz, 16-bit mono: 48 bytes per millisecond, every frame delivered.
    assert.equal((await stat(out)).size, audioMs * 48);
  });
});
