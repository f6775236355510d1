import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { decodeG711, encodeG711 } from './g711.js';
import { floatToS16le, s16leToInt16 } from './pcm.js';
import { concatBytes, hasTool, runTool, sine } from './test-support.js';
import { wavFile, wavHeader, type WavEncoding } from './wav.js';

const workDir = mkdtempSync(join(tmpdir(), 'speechgate-wav-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

interface Case {
  encoding: WavEncoding;
  rate: number;
  soxEncoding: RegExp;
}

const CASES: Case[] = [
  { encoding: 'pcm_s16le', rate: 16000, soxEncoding: /16-bit Signed Integer PCM/ },
  { encoding: 'pcm_s16le', rate: 22050, soxEncoding: /16-bit Signed Integer PCM/ },
  { encoding: 'mulaw', rate: 8000, soxEncoding: /8-bit u-law/ },
  { encoding: 'alaw', rate: 8000, soxEncoding: /8-bit A-law/ },
];

function encode(encoding: WavEncoding, samples: Float32Array): Uint8Array {
  return encoding === 'pcm_s16le' ? floatToS16le(samples) : encodeG711(samples, encoding);
}

/** The 16-bit samples a correct reader must produce from our bytes. */
function expectedLinear(encoding: WavEncoding, data: Uint8Array): Int16Array {
  return encoding === 'pcm_s16le' ? s16leToInt16(data) : decodeG711(data, encoding);
}

/** Decodes a WAV file with sox to raw s16le and returns the samples. */
function soxDecode(file: string): Int16Array {
  const raw = `${file}.raw`;
  runTool('sox', ['-V1', file, '-t', 'raw', '-e', 'signed-integer', '-b', '16', '-L', raw]);
  return s16leToInt16(new Uint8Array(readFileSync(raw)));
}

describe('wavHeader', () => {
  test('writes the canonical 44-byte PCM header', () => {
    const header = wavHeader({ encoding: 'pcm_s16le', sampleRate: 16000, dataBytes: 1000 });
    const view = new DataView(header.buffer);
    assert.equal(header.length, 44);
    assert.equal(new TextDecoder().decode(header.subarray(0, 4)), 'RIFF');
    assert.equal(view.getUint32(4, true), 36 + 1000);
    assert.equal(view.getUint16(20, true), 1);
    assert.equal(view.getUint32(28, true), 32000); // byte rate
    assert.equal(view.getUint16(34, true), 16);
    assert.equal(new TextDecoder().decode(header.subarray(36, 40)), 'data');
    assert.equal(view.getUint32(40, true), 1000);
  });

  test('gives G.711 an 18-byte fmt chunk, a fact chunk and the format tags 7/6', () => {
    for (const [encoding, tag] of [
      ['mulaw', 7],
      ['alaw', 6],
    ] as const) {
      const header = wavHeader({ encoding, sampleRate: 8000, dataBytes: 8001 });
      const view = new DataView(header.buffer);
      assert.equal(header.length, 58);
      assert.equal(view.getUint32(16, true), 18);
      assert.equal(view.getUint16(20, true), tag);
      assert.equal(view.getUint16(34, true), 8);
      assert.equal(new TextDecoder().decode(header.subarray(38, 42)), 'fact');
      assert.equal(view.getUint32(46, true), 8001);
      assert.equal(view.getUint32(4, true), 50 + 8002, 'odd data is followed by a pad byte');
    }
  });

  test('marks sizes unknown for streaming', () => {
    for (const encoding of ['pcm_s16le', 'mulaw'] as const) {
      const header = wavHeader({ encoding, sampleRate: 8000 });
      const view = new DataView(header.buffer);
      assert.equal(view.getUint32(4, true), 0xffffffff);
      assert.equal(view.getUint32(header.length - 4, true), 0xffffffff);
    }
  });

  test('rejects bad arguments', () => {
    assert.throws(() => wavHeader({ encoding: 'mulaw', sampleRate: 0 }), RangeError);
    assert.throws(() => wavHeader({ encoding: 'mulaw', sampleRate: 8000, dataBytes: -1 }), RangeError);
  });

  const skip = hasTool('soxi') && hasTool('sox') ? false : 'sox/soxi not installed';

  for (const { encoding, rate, soxEncoding } of CASES) {
    test(`a final ${encoding}@${rate} file passes soxi and sox decodes it sample-exactly`, { skip }, () => {
      const seconds = 1.5;
      const data = encode(encoding, sine(440, rate, rate * seconds, 0.6));
      const file = join(workDir, `final-${encoding}-${rate}.wav`);
      writeFileSync(file, wavFile(encoding, rate, data));
      assert.equal(runTool('soxi', ['-r', file]).trim(), String(rate));
      assert.equal(runTool('soxi', ['-s', file]).trim(), String(rate * seconds));
      assert.equal(runTool('soxi', ['-D', file]).trim(), '1.500000');
      assert.match(runTool('soxi', [file]), soxEncoding);
      assert.deepEqual(soxDecode(file), expectedLinear(encoding, data));
    });

    test(`a streaming ${encoding}@${rate} file is read to its end by sox`, { skip }, () => {
      const data = encode(encoding, sine(1000, rate, rate / 2, 0.6));
      const file = join(workDir, `stream-${encoding}-${rate}.wav`);
      writeFileSync(file, concatBytes([wavHeader({ encoding, sampleRate: rate }), data]));
      assert.equal(runTool('soxi', ['-r', file]).trim(), String(rate));
      assert.match(runTool('soxi', [file]), soxEncoding);
      assert.deepEqual(soxDecode(file), expectedLinear(encoding, data));
    });
  }
});
