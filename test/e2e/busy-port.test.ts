/**
 * `speechgate serve` on a port another process holds: exit 1 with "address in use" and the address,
 * and no stack trace on either stream.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { after, before, test } from 'node:test';
import { fromRoot } from '../../src/util/paths.js';

let holder: Server;
let port: number;

before(async () => {
  holder = createServer();
  await new Promise<void>((resolve) =>
    holder.listen({ port: 0, host: '127.0.0.1', exclusive: true }, resolve),
  );
  port = (holder.address() as { port: number }).port;
});

after(() => new Promise<void>((resolve) => holder.close(() => resolve())));

void test('a busy port is reported as "address in use", without a stack', async () => {
  const child = spawn(process.execPath, [fromRoot('dist', 'src', 'cli', 'main.js'), 'serve'], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), SPEECHGATE_WORKERS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 1, stderr);
  assert.match(stderr, new RegExp(`address in use: another process is listening on 127\\.0\\.0\\.1:${port}`));
  assert.doesNotMatch(stdout + stderr, /\n\s+at |"stack"/, 'no stack trace');
  assert.match(stdout, /"event":"start_failed".*"reason":"address in use/);
});
