/**
 * `speechgate serve` on a port another process holds: exit 1 with "address in use" and the address,
 * and no stack trace on either stream.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { after, before, test } from 'node:test';
import { App, us_listen_socket_close, us_socket_local_port, type us_listen_socket } from 'uWebSockets.js';
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

/** Runs `speechgate serve` on `port` until it exits. */
async function serveOn(port: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [fromRoot('dist', 'src', 'cli', 'main.js'), 'serve'], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), SPEECHGATE_WORKERS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A gateway that wrongly starts would run forever: stopped, it exits 0 and the test fails.
    timeout: 60_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

void test('a busy port is reported as "address in use", without a stack', async () => {
  const { code, stdout, stderr } = await serveOn(port);
  assert.equal(code, 1, stderr);
  assert.match(stderr, new RegExp(`address in use: another process is listening on 127\\.0\\.0\\.1:${port}`));
  assert.doesNotMatch(stdout + stderr, /\n\s+at |"stack"/, 'no stack trace');
  assert.match(stdout, /"event":"start_failed".*"reason":"address in use/);
});

void test('a port held by a server that shares ports (another gateway, SO_REUSEPORT) is busy too', async () => {
  // uWS listens with SO_REUSEPORT by default: a second gateway used to share the port silently.
  const other = App();
  const shared = await new Promise<us_listen_socket | false>((resolve) =>
    other.listen('127.0.0.1', 0, resolve),
  );
  assert.ok(shared, 'the sharing server listens');
  try {
    const { code, stderr } = await serveOn(us_socket_local_port(shared));
    assert.equal(code, 1, stderr);
    assert.match(stderr, /address in use/);
  } finally {
    us_listen_socket_close(shared);
  }
});
