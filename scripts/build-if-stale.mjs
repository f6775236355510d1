#!/usr/bin/env node
/**
 * `npm start` runs this first: it builds (`npm run build`) only when a build input is newer than the
 * build's outputs, so starting an unchanged checkout skips the ~17 s compile. Plain JavaScript because it
 * must run before anything is compiled. Inputs that cannot be compared (no build yet) always build.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const INPUTS = ['src', 'client/src', 'tsconfig.json', 'client/tsconfig.json', 'client/tsconfig.build.json'];
const INPUTS_ALSO = ['package.json', 'client/package.json', 'package-lock.json'];
/** Written last by the root tsc and by the client build respectively. */
const OUTPUTS = ['dist/src/cli/main.js', 'client/dist/speechgate-worklet.js', 'client/dist/index.js'];

function newest(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

function builtAt() {
  let oldest = Infinity;
  for (const out of OUTPUTS) {
    try {
      oldest = Math.min(oldest, statSync(join(root, out)).mtimeMs);
    } catch {
      return 0;
    }
  }
  return oldest;
}

const built = builtAt();
const changed = [...INPUTS, ...INPUTS_ALSO].filter((input) => newest(join(root, input)) > built);
if (changed.length === 0) process.exit(0);
console.error(
  built === 0
    ? 'speechgate: no build yet, building...'
    : `speechgate: ${changed.join(', ')} changed, rebuilding...`,
);
const npm = process.env.npm_execpath;
const result = npm
  ? spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: root, stdio: 'inherit' })
  : spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(result.status ?? 1);
