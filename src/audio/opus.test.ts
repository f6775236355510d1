import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpeechgateError } from '../errors.js';
import { OpusDecoder, OpusEncoder, opusWasmMemoryBytes, type OpusSampleRate } from './opus.js';
import { opusPacketSamples48k } from './opus-packet.js';
import { chunkLengths, goertzel, rms, sine, splitByLengths } from './test-support.js';

function decodeAll(decoder: OpusDecoder, packets: Uint8Array[]): Float32Array {
  const pcm = packets.map((p) => decoder.decode(p));
  const out = new Float32Array(pcm.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of pcm) {
    for (let i = 0; i < part.length; i++) out[offset + i] = part[i]! / 32767;
    offset += part.length;
  }
  return out;
}

function correlation(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(aa * bb);
}

describe('OpusEncoder', () => {
  for (const rate of [48000, 24000] as OpusSampleRate[]) {
    test(`encodes 20 ms frames at ${rate} Hz that decode back to the same signal`, () => {
      const encoder = new OpusEncoder({ sampleRate: rate });
      const decoder = new OpusDecoder(rate);
      try {
        assert.equal(encoder.frameSamples, rate / 50);
        assert.equal(encoder.lookahead, (312 * rate) / 48000); // libopus: 2.5 ms + 4 ms delay compensation
        assert.equal(encoder.preSkip, 312);
        const input = sine(440, rate, rate, 0.5); // 1 s
        const parts = splitByLengths(input, chunkLengths(input.length, 1500, 7));
        const packets = parts.flatMap((chunk) => encoder.encode(chunk));
        assert.equal(packets.length, 50, 'only whole frames before the flush');
        packets.push(...encoder.flush());
        // 1 s + lookahead, padded to a frame boundary.
        assert.equal(packets.length, Math.ceil((rate + encoder.lookahead) / encoder.frameSamples));
        for (const packet of packets) assert.equal(opusPacketSamples48k(packet), 960);
        const bytes = packets.reduce((sum, p) => sum + p.length, 0);
        assert.ok(bytes > 3000 && bytes < 5200, `~32 kbit/s, got ${bytes} bytes`);

        const decoded = decodeAll(decoder, packets);
        assert.equal(decoded.length, packets.length * encoder.frameSamples);
        const aligned = decoded.subarray(encoder.lookahead, encoder.lookahead + input.length);
        assert.ok(
          Math.abs(rms(aligned) / rms(input) - 1) < 0.05,
          `energy ratio ${rms(aligned) / rms(input)}`,
        );
        assert.ok(correlation(input, aligned) > 0.95, 'waveform follows the input after the pre-skip');
        assert.ok(Math.abs(goertzel(aligned, 440, rate) - 0.5) < 0.05);
      } finally {
        encoder.destroy();
        decoder.destroy();
      }
    });
  }

  test('keeps its state across a mid-stream flush', () => {
    const encoder = new OpusEncoder({ application: 'voip', bitrate: 24000 });
    const decoder = new OpusDecoder();
    try {
      const first = [...encoder.encode(sine(300, 48000, 10_000)), ...encoder.flush()];
      assert.equal(first.length, Math.ceil((10_000 + 312) / 960));
      assert.deepEqual(encoder.flush(), [], 'nothing new, nothing out');
      const second = [...encoder.encode(sine(600, 48000, 24_000)), ...encoder.flush()];
      const decoded = decodeAll(decoder, [...first, ...second]);
      // The second sentence starts right after the first one's padded frames.
      const start = first.length * 960 + 312;
      const body = decoded.subarray(start + 2400, start + 21_600);
      assert.ok(goertzel(body, 600, 48000) > 0.4, 'second sentence decodes as its tone');
      assert.ok(goertzel(body, 300, 48000) < 0.02, 'no leftovers of the first sentence');
      assert.ok(rms(decoded.subarray(start - 200, start - 50)) < 0.02, 'silence padding between sentences');
    } finally {
      encoder.destroy();
      decoder.destroy();
    }
  });

  test('survives WASM memory growth and frees memory on destroy()', () => {
    const survivor = new OpusEncoder();
    const decoder = new OpusDecoder();
    const startBytes = opusWasmMemoryBytes();
    const crowd: OpusEncoder[] = [];
    try {
      while (opusWasmMemoryBytes() === startBytes && crowd.length < 5000) crowd.push(new OpusEncoder());
      assert.ok(opusWasmMemoryBytes() > startBytes, 'memory grew');
      const packets = [...survivor.encode(sine(440, 48000, 9600)), ...survivor.flush()];
      const decoded = decodeAll(decoder, packets).subarray(312, 312 + 9600);
      assert.ok(goertzel(decoded, 440, 48000) > 0.4, 'an encoder created before the growth still works');

      for (const encoder of crowd) encoder.destroy();
      const grownBytes = opusWasmMemoryBytes();
      const count = crowd.length;
      crowd.length = 0;
      for (let i = 0; i < count; i++) crowd.push(new OpusEncoder());
      assert.equal(opusWasmMemoryBytes(), grownBytes, 'destroyed encoders gave their memory back');
    } finally {
      for (const encoder of crowd) encoder.destroy();
      survivor.destroy();
      decoder.destroy();
    }
  });

  test('destroy() is idempotent and use afterwards fails cleanly', () => {
    const encoder = new OpusEncoder();
    encoder.destroy();
    encoder.destroy();
    assert.throws(() => encoder.encode(new Float32Array(960)), SpeechgateError);
    assert.throws(() => encoder.flush(), SpeechgateError);
  });

  test('rejects invalid settings', () => {
    assert.throws(() => new OpusEncoder({ bitrate: 100 }), SpeechgateError);
    assert.throws(() => new OpusEncoder({ complexity: 11 }), SpeechgateError);
    assert.throws(() => new OpusEncoder({ sampleRate: 44100 as OpusSampleRate }), SpeechgateError);
  });

  test('a higher bitrate spends more bytes', () => {
    const sizes = [16000, 64000].map((bitrate) => {
      const encoder = new OpusEncoder({ bitrate });
      try {
        const noiseLike = Float32Array.from({ length: 48000 }, (_, i) => 0.3 * Math.sin(i * i * 1e-4));
        return [...encoder.encode(noiseLike), ...encoder.flush()].reduce((sum, p) => sum + p.length, 0);
      } finally {
        encoder.destroy();
      }
    });
    assert.ok(sizes[1]! > sizes[0]! * 2, `sizes ${sizes.join(' vs ')}`);
  });
});

