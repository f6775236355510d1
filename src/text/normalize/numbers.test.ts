import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cardinal,
  decimalWords,
  fractionWords,
  MAX_CARDINAL_DIGITS,
  ordinal,
  pluralizeLast,
  shortYearWords,
  spellDigits,
  yearWords,
} from './numbers.js';

test('cardinal', () => {
  const cases: [string, string][] = [
    ['0', 'zero'],
    ['000', 'zero'],
    ['13', 'thirteen'],
    ['20', 'twenty'],
    ['99', 'ninety nine'],
    ['101', 'one hundred one'],
    ['1000', 'one thousand'],
    ['1001', 'one thousand one'],
    ['100000', 'one hundred thousand'],
    ['1000000', 'one million'],
    ['1000001000', 'one billion one thousand'],
    ['1000000000000', 'one trillion'],
    ['0042', 'forty two'],
  ];
  for (const [digits, words] of cases) assert.equal(cardinal(digits), words, digits);
  assert.equal(cardinal('1'.padEnd(MAX_CARDINAL_DIGITS, '0'))?.split(' ').at(-1), 'decillion');
  assert.equal(cardinal('1'.padEnd(MAX_CARDINAL_DIGITS + 1, '0')), undefined);
});

test('ordinal', () => {
  const cases: [string, string][] = [
    ['1', 'first'],
    ['2', 'second'],
    ['3', 'third'],
    ['5', 'fifth'],
    ['8', 'eighth'],
    ['9', 'ninth'],
    ['12', 'twelfth'],
    ['20', 'twentieth'],
    ['21', 'twenty first'],
    ['100', 'one hundredth'],
    ['1000000', 'one millionth'],
  ];
  for (const [digits, words] of cases) assert.equal(ordinal(digits), words, digits);
});

test('years', () => {
  const cases: [number, string][] = [
    [1000, 'one thousand'],
    [1005, 'ten oh five'],
    [1100, 'eleven hundred'],
    [1776, 'seventeen seventy six'],
    [1900, 'nineteen hundred'],
    [1999, 'nineteen ninety nine'],
    [2000, 'two thousand'],
    [2001, 'two thousand one'],
    [2009, 'two thousand nine'],
    [2010, 'twenty ten'],
    [2026, 'twenty twenty six'],
    [2100, 'twenty one hundred'],
    [999, 'nine hundred ninety nine'],
  ];
  for (const [year, words] of cases) assert.equal(yearWords(year), words, String(year));
  assert.equal(shortYearWords('26'), 'twenty six');
  assert.equal(shortYearWords('05'), 'oh five');
});

test('digits, decimals, fractions, plurals', () => {
  assert.equal(spellDigits('0451'), 'zero four five one');
  assert.equal(decimalWords('3', '14'), 'three point one four');
  assert.equal(decimalWords('', '5'), 'point five');
  assert.equal(fractionWords(1, 2), 'one half');
  assert.equal(fractionWords(3, 4), 'three quarters');
  assert.equal(fractionWords(2, 3), 'two thirds');
  assert.equal(fractionWords(1, 8), 'one eighth');
  assert.equal(pluralizeLast('nineteen ninety'), 'nineteen nineties');
  assert.equal(pluralizeLast('six'), 'sixes');
  assert.equal(pluralizeLast('two thousand'), 'two thousands');
});
