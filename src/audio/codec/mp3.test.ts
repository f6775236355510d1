import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMp3Encoder } from './mp3.js';
import { bestAlignment, convert, cpuMsPerAudioSecond, int16, speechLike } from './test-signal.js';
import type { StreamEncoder } from './types.js';
import { concatBytes } from './types.js';

function encode(encoder: StreamEncoder, pcm: Int16Array, chunk: number) {
  const parts: Uint8Array[] = [];
  for (let o = 0; o < pcm.length; o += chunk) parts.push(encoder.push(pcm.subarray(o, o + chunk)));
  const beforeEnd = parts.reduce((sum, p) => sum + p.length, 0);
  parts.push(encoder.end());
  return { bytes: concatBytes(parts), beforeEnd };
}

/** mpg123's decode as raw signed 16-bit mono. */
const decode = (mp3: Uint8Array): Int16Array =>
  int16(convert(mp3, 'a.mp3', 'mpg123', (i, o) => ['-q', '--mono', '-e', 's16', '-w', o, i]).subarray(44));

/** LAME's encoder delay plus the decoder's: the start of the decoded audio that precedes the input. */
const MAX_DELAY = 2 * 1152 + 1105;

void describe('MP3 stream encoder (LAME in WebAssembly; checked by mpg123)', () => {
  for (const sampleRate of [22050, 24000, 48000]) {
    void test(`${sampleRate} Hz: bytes as it goes; mpg123 decodes the right length and the same signal`, async () => {
      const pcm = speechLike(sampleRate, 3);
      const encoder = await createMp3Encoder({ sampleRate });
      assert.equal(encoder.mimeType, 'audio/mpeg');
      const { bytes, beforeEnd } = encode(encoder, pcm, sampleRate / 50); // 20 ms pushes
      assert.ok(beforeEnd > bytes.length * 0.8, `${beforeEnd} of ${bytes.length} bytes before end()`);
      // 64 kbit/s constant: the size follows from the duration (within a frame or two).
      const expected = (64_000 / 8) * (pcm.length / sampleRate);
      assert.ok(Math.abs(bytes.length - expected) < expected * 0.08, `${bytes.length} bytes vs ${expected}`);
      const decoded = decode(bytes);
      assert.ok(decoded.length >= pcm.length, `decoded ${decoded.length} < input ${pcm.length}`);
      assert.ok(decoded.length <= pcm.length + MAX_DELAY, `decoded ${decoded.length} vs ${pcm.length}`);
      const { lag, r } = bestAlignment(pcm, decoded, MAX_DELAY);
      assert.ok(r > 0.9, `correlation ${r.toFixed(3)} at lag ${lag}`);
      console.log(`MP3 ${sampleRate} Hz: correlation ${r.toFixed(3)} at a delay of ${lag} samples`);
      // A different signal does not correlate: the check can fail.
      const other = bestAlignment(
        speechLike(sampleRate, 3, 99).map((v, i) => (i % 7 ? v : -v)),
        decoded,
        0,
      );
      assert.ok(other.r < r);
    });
  }

  void test('encoders are independent streams; bad options and push after end are refused', async () => {
    const a = await createMp3Encoder({ sampleRate: 24000, bitrateKbps: 32 });
    const b = await createMp3Encoder({ sampleRate: 24000, bitrateKbps: 128 });
    const pcm = speechLike(24000, 1);
    const small = encode(a, pcm, 480).bytes.length;
    const large = encode(b, pcm, 480).bytes.length;
    assert.ok(large > small * 3, `${large} vs ${small}`);
    assert.throws(() => a.push(pcm), /after end/);
    await assert.rejects(createMp3Encoder({ sampleRate: 8000 }), RangeError);
    await assert.rejects(createMp3Encoder({ sampleRate: 24000, bitrateKbps: 100 as 96 }), RangeError);
  });

  void test('CPU cost per audio second (reported, not asserted)', async () => {
    for (const sampleRate of [22050, 48000]) {
      const pcm = speechLike(sampleRate, 10);
      const encoder = await createMp3Encoder({ sampleRate });
      const ms = cpuMsPerAudioSecond(10, () => encode(encoder, pcm, sampleRate / 50));
      console.log(`MP3 64 kbit/s ${sampleRate} Hz: ${ms.toFixed(2)} ms CPU per audio second`);
    }
  });
});
