/**
 * `speechgate say` as a real process against the real gateway (its own process, real voice): Ogg Opus
 * checked by opus-tools, WAV from stdin streamed in pieces checked by sox, stdout output, and a bad token.
 * SPEECHGATE_SAY_MAIN points at another build of the CLI; by default it is this build's, and the gateway
 * is started from the same build unless SPEECHGATE_GATEWAY_MAIN says otherwise.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startGateway, type GatewayProcess } from '../browser/gateway-process.js';
import { readOgg } from '../helpers/ogg-reader.js';

const MAIN =
  process.env.SPEECHGATE_SAY_MAIN ??
  join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.js');
const PRE_SKIP = 312;
/** Generous: only a CLI that never streams (or hangs) runs into it. */
const DEADLINE_MS = 60_000;

interface Summary {
  audioMs: number;
  frames: number;
  sentences: number;
  characters: number;
  bytes: number;
  encoding: string;
  sampleRate: number;
  timeToFirstAudioMs: number | null;
}

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs `say`; `feed` writes its stdin (then it is closed); without it stdin is closed at once. */
function say(
  args: string[],
  env: Record<string, string>,
  feed?: (stdin: NodeJS.WritableStream) => Promise<void>,
): Promise<Run> {
  const child = spawn(process.execPath, [MAIN, 'say', ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const kill = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS * 2);
  const fed = (feed ? feed(child.stdin) : Promise.resolve()).finally(() => child.stdin.end());
  return Promise.all([exited, fed]).then(
    ([code]) => {
      clearTimeout(kill);
      return { code, stdout: Buffer.concat(out), stderr: err };
    },
    (e: unknown) => {
      clearTimeout(kill);
      child.kill('SIGKILL');
      throw e;
    },
  );
}

function summaryOf(run: Run): Summary {
  assert.equal(run.code, 0, `say failed: ${run.stderr}`);
  const line = run.stderr.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as Summary;
}

function tool(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function write(stdin: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => stdin.write(text, (e) => (e ? reject(e) : resolve())));
}

void describe('e2e: speechgate say (CLI process, real gateway)', () => {
  let gateway: GatewayProcess;
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    process.env.SPEECHGATE_GATEWAY_MAIN ??= MAIN;
    assert.ok(existsSync(MAIN), `the CLI is not built: ${MAIN}`);
    dir = await mkdtemp(join(tmpdir(), 'sg-say-e2e-'));
    gateway = await startGateway();
    env = { SPEECHGATE_URL: `ws://127.0.0.1:${gateway.port}/v1/stream`, SPEECHGATE_TOKEN: gateway.token() };
  });

  after(async () => {
    await gateway?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('text argument -> Ogg Opus that opus-tools accept, as long as the gateway reports', async () => {
    const file = join(dir, 'out.ogg');
    const summary = summaryOf(
      await say(
        ['Hello from the command line.', 'It writes Ogg Opus as it arrives.', '-o', file, '--json'],
        env,
      ),
    );
    assert.equal(summary.encoding, 'opus');
    assert.equal(summary.sampleRate, 48000);
    assert.ok(summary.sentences >= 2, `sentences: ${summary.sentences}`);
    assert.ok(summary.audioMs > 1000, `audio: ${summary.audioMs} ms`);
    assert.equal(summary.audioMs, summary.frames * 20);

    const bytes = await readFile(file);
    assert.equal(summary.bytes, bytes.length);
    const { pages, packets } = readOgg(bytes);
    assert.equal(packets.length, 2 + summary.frames, 'OpusHead, OpusTags, one packet per frame');
    assert.equal(Buffer.from(packets[0]!).readUInt16LE(10), PRE_SKIP);
    assert.equal(pages.at(-1)!.granule, BigInt(summary.frames * 960), 'final granule: every packet');

    const info = tool('opusinfo', [file]);
    assert.doesNotMatch(info, /warning|error/i, info);
    assert.match(info, /Pre-skip: 312/);

    const decoded = join(dir, 'decoded.wav');
    execFileSync('opusdec', ['--quiet', '--rate', '48000', file, decoded], { stdio: 'ignore' });
    const samples = Number(tool('soxi', ['-s', decoded]).trim());
    // The decoder drops the pre-skip; the rest is the gateway's timeline, within a frame or two.
    assert.equal(samples, summary.frames * 960 - PRE_SKIP);
    assert.ok(Math.abs(samples / 48 - summary.audioMs) <= 40, `${samples / 48} ms vs ${summary.audioMs} ms`);
  });

  test('stdin in pieces with pauses -> WAV, streamed: audio is written before the input ends', async () => {
    const file = join(dir, 'streamed.wav');
    const pieces = ['The first sentence arrives on its own. ', 'Then the next one', ' comes in two pieces.'];
    const run = await say(['-o', file, '--json'], env, async (stdin) => {
      await write(stdin, pieces[0]!);
      // Only a CLI that sends text as it reads it can have audio in the file while stdin is open.
      const until = Date.now() + DEADLINE_MS;
      while (!existsSync(file) || (await stat(file)).size <= 44) {
        assert.ok(Date.now() < until, 'no audio while stdin stayed open: the text was not streamed');
        await sleep(50);
      }
      await write(stdin, pieces[1]!);
      await sleep(300);
      await write(stdin, pieces[2]!);
    });
    const summary = summaryOf(run);
    assert.equal(summary.characters, pieces.join('').length, 'every piece reached the gateway');
    // The pause may make the gateway speak the unfinished second sentence in two parts.
    assert.ok(summary.sentences >= 2, `sentences: ${summary.sentences}`);
    assert.equal(summary.encoding, 'pcm_s16le');
    assert.equal(summary.sampleRate, 24000);

    const wav = await readFile(file);
    const dataBytes = summary.audioMs * 48; // 24 samples of 2 bytes per ms
    assert.equal(wav.length, 44 + dataBytes);
    assert.equal(wav.toString('latin1', 0, 4), 'RIFF');
    assert.equal(wav.readUInt32LE(4), wav.length - 8, 'RIFF size patched');
    assert.equal(wav.toString('latin1', 8, 16), 'WAVEfmt ');
    assert.equal(wav.readUInt16LE(20), 1, 'PCM');
    assert.equal(wav.readUInt16LE(22), 1, 'mono');
    assert.equal(wav.readUInt32LE(24), 24000);
    assert.equal(wav.readUInt16LE(34), 16);
    assert.equal(wav.toString('latin1', 36, 40), 'data');
    assert.equal(wav.readUInt32LE(40), dataBytes, 'data size patched');
    assert.equal(Number(tool('soxi', ['-s', file]).trim()), summary.audioMs * 24);
    const seconds = Number(tool('soxi', ['-D', file]).trim());
    assert.ok(Math.abs(seconds * 1000 - summary.audioMs) < 0.01, `soxi: ${seconds} s`);
  });

  test('-o - writes mu-law WAV to stdout; the summary stays on stderr', async () => {
    const run = await say(['-o', '-', '--format', 'wav', '--encoding', 'mulaw', '--json'], env, (stdin) =>
      write(stdin, 'Telephone audio. '),
    );
    const summary = summaryOf(run);
    const wav = run.stdout;
    assert.equal(wav.toString('latin1', 0, 4), 'RIFF');
    assert.equal(wav.readUInt16LE(20), 7, 'mu-law');
    assert.equal(wav.readUInt32LE(24), 8000);
    const header = 58; // 18-byte fmt chunk and a fact chunk
    assert.equal(wav.toString('latin1', header - 8, header - 4), 'data');
    assert.equal(wav.readUInt32LE(header - 4), 0xffffffff, 'a pipe keeps the streaming sizes');
    assert.equal(wav.length - header, summary.audioMs * 8);
    assert.equal(summary.bytes, wav.length);
  });

  test('a bad token: exit 1, the unauthenticated code in the message, no file', async () => {
    const file = join(dir, 'refused.ogg');
    const run = await say(['Never spoken.', '-o', file], { ...env, SPEECHGATE_TOKEN: 'not-a-valid-token' });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /^speechgate say: .*\[unauthenticated\]$/m);
    assert.equal(existsSync(file), false);
  });

  test('bad usage: exit 2 before connecting', async () => {
    const run = await say(['Hello.', '-o', join(dir, 'x.mp3')], env);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /cannot tell the format/);
  });
});
