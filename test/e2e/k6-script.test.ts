/**
 * loadtest/k6/stream.js cannot run here (no k6 binary on CI): its syntax is checked by node on a copy
 * without the k6 imports, and the properties the SLO run depends on are checked in its text.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fromRoot } from '../../src/util/paths.js';

const script = readFileSync(fromRoot('loadtest', 'k6', 'stream.js'), 'utf8');

void test('the k6 script is valid JavaScript (imports of k6 modules aside)', () => {
  const imports = script.match(/^import .* from 'k6(\/[a-z/]+)?';$/gm) ?? [];
  assert.ok(imports.length >= 3);
  const dir = mkdtempSync(join(tmpdir(), 'speechgate-k6-'));
  try {
    const copy = join(dir, 'stream.mjs');
    writeFileSync(copy, script.replace(/^import .* from 'k6(\/[a-z/]+)?';$/gm, ''));
    const r = spawnSync(process.execPath, ['--check', copy], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('an empty run fails its thresholds; commands opt out of usage reports', () => {
  assert.match(script, /speechgate_contexts_completed: \[`count>=\$\{MIN_CONTEXTS\}`\]/);
  assert.match(script, /speechgate_refused: \['count==0'\]/);
  // The Counters get a sample in every iteration, so their thresholds are evaluated on any k6 version.
  assert.match(
    script,
    /export default function \(\) \{\n(\s*\/\/.*\n)*\s*completed\.add\(0\);\n\s*refused\.add\(0\);/,
  );
  assert.match(script, /executor: 'constant-vus'/);
  const readme = readFileSync(fromRoot('loadtest', 'k6', 'README.md'), 'utf8');
  const runs = readme.split('\n').filter((l) => /^k6 run /.test(l));
  assert.ok(runs.length >= 2 && runs.every((l) => l.includes('--no-usage-report')), runs.join('\n'));
});
