import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpeechgateError } from '../errors.js';
import { createLimits, type LimitName, type LimitsConfig } from './index.js';

const cfg: LimitsConfig = {
  maxConnectionsPerTenant: 2,
  maxContextsPerTenant: 3,
  charsPerMinute: 100,
};

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<SpeechgateError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof SpeechgateError, `expected SpeechgateError, got ${String(err)}`);
    assert.equal(err.code, code);
    return err;
  }
  assert.fail(`expected ${code}`);
}

void describe('in-memory limits', () => {
  void test('connections: cap per tenant, retry-after, release frees a slot, release is idempotent', async () => {
    const rejected: LimitName[] = [];
    const limits = createLimits(cfg, undefined, { onReject: (l) => rejected.push(l) });
    const a = await limits.acquireConnection('t1');
    const b = await limits.acquireConnection('t1');
    const err = await rejectsWith(limits.acquireConnection('t1'), 'too_many_connections');
    assert.equal(err.retryAfterSeconds, 1);
    assert.equal(err.httpStatus, 429);
    // Another tenant has its own budget.
    const other = await limits.acquireConnection('t2');

    await a.release();
    await a.release(); // must not free a second slot
    const c = await limits.acquireConnection('t1');
    await rejectsWith(limits.acquireConnection('t1'), 'too_many_connections');
    assert.deepEqual(rejected, ['connections', 'connections']);

    await Promise.all([b.release(), c.release(), other.release()]);
    const again = await Promise.all([limits.acquireConnection('t1'), limits.acquireConnection('t1')]);
    await Promise.all(again.map((l) => l.release()));
    await limits.close();
  });

  void test('contexts: own cap and error code; refused attempts do not eat slots', async () => {
    const limits = createLimits(cfg);
    const leases = await Promise.all([1, 2, 3].map(() => limits.acquireContext('t1')));
    for (let i = 0; i < 5; i++) await rejectsWith(limits.acquireContext('t1'), 'too_many_contexts');
    await leases[0]?.release();
    const next = await limits.acquireContext('t1');
    await rejectsWith(limits.acquireContext('t1'), 'too_many_contexts');
    await Promise.all([...leases, next].map((l) => l.release()));
    await limits.close();
  });

  void test('chars per minute: budget, retry-after within the window, oversize text', async () => {
    const limits = createLimits(cfg);
    await limits.consumeChars('t1', 60);
    await limits.consumeChars('t1', 40);
    await limits.consumeChars('t1', 0);
    const err = await rejectsWith(limits.consumeChars('t1', 1), 'rate_limited');
    assert.ok(
      err.retryAfterSeconds !== undefined && err.retryAfterSeconds >= 1 && err.retryAfterSeconds <= 60,
    );
    await limits.consumeChars('t2', 100);
    await rejectsWith(limits.consumeChars('t3', 101), 'message_too_large');
    await limits.consumeChars('t3', 100); // the oversize attempt consumed nothing
    await limits.close();
  });

  void test('after close: new work is refused, held leases can still be released', async () => {
    const limits = createLimits(cfg);
    const lease = await limits.acquireConnection('t1');
    await limits.close();
    await rejectsWith(limits.acquireConnection('t1'), 'shutting_down');
    await rejectsWith(limits.consumeChars('t1', 1), 'shutting_down');
    await lease.release();
  });

  void test('rejects nonsensical configuration', () => {
    assert.throws(() => createLimits({ ...cfg, charsPerMinute: 0 }), RangeError);
    assert.throws(() => createLimits({ ...cfg, maxConnectionsPerTenant: 1.5 }), RangeError);
    assert.throws(() => createLimits({ ...cfg, charsPerMinute: Number.POSITIVE_INFINITY }), RangeError);
  });
});
