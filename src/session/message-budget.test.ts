import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageBudget } from './message-budget.js';

void test('the budget takes N messages a window, refuses the next once and drops the rest', () => {
  let now = 0;
  const budget = new MessageBudget(3, () => now);
  const verdicts = Array.from({ length: 400 }, () => budget.take());
  assert.deepEqual(verdicts.slice(0, 5), ['ok', 'ok', 'ok', 'refused', 'dropped']);
  assert.equal(verdicts.filter((v) => v === 'refused').length, 1);
  assert.equal(verdicts.filter((v) => v === 'dropped').length, 396);
  assert.equal(budget.retryAfterSeconds, 1);
  now = 999;
  assert.equal(budget.take(), 'dropped');
  now = 1000;
  assert.deepEqual(
    [budget.take(), budget.take(), budget.take(), budget.take()],
    ['ok', 'ok', 'ok', 'refused'],
  );
});
