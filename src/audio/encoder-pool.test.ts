import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpeechgateError } from '../errors.js';
import { EncoderPool } from './encoder-pool.js';
import { LocalEncoders, type EncoderService, type FrameEncoder } from './frame-encoder.js';
import type { AudioFormat } from './format.js';

const RATE = 22050;

/** A second of a gliding tone with some noise from a fixed seed: speech-like enough for the codec. */
function testSignal(seconds: number): Float32Array {
  let seed = 7;
  return Float32Array.from({ length: Math.round(RATE * seconds) }, (_, i) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const f = 150 + 100 * Math.sin(i / 4000);
    return 0.3 * Math.sin((2 * Math.PI * f * i) / RATE) + 0.02 * (seed / 2 ** 31 - 0.5);
  });
}

/** Two sentences, each in uneven pieces, flushed at its end: frames in order. */
async function encodeAll(service: EncoderService, format: AudioFormat): Promise<Uint8Array[]> {
  const encoder: FrameEncoder = await service.open(format, RATE);
  const frames: Uint8Array[] = [];
  try {
    for (const sentence of [testSignal(1.3), testSignal(0.7)]) {
      for (let at = 0; at < sentence.length; at += 3001) {
        frames.push(...(await encoder.encode(sentence.subarray(at, at + 3001))));
      }
      frames.push(...(await encoder.flush()));
    }
  } finally {
    encoder.destroy();
  }
  return frames;
}

describe('EncoderPool', () => {
  let pool: EncoderPool;
  before(() => {
    pool = EncoderPool.create(2);
  });
  after(async () => {
    await pool.close();
  });

  for (const format of [
    { encoding: 'opus', sampleRate: 48000 },
    { encoding: 'mulaw', sampleRate: 8000 },
    { encoding: 'pcm_s16le', sampleRate: 24000 },
  ] as const) {
    test(`${format.encoding} frames from encoder threads equal those encoded on this thread`, async () => {
      const [remote, local] = await Promise.all([
        encodeAll(pool, format),
        encodeAll(new LocalEncoders(), format),
      ]);
      assert.ok(local.length > 90, `only ${local.length} frames`);
      assert.deepEqual(
        remote.map((f) => Buffer.from(f).toString('base64')),
        local.map((f) => Buffer.from(f).toString('base64')),
      );
    });
  }

  test('concurrent streams on the pool keep their frames apart', async () => {
    const format = { encoding: 'opus', sampleRate: 48000 } as const;
    const expected = await encodeAll(new LocalEncoders(), format);
    const results = await Promise.all(Array.from({ length: 5 }, () => encodeAll(pool, format)));
    for (const frames of results) assert.deepEqual(frames, expected);
  });

  test('an unsupported format is refused with its error code', async () => {
    await assert.rejects(pool.open({ encoding: 'opus', sampleRate: 16000 }, RATE), (err: unknown) => {
      assert.ok(err instanceof SpeechgateError);
      assert.equal(err.code, 'unsupported_format');
      return true;
    });
  });

  test('an encoder used after destroy() throws, and prewarm completes', async () => {
    const encoder = await pool.open({ encoding: 'opus', sampleRate: 48000 }, RATE);
    encoder.destroy();
    encoder.destroy();
    await assert.rejects(encoder.encode(testSignal(0.1)), /after destroy/);
    await pool.prewarm(2, RATE);
  });
});

test('with every encoder thread gone, streams are encoded on this thread', async () => {
  const pool = EncoderPool.create(1);
  await pool.close();
  const format = { encoding: 'opus', sampleRate: 48000 } as const;
  assert.deepEqual(await encodeAll(pool, format), await encodeAll(new LocalEncoders(), format));
});
