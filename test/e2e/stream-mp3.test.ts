/**
 * MP3 over /v1/stream: real gateway and voice, a `ws` client over loopback, Debian's mpg123 and ffprobe as
 * the readers. The decoded MP3 is the PCM context's audio, later by the encoder delay.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { DoneMessage } from '../../src/protocol/messages.js';
import { MP3_ENCODER_DELAY } from '../../src/session/mp3-frames.js';
import { ffprobe, withFile } from '../helpers/audio-tools.js';
import { loadE2EVoices, type E2EVoices } from '../helpers/e2e-voices.js';
import { checkFrameSequence, StreamClient } from '../helpers/stream-client.js';
import { signToken, startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const run = promisify(execFile);
const TEXT = 'Hello there. This is the streaming gateway, in MP3 this time. It works!';
const RATE = 24000;
const SAMPLES_PER_FRAME = (RATE * 20) / 1000;

function concat(parts: readonly Uint8Array[]): Buffer {
  return Buffer.concat(parts.map((p) => Buffer.from(p)));
}

async function mpg123(bytes: Uint8Array): Promise<Int16Array> {
  const { stdout } = await withFile('a.mp3', bytes, (path) =>
    run('mpg123', ['-q', '-s', path], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }),
  );
  return new Int16Array(stdout.buffer, stdout.byteOffset, stdout.length >> 1);
}

/** The lag (samples, 0..maxLag) at which `late` best matches `early`: normalised correlation over `span`. */
function bestLag(early: Int16Array, late: Int16Array, maxLag: number, span: number): number {
  let best = -1;
  let bestScore = -Infinity;
  for (let lag = 0; lag <= maxLag; lag++) {
    let dot = 0;
    let energy = 0;
    for (let i = 0; i < span; i++) {
      const b = late[i + lag] ?? 0;
      dot += early[i]! * b;
      energy += b * b;
    }
    const score = dot / Math.sqrt(energy || 1);
    if (score > bestScore) [best, bestScore] = [lag, score];
  }
  return best;
}

