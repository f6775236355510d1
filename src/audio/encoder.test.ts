import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpeechgateError } from '../errors.js';
import { createStreamEncoder, opusCodingRate, type AudioFormat, type StreamEncoder } from './encoder.js';
import { formatKey, frameBytes, SUPPORTED_RATES, type AudioEncoding } from './format.js';
import { decodeG711 } from './g711.js';
import { OpusDecoder } from './opus.js';
import { s16leToInt16 } from './pcm.js';
import { chunkLengths, goertzel, rms, sine, splitByLengths } from './test-support.js';

const VOICE_RATE = 22050;

const ALL_FORMATS: AudioFormat[] = Object.entries(SUPPORTED_RATES).flatMap(([encoding, rates]) =>
  rates.map((sampleRate) => ({ encoding: encoding as AudioEncoding, sampleRate })),
);

/** Feeds vocoder-like chunks of arbitrary size, then flushes. */
function encodeChunked(encoder: StreamEncoder, samples: Float32Array, seed: number): Uint8Array[] {
  const parts = splitByLengths(samples, chunkLengths(samples.length, 2000, seed));
  const frames = parts.flatMap((chunk) => encoder.encode(chunk));
  frames.push(...encoder.flush());
  return frames;
}

/** Frames back to float samples at the format's rate. */
function decodeFrames(format: AudioFormat, frames: Uint8Array[]): Float32Array {
  let linear: Int16Array[];
  switch (format.encoding) {
    case 'opus': {
      const decoder = new OpusDecoder(format.sampleRate as 48000 | 24000);
      try {
        linear = frames.map((f) => decoder.decode(f));
      } finally {
        decoder.destroy();
      }
      break;
    }
    case 'pcm_s16le':
      linear = frames.map(s16leToInt16);
      break;
    default: {
      const law = format.encoding;
      linear = frames.map((f) => decodeG711(f, law));
    }
  }
  const out = new Float32Array(linear.reduce((sum, l) => sum + l.length, 0));
  let offset = 0;
  for (const part of linear) {
    for (let i = 0; i < part.length; i++) out[offset + i] = part[i]! / 32767;
    offset += part.length;
  }
  return out;
}

