import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  floatToInt16,
  floatToInt16Sample,
  floatToS16le,
  int16ToFloat,
  s16leToFloat,
  s16leToInt16,
} from './pcm.js';

describe('pcm', () => {
  test('scales, rounds and clips float samples to int16', () => {
    const cases: [number, number][] = [
      [0, 0],
      [1, 32767],
      [-1, -32767],
      [0.5, 16384], // 16383.5 rounds up
      [-0.5, -16383], // -16383.5 rounds towards +inf
      [1.7, 32767],
      [-3, -32767],
      [1 / 32767, 1],
      [0.4 / 32767, 0],
      [Number.NaN, 0],
      [Number.POSITIVE_INFINITY, 0],
      [Number.NEGATIVE_INFINITY, 0],
    ];
    for (const [input, expected] of cases)
      assert.equal(floatToInt16Sample(input), expected, `input ${input}`);
  });

  test('writes little-endian bytes', () => {
    const bytes = floatToS16le(Float32Array.of(1, -1, 0, 256 / 32767));
    assert.deepEqual([...bytes], [0xff, 0x7f, 0x01, 0x80, 0x00, 0x00, 0x00, 0x01]);
  });

  test('round-trips through 16 bits exactly on the int16 grid and within half a step otherwise', () => {
    const grid = Int16Array.of(-32767, -12345, -1, 0, 1, 12345, 32767);
    assert.deepEqual(floatToInt16(int16ToFloat(grid)), grid);
    const values = Float32Array.from({ length: 1001 }, (_, i) => -1 + i * 0.002);
    const back = s16leToFloat(floatToS16le(values));
    for (let i = 0; i < values.length; i++) assert.ok(Math.abs(back[i]! - values[i]!) <= 0.5 / 32767 + 1e-7);
  });

  test('decodes -32768 to -1 and ignores an odd trailing byte', () => {
    assert.deepEqual([...int16ToFloat(Int16Array.of(-32768))], [-1]);
    assert.deepEqual([...s16leToInt16(Uint8Array.of(0x00, 0x80, 0x7f))], [-32768]);
  });

  test('reads from a view into a larger buffer', () => {
    const backing = Uint8Array.of(9, 9, 0x34, 0x12, 9);
    assert.deepEqual([...s16leToInt16(backing.subarray(2, 4))], [0x1234]);
  });
});
