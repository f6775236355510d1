/**
 * The plugin through agents-js's own API (tts.stream(): pushText/flush/endInput and async iteration;
 * tts.synthesize().collect()) against a real speechgate gateway process on loopback; no LiveKit server.
 * Needs the gateway built at the repository root (`npm run build` there).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { initializeLogger, isTimedString, tts as agentsTts, type TimedString } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';
import { TTS } from '../src/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const secret = randomBytes(32).toString('hex');
let gateway: ChildProcess;
let url: string;

function token(): string {
  const now = Math.floor(Date.now() / 1000);
  const enc = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const body = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ sub: 'livekit', tenant: 'livekit', scope: 'tts', iat: now, exp: now + 600 })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

before(async () => {
  initializeLogger({ pretty: false, level: 'warn' });
  const port = await freePort();
  gateway = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'cli', 'main.js'), 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      SPEECHGATE_JWT_SECRET: secret,
      SPEECHGATE_CACHE_MAX_BYTES: '0',
    },
    stdio: 'inherit',
  });
  for (;;) {
    if (gateway.exitCode !== null) throw new Error('the gateway exited (is the root built?)');
    const status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  url = `ws://127.0.0.1:${port}/v1/stream`;
});

after(() => {
  gateway?.kill('SIGTERM');
});

void describe('@speechgate/livekit TTS with agents-js', { timeout: 180_000 }, () => {
  void test('stream(): LLM tokens in, 20 ms PCM frames out, in order, with word timings', async () => {
    const tts = new TTS({ url, token });
    try {
      assert.equal(tts.sampleRate, 24000);
      assert.equal(tts.capabilities.streaming, true);
      const stream = tts.stream();
      const reply = 'Hello from the gateway. Audio starts before the reply is complete.';
      for (const piece of reply.match(/\s*\S{1,5}/g) ?? []) stream.pushText(piece);
      stream.endInput();
      const frames: AudioFrame[] = [];
      const words: TimedString[] = [];
      let finals = 0;
      let ended = false;
      for await (const ev of stream) {
        if (ev === agentsTts.SynthesizeStream.END_OF_STREAM) {
          ended = true;
          break;
        }
        frames.push(ev.frame);
        if (ev.final) finals++;
        for (const t of ev.timedTranscripts ?? []) words.push(t);
      }
      assert.ok(ended, 'END_OF_STREAM closes the reply');
      assert.ok(frames.length > 100, `${frames.length} frames`);
      assert.ok(
        frames.every((f) => f.sampleRate === 24000 && f.channels === 1 && f.samplesPerChannel === 480),
      );
      assert.equal(finals, 1, 'one segment, one final frame');
      assert.ok(words.every(isTimedString));
      const spoken = words.map((w) => w.text.trim().toLowerCase());
      assert.deepEqual(spoken.slice(0, 4), ['hello', 'from', 'the', 'gateway']);
      const starts = words.map((w) => w.startTime ?? -1);
      assert.deepEqual(
        starts,
        [...starts].sort((a, b) => a - b),
        'word times increase',
      );
      assert.ok(starts.at(-1)! < (frames.length * 480) / 24000);
      const energy = frames.reduce((sum, f) => sum + f.data.reduce((s, v) => s + Math.abs(v), 0), 0);
      assert.ok(energy > 0, 'not silence');
      console.log(
        `stream(): ${frames.length} frames (${(frames.length * 20) / 1000} s), ${words.length} timed words`,
      );
    } finally {
      await tts.close();
    }
  });

  void test('a flush splits segments; their audio comes in order', async () => {
    const tts = new TTS({ url, token });
    try {
      const stream = tts.stream();
      stream.pushText('First segment here.');
      stream.flush();
      stream.pushText('And then the second one.');
      stream.endInput();
      const segments: string[] = [];
      for await (const ev of stream) {
        if (ev === agentsTts.SynthesizeStream.END_OF_STREAM) break;
        if (segments.at(-1) !== ev.segmentId) segments.push(ev.segmentId);
      }
      assert.equal(segments.length, 2, 'two segments, not interleaved');
    } finally {
      await tts.close();
    }
  });

  void test('synthesize(): one text, collected into one frame of the full length', async () => {
    const tts = new TTS({ url, token, sampleRate: 16000 });
    try {
      const frame = await tts.synthesize('A whole sentence, synthesised at once.').collect();
      assert.equal(frame.sampleRate, 16000);
      assert.ok(frame.samplesPerChannel > 16000, `${frame.samplesPerChannel} samples`);
      assert.equal(frame.samplesPerChannel % 320, 0, 'whole 20 ms frames');
    } finally {
      await tts.close();
    }
  });
});
