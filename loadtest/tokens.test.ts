import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PARAGRAPHS } from './paragraphs.js';
import { seededRandom } from './random.js';
import { llmTokens, MAX_TOKEN_CHARS, tokenSchedule } from './tokens.js';

void test('tokens put back together are the paragraph, each 1..6 characters', () => {
  for (const [i, text] of PARAGRAPHS.entries()) {
    const tokens = llmTokens(text, seededRandom(i));
    assert.equal(tokens.join(''), text);
    for (const token of tokens) {
      assert.ok(token.length >= 1 && token.length <= MAX_TOKEN_CHARS, `token ${JSON.stringify(token)}`);
    }
  }
});

void test('words keep their leading space, punctuation and long words are split like an LLM', () => {
  const tokens = llmTokens('Sure! The photosynthesis costs $48.50.', seededRandom(3));
  assert.deepEqual(tokens.slice(0, 3), ['Sure', '!', ' The']);
  assert.ok(tokens.includes(' $'));
  assert.ok(tokens.includes('.'));
  assert.ok(!tokens.includes(' photosynthesis'));
  assert.ok(tokens.some((t) => t.startsWith(' pho') || t.startsWith(' ph')));
  assert.deepEqual(llmTokens('', seededRandom(1)), []);
});

void test('the same seed gives the same tokens and schedule', () => {
  const text = PARAGRAPHS[2] ?? '';
  assert.deepEqual(llmTokens(text, seededRandom(9)), llmTokens(text, seededRandom(9)));
  const pace = { minRate: 30, maxRate: 50, jitter: 0.5 };
  assert.deepEqual(tokenSchedule(20, pace, seededRandom(4)), tokenSchedule(20, pace, seededRandom(4)));
});

void test('the schedule starts at 0, never goes back, and keeps the rate within the jitter', () => {
  const pace = { minRate: 40, maxRate: 40, jitter: 0.5 };
  const times = tokenSchedule(401, pace, seededRandom(7));
  assert.equal(times[0], 0);
  for (let i = 1; i < times.length; i++) {
    const gap = (times[i] ?? 0) - (times[i - 1] ?? 0);
    assert.ok(gap >= 12.5 - 1e-9 && gap <= 37.5 + 1e-9, `gap ${gap}`);
  }
  // 400 gaps of 25 ms on average: about 10 s.
  const total = times[400] ?? 0;
  assert.ok(total > 9000 && total < 11000, `total ${total}`);
  assert.deepEqual(tokenSchedule(0, pace, seededRandom(7)), []);
});