void describe('e2e: MP3 over /v1/stream', () => {
  let voices: E2EVoices;
  let gw: TestGateway;
  let token: string;

  before(async () => {
    voices = await loadE2EVoices();
    gw = await startTestGateway(voices.registry, { env: { SPEECHGATE_CACHE_MAX_BYTES: '0' } });
    token = await signToken();
  });

  after(async () => {
    await gw?.close();
    await voices?.close();
  });

  void test('mp3 frames decode to the PCM context audio, later by the encoder delay', async () => {
    const client = await StreamClient.connect(gw.wsUrl, { token });
    const ready = client.messages[0];
    assert.ok(ready?.type === 'ready');
    assert.deepEqual(ready.formats.mp3, [24000, 16000, 22050, 48000]);
    for (const encoding of ['mp3', 'pcm_s16le'] as const) {
      client.send({ type: 'start', context_id: encoding, format: { encoding, sample_rate: RATE } });
      for (const t of TEXT.match(/\s*\S+/g) ?? [])
        client.send({ type: 'text', context_id: encoding, text: t });
      client.send({ type: 'end', context_id: encoding });
    }
    const done = (await client.finished('mp3')) as DoneMessage;
    assert.equal(done.type, 'done', JSON.stringify(done));
    assert.equal((await client.finished('pcm_s16le')).type, 'done');
    const frames = client.framesOf('mp3');
    // One binary frame per 20 ms of the timeline, as for every encoding; sentence flags as usual.
    assert.equal(frames.length, done.frames);
    assert.equal(checkFrameSequence(frames).sentences, 3);
    const mp3 = concat(client.audio('mp3'));
    const pcmBytes = concat(client.audio('pcm_s16le'));
    assert.equal(pcmBytes.length, done.frames * SAMPLES_PER_FRAME * 2, 'same timeline as PCM');
    const pcm = new Int16Array(pcmBytes.buffer, pcmBytes.byteOffset, pcmBytes.length >> 1);

    const decoded = await mpg123(mp3);
    // All of the audio, plus the encoder delay and under two MP3 frames (576 samples) of end padding.
    const extra = decoded.length - pcm.length;
    assert.ok(extra >= MP3_ENCODER_DELAY && extra < MP3_ENCODER_DELAY + 2 * 576, `extra ${extra} samples`);
    // Word times are on the PCM timeline: the MP3 plays them MP3_ENCODER_DELAY samples later.
    const start = pcm.findIndex((s) => Math.abs(s) > 500);
    const lag = bestLag(pcm.subarray(start), decoded.subarray(start), 2 * MP3_ENCODER_DELAY, 4 * 1024);
    assert.ok(Math.abs(lag - MP3_ENCODER_DELAY) <= 2, `decoded audio lags by ${lag} samples`);

    const probe = await withFile('a.mp3', mp3, ffprobe);
    assert.equal(probe.codec, 'mp3');
    assert.equal(probe.sampleRate, RATE);
    const seconds = done.audio_ms / 1000;
    assert.ok(Math.abs(probe.seconds - decoded.length / RATE) < 0.05, `ffprobe ${probe.seconds} s`);
    assert.ok(probe.seconds >= seconds, `${probe.seconds} s for ${seconds} s of audio`);
    await client.close();
  });

  void test('a flush brings the whole sentence out before `flushed`; cancel stops the frames', async () => {
    const client = await StreamClient.connect(gw.wsUrl, { token });
    client.send({ type: 'start', context_id: 'f', format: { encoding: 'mp3' } });
    client.send({ type: 'text', context_id: 'f', text: 'One short sentence.' });
    client.send({ type: 'flush', context_id: 'f' });
    await client.waitFor((m) => m.type === 'flushed' && m.context_id === 'f');
    const flushedFrames = client.framesOf('f');
    const decoded = await mpg123(concat(flushedFrames.map((f) => f.payload)));
    // Everything up to `flushed` decodes to at least the timeline's audio plus the delay: nothing waits in LAME.
    assert.ok(
      decoded.length >= flushedFrames.length * SAMPLES_PER_FRAME + MP3_ENCODER_DELAY,
      `${decoded.length} samples for ${flushedFrames.length} frames`,
    );

    client.send({ type: 'text', context_id: 'f', text: 'A much longer sentence follows, '.repeat(12) });
    client.send({ type: 'end', context_id: 'f' });
    await client.waitForFrames('f', flushedFrames.length + 5);
    client.send({ type: 'cancel', context_id: 'f' });
    assert.equal((await client.finished('f')).type, 'cancelled');
    const atCancel = client.log.length;
    const framesAtCancel = client.framesOf('f').length;
    // A later context on the same connection still works: nothing of the cancelled one arrives after it.
    client.send({ type: 'start', context_id: 'g', format: { encoding: 'mp3', sample_rate: 16000 } });
    client.send({ type: 'text', context_id: 'g', text: 'Next.' });
    client.send({ type: 'end', context_id: 'g' });
    assert.equal((await client.finished('g')).type, 'done');
    assert.equal(client.framesOf('f').length, framesAtCancel);
    assert.ok(client.log.slice(atCancel).every((e) => e.kind !== 'frame' || e.frame.contextId !== 'f'));
    const g = await withFile('g.mp3', concat(client.audio('g')), ffprobe);
    assert.equal(g.sampleRate, 16000);
    await client.close();
  });

  void test('mp3 rates outside 16/22.05/24/48 kHz are refused', async () => {
    const client = await StreamClient.connect(gw.wsUrl, { token });
    client.send({ type: 'start', context_id: 'x', format: { encoding: 'mp3', sample_rate: 8000 } });
    const error = await client.waitFor((m) => m.type === 'error');
    assert.ok(error.type === 'error');
    assert.equal(error.code, 'unsupported_format');
    await client.close();
  });
});