describe('createStreamEncoder', () => {
  for (const format of ALL_FORMATS) {
    test(`${formatKey(format)}: 20 ms frames that carry the voice's audio`, async () => {
      const encoder = await createStreamEncoder(format, VOICE_RATE);
      try {
        assert.equal(encoder.frameMs, 20);
        assert.deepEqual(encoder.format, format);
        // CELT-only Opus: 2.5 ms of encoder delay, 120 samples at 48 kHz.
        assert.equal(encoder.preSkip, format.encoding === 'opus' ? 120 : 0);
        const frames = encodeChunked(encoder, sine(1000, VOICE_RATE, VOICE_RATE, 0.5), format.sampleRate);
        const frameSamples = (format.sampleRate * 20) / 1000;
        const size = frameBytes(format, 20);
        if (size !== undefined) {
          assert.equal(size, format.encoding === 'pcm_s16le' ? format.sampleRate * 0.02 * 2 : 160);
          for (const frame of frames) assert.equal(frame.length, size);
          assert.equal(frames.length, Math.ceil(format.sampleRate / frameSamples), '1 s, last frame padded');
        } else {
          // Opus: one packet per 20 ms, plus the frame that drains the encoder's lookahead.
          assert.equal(frames.length, 51);
        }
        const decoded = decodeFrames(format, frames);
        assert.equal(decoded.length, frames.length * frameSamples);
        const skip = format.encoding === 'opus' ? (120 * format.sampleRate) / 48000 : 0;
        const body = decoded.subarray(skip + frameSamples, skip + format.sampleRate - frameSamples);
        assert.ok(Math.abs(rms(body) / (0.5 / Math.SQRT2) - 1) < 0.05, `energy ${rms(body)}`);
        assert.ok(Math.abs(goertzel(body, 1000, format.sampleRate) - 0.5) < 0.05, '1 kHz tone survives');
      } finally {
        encoder.destroy();
      }
    });
  }

  test('a sentence-end flush pads to a frame and the next sentence continues cleanly', async () => {
    for (const format of [
      { encoding: 'pcm_s16le', sampleRate: 16000 },
      { encoding: 'opus', sampleRate: 48000 },
    ] as AudioFormat[]) {
      const encoder = await createStreamEncoder(format, VOICE_RATE);
      try {
        const first = encodeChunked(encoder, sine(500, VOICE_RATE, 5000, 0.5), 1);
        assert.deepEqual(encoder.flush(), [], 'an extra flush adds nothing');
        const second = encodeChunked(encoder, sine(1500, VOICE_RATE, VOICE_RATE, 0.5), 2);
        if (format.encoding === 'pcm_s16le') {
          assert.equal(first.length, Math.ceil(Math.round((5000 * 16000) / VOICE_RATE) / 320));
          assert.equal(second.length, 50);
        }
        const decoded = decodeFrames(format, [...first, ...second]);
        const frameSamples = format.sampleRate / 50;
        const skip = format.encoding === 'opus' ? 120 : 0;
        const start = first.length * frameSamples + skip;
        const body = decoded.subarray(start + frameSamples, start + format.sampleRate - frameSamples);
        assert.ok(goertzel(body, 1500, format.sampleRate) > 0.45, `${formatKey(format)}: second sentence`);
        assert.ok(
          goertzel(body, 500, format.sampleRate) < 0.02,
          `${formatKey(format)}: nothing of the first`,
        );
      } finally {
        encoder.destroy();
      }
    }
  });

  test('Opus encodes at the lowest Opus rate that holds the voice: CELT-only packets, any listener rate', async () => {
    assert.equal(opusCodingRate(22050, 48000), 24000);
    assert.equal(opusCodingRate(22050, 24000), 24000);
    assert.equal(opusCodingRate(16000, 48000), 16000);
    assert.equal(opusCodingRate(44100, 48000), 48000);
    assert.equal(opusCodingRate(44100, 24000), 24000);
    // TOC configuration (RFC 6716 3.1): 27 = CELT-only super-wideband (12 kHz) 20 ms; 15 = hybrid full-band.
    const configs = async (options: Parameters<typeof createStreamEncoder>[2]) => {
      const encoder = await createStreamEncoder({ encoding: 'opus', sampleRate: 48000 }, VOICE_RATE, options);
      try {
        return new Set(encodeChunked(encoder, sine(440, VOICE_RATE, 11025, 0.5), 3).map((p) => p[0]! >> 3));
      } finally {
        encoder.destroy();
      }
    };
    assert.deepEqual([...(await configs({}))], [27]);
    assert.deepEqual([...(await configs({ opusApplication: 'audio', opusCodingRate: 48000 }))], [15]);
  });

  test('returned frames are independent copies', async () => {
    const encoder = await createStreamEncoder({ encoding: 'mulaw', sampleRate: 8000 }, VOICE_RATE);
    try {
      const frames = encoder.encode(sine(700, VOICE_RATE, 4000));
      assert.ok(frames.length >= 2);
      const snapshot = frames.map((f) => f.slice());
      frames[0]!.fill(0);
      encoder.encode(sine(700, VOICE_RATE, 4000));
      assert.deepEqual(frames.slice(1), snapshot.slice(1));
      assert.ok(new Set(frames.map((f) => f.buffer)).size === frames.length, 'no shared buffers');
    } finally {
      encoder.destroy();
    }
  });

  test('passes audio through without resampling when the rates match', async () => {
    const encoder = await createStreamEncoder({ encoding: 'pcm_s16le', sampleRate: 22050 }, 22050);
    try {
      const input = sine(1000, 22050, 441 * 3, 0.25);
      const frames = encoder.encode(input);
      assert.equal(frames.length, 3);
      assert.deepEqual(
        Array.from(s16leToInt16(frames[0]!)),
        Array.from(input.subarray(0, 441), (x) => Math.round(x * 32767)),
      );
    } finally {
      encoder.destroy();
    }
  });

  test('destroy() is idempotent and later use fails cleanly', async () => {
    const encoder = await createStreamEncoder({ encoding: 'opus', sampleRate: 24000 }, VOICE_RATE);
    encoder.destroy();
    encoder.destroy();
    assert.throws(() => encoder.encode(new Float32Array(100)), SpeechgateError);
    assert.throws(() => encoder.flush(), SpeechgateError);
  });

  test('rejects formats it cannot produce', async () => {
    await assert.rejects(
      createStreamEncoder({ encoding: 'opus', sampleRate: 16000 }, VOICE_RATE),
      SpeechgateError,
    );
    await assert.rejects(
      createStreamEncoder({ encoding: 'pcm_s16le', sampleRate: 16000 }, 0),
      SpeechgateError,
    );
  });
});