describe('OpusDecoder', () => {
  test('rejects empty and garbage packets', () => {
    const decoder = new OpusDecoder();
    try {
      assert.throws(() => decoder.decode(new Uint8Array(0)), SpeechgateError);
      assert.throws(() => decoder.decode(Uint8Array.of(0xff, 0x00)), SpeechgateError); // code 3, zero frames
    } finally {
      decoder.destroy();
    }
  });
});

describe('opusPacketSamples48k', () => {
  test('reads durations from the TOC byte', () => {
    const cases: [number[], number][] = [
      [[0 << 3], 480], // SILK NB 10 ms
      [[3 << 3], 2880], // SILK NB 60 ms
      [[13 << 3], 960], // Hybrid FB 20 ms
      [[16 << 3], 120], // CELT NB 2.5 ms
      [[(31 << 3) | 1], 1920], // two CELT FB 20 ms frames
      [[(19 << 3) | 3, 6], 5760], // code 3: six 20 ms frames
    ];
    for (const [bytes, samples] of cases) assert.equal(opusPacketSamples48k(Uint8Array.from(bytes)), samples);
    assert.throws(() => opusPacketSamples48k(new Uint8Array(0)), RangeError);
    assert.throws(() => opusPacketSamples48k(Uint8Array.of((3 << 3) | 3, 3)), RangeError); // 180 ms
  });
});
