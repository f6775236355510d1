/**
 * `speechgate serve` as a real process: help, configuration errors, a voice that cannot load, and a
 * full start (dev token printed, real voice) followed by SIGTERM, and by two signals.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StreamClient } from '../helpers/stream-client.js';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.js');
/** The tone voice cannot be loaded by the CLI: in that dev mode only the voice-free checks run. */
const DEV_VOICE = process.env.SPEECHGATE_E2E_VOICE === 'tone';

interface Run {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  /** Resolves with the first stdout line matching. */
  line(match: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

function serve(env: Record<string, string>, args: string[] = []): Run {
  const child = spawn(process.execPath, [MAIN, 'serve', ...args], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString('utf8');
    for (const w of [...waiters]) w();
  });
  child.stderr?.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    line: (match, timeoutMs = 120_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => done(new Error(`no line matching ${String(match)}; stdout: ${out} stderr: ${err}`)),
          timeoutMs,
        );
        const check = (): void => {
          const found = match.exec(out);
          if (found) done(undefined, found);
        };
        const done = (e?: Error, found?: RegExpExecArray): void => {
          clearTimeout(timer);
          waiters.delete(check);
          if (e) reject(e);
          else resolve(found!);
        };
        void exited.then(() => setImmediate(() => done(new Error(`exited; stdout: ${out} stderr: ${err}`))));
        waiters.add(check);
        check();
      }),
  };
}

void describe('e2e: speechgate serve (CLI process)', () => {
  let emptyVoices: string;
  const running: ChildProcess[] = [];

  before(async () => {
    emptyVoices = await mkdtemp(join(tmpdir(), 'sg-novoices-'));
  });

  after(async () => {
    for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
    await rm(emptyVoices, { recursive: true, force: true });
  });

  void test('--help lists the configuration variables', async () => {
    const run = serve({}, ['--help']);
    assert.equal(await run.exited, 0);
    assert.match(run.stdout(), /usage: speechgate serve/);
    assert.match(run.stdout(), /SPEECHGATE_JWT_SECRET/);
    assert.match(run.stdout(), /REDIS_URL/);
  });

  void test('an invalid configuration exits with 2 and names the variable', async () => {
    const run = serve({ PORT: 'eighty', SPEECHGATE_JWT_SECRET: 'short' });
    assert.equal(await run.exited, 2);
    assert.match(run.stderr(), /PORT/);
    assert.match(run.stderr(), /SPEECHGATE_JWT_SECRET: must be at least 32 bytes/);
    assert.doesNotMatch(run.stderr(), /short/, 'the secret is not echoed');
  });

  void test('voices that cannot load: exit 1 with a clear message', async () => {
    const run = serve({ SPEECHGATE_VOICES_DIR: emptyVoices, LOG_LEVEL: 'silent' });
    assert.equal(await run.exited, 1);
    assert.match(run.stderr(), new RegExp(`cannot load the voices in ${emptyVoices}.*no voices`));
    const device = serve({ SPEECHGATE_DEVICE: 'cuda', LOG_LEVEL: 'silent' });
    assert.equal(await device.exited, 1);
    assert.match(device.stderr(), /speechgate: (cannot run the voice on this device|cannot load the voices)/);
  });

  void test(
    'starts with the real voice, prints a working dev token, stops on SIGTERM with 0',
    { skip: DEV_VOICE },
    async () => {
      const run = serve({ LOG_LEVEL: 'info', SPEECHGATE_SHUTDOWN_GRACE_MS: '2000' });
      running.push(run.child);
      const [, wsUrl] = await run.line(/websocket:\s+(ws:\/\/\S+)\n/);
      const port = /:(\d+)\//.exec(wsUrl!)![1];
      assert.match(run.stdout(), /"event":"ready"/);
      assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);
      const client = await StreamClient.connect(wsUrl!.replace('localhost', '127.0.0.1'));
      client.send({ type: 'start', context_id: 'cli' });
      client.send({ type: 'text', context_id: 'cli', text: 'Spoken through the command line server.' });
      client.send({ type: 'end', context_id: 'cli' });
      assert.equal((await client.finished('cli')).type, 'done');
      run.child.kill('SIGTERM');
      assert.equal((await client.closed).code, 1001);
      assert.equal(await run.exited, 0);
      assert.match(run.stdout(), /"event":"stopped"/);
    },
  );

  void test('a second signal exits at once', { skip: DEV_VOICE }, async () => {
    const run = serve({ LOG_LEVEL: 'info', SPEECHGATE_SHUTDOWN_GRACE_MS: '600000' });
    running.push(run.child);
    const [, wsUrl] = await run.line(/websocket:\s+(ws:\/\/\S+)\n/);
    const client = await StreamClient.connect(wsUrl!.replace('localhost', '127.0.0.1'));
    client.send({ type: 'start', context_id: 'long' });
    client.send({
      type: 'text',
      context_id: 'long',
      text: 'This stream keeps the shutdown waiting. '.repeat(40),
    });
    client.send({ type: 'end', context_id: 'long' });
    await client.waitForFrames('long', 1);
    run.child.kill('SIGTERM');
    await run.line(/"event":"shutdown"/);
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 1);
    assert.match(run.stdout(), /"event":"forced_exit"/);
    assert.ok(!client.messages.some((m) => m.type === 'done'), 'it did not wait for the stream');
    await client.closed;
  });
});
