import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FlacStreamEncoder, STREAMINFO_BYTES } from './flac.js';
import { convert, cpuMsPerAudioSecond, int16, runOnFile, speechLike } from './test-signal.js';
import { concatBytes } from './types.js';

/** Encodes in pushes of `chunk` samples; also returns how many bytes came out before end(). */
function encode(pcm: Int16Array, options: ConstructorParameters<typeof FlacStreamEncoder>[0], chunk = 441) {
  const encoder = new FlacStreamEncoder(options);
  const parts: Uint8Array[] = [];
  for (let o = 0; o < pcm.length; o += chunk) parts.push(encoder.push(pcm.subarray(o, o + chunk)));
  const beforeEnd = parts.reduce((sum, p) => sum + p.length, 0);
  parts.push(encoder.end());
  return { encoder, bytes: concatBytes(parts), beforeEnd, firstPush: parts[0]! };
}

const decode = (flac: Uint8Array): Int16Array =>
  int16(
    convert(flac, 'a.flac', 'flac', (i, o) => [
      '-d',
      '-s',
      '-f',
      '--force-raw-format',
      '--endian=little',
      '--sign=signed',
      '-o',
      o,
      i,
    ]),
  );

void describe('FLAC stream encoder (checked by the reference flac decoder and sox)', () => {
  for (const sampleRate of [22050, 24000, 48000]) {
    void test(`${sampleRate} Hz: streams frames as blocks fill, passes flac -t, decodes bit-exact`, () => {
      const pcm = speechLike(sampleRate, 3);
      const { bytes, beforeEnd, firstPush } = encode(pcm, { sampleRate });
      assert.deepEqual([...firstPush.subarray(0, 4)], [...Buffer.from('fLaC')], 'the header comes first');
      assert.ok(beforeEnd > bytes.length * 0.9, `${beforeEnd} of ${bytes.length} bytes before end()`);
      const check = runOnFile('a.flac', bytes, 'flac', (p) => ['-t', '-s', p]);
      assert.equal(check.status, 0, check.stderr);
      assert.deepEqual(decode(bytes), pcm);
      assert.ok(bytes.length < pcm.length * 2 * 0.75, `compressed to ${bytes.length} of ${pcm.length * 2}`);
    });
  }

  void test('the complete header carries length and MD5: flac -t verifies it, soxi reads the duration', () => {
    const pcm = speechLike(24000, 2.5, 7);
    const { encoder, bytes } = encode(pcm, { sampleRate: 24000 }, 1000);
    const file = bytes.slice();
    file.set(encoder.completeHeader(), 0);
    assert.equal(encoder.completeHeader().length, STREAMINFO_BYTES);
    const check = runOnFile('b.flac', file, 'flac', (p) => ['-t', p]);
    assert.equal(check.status, 0, check.stderr);
    assert.doesNotMatch(check.stderr, /MD5 signature since it was unset/);
    const soxi = runOnFile('b.flac', file, 'soxi', (p) => ['-s', p]);
    assert.equal(Number(soxi.stdout.toString().trim()), pcm.length);
    // The streamed header has no MD5, and the decoder says so.
    const streamed = runOnFile('a.flac', bytes, 'flac', (p) => ['-t', p]);
    assert.match(streamed.stderr, /MD5 signature since it was unset/);
  });

  void test('odd block sizes, rates and many frames: every header variant decodes', () => {
    for (const [sampleRate, blockSize, seconds] of [
      [48000, 192, 1.2], // > 128 frames: multi-byte frame numbers; block size code 1
      [44100, 1000, 0.5], // 16-bit block size field; rate code 9
      [11025, 100, 0.4], // 8-bit block size field; rate written as 16 bits of Hz
      [16000, 4608, 1], // a short last block
    ] as const) {
      const pcm = speechLike(sampleRate, seconds, 3);
      const { bytes } = encode(pcm, { sampleRate, blockSize }, 333);
      const check = runOnFile('c.flac', bytes, 'flac', (p) => ['-t', '-s', p]);
      assert.equal(check.status, 0, `${sampleRate}/${blockSize}: ${check.stderr}`);
      assert.deepEqual(decode(bytes), pcm, `${sampleRate}/${blockSize}`);
    }
  });

  void test('silence costs a few bytes per frame; full-scale noise falls back to verbatim', () => {
    const silence = new Int16Array(24000);
    const quiet = encode(silence, { sampleRate: 24000 });
    assert.ok(quiet.bytes.length < STREAMINFO_BYTES + 12 * 20, `silence: ${quiet.bytes.length} bytes`);
    assert.deepEqual(decode(quiet.bytes), silence);
    const noise = new Int16Array(24000);
    let s = 5;
    for (let i = 0; i < noise.length; i++)
      noise[i] = ((s = (s * 1103515245 + 12345) & 0x7fffffff) % 65536) - 32768;
    const loud = encode(noise, { sampleRate: 24000 });
    assert.deepEqual(decode(loud.bytes), noise);
    assert.ok(
      loud.bytes.length <= noise.length * 2 + STREAMINFO_BYTES + 12 * 20,
      `noise: ${loud.bytes.length}`,
    );
  });

  void test('no audio: a valid header alone; push after end is refused; bad options throw', () => {
    const encoder = new FlacStreamEncoder({ sampleRate: 22050 });
    const bytes = encoder.end();
    assert.equal(bytes.length, STREAMINFO_BYTES);
    assert.throws(() => encoder.push(new Int16Array(10)), /after end/);
    assert.throws(() => new FlacStreamEncoder({ sampleRate: 0 }), RangeError);
    assert.throws(() => new FlacStreamEncoder({ sampleRate: 22050, blockSize: 8 }), RangeError);
  });

  void test('CPU cost per audio second (reported, not asserted)', () => {
    for (const sampleRate of [22050, 48000]) {
      const pcm = speechLike(sampleRate, 10);
      const ms = cpuMsPerAudioSecond(10, () => encode(pcm, { sampleRate }, Math.round(sampleRate / 50)));
      console.log(`FLAC ${sampleRate} Hz: ${ms.toFixed(2)} ms CPU per audio second`);
    }
  });
});
