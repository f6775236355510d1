import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AsyncQueue, Emitter } from './emitter.js';

class Bell extends Emitter<{ ring: number }> {
  ring(n: number): void {
    this.emit('ring', n);
  }
}

void test('Emitter: on/off/once, and one throwing listener does not silence the others', () => {
  const bell = new Bell();
  const got: number[] = [];
  const off = bell.on('ring', (n) => got.push(n));
  bell.once('ring', (n) => got.push(n * 10));
  bell.on('ring', () => {
    throw new Error('listener bug');
  });
  const reported: unknown[] = [];
  const original = Emitter.reportListenerError;
  Emitter.reportListenerError = (err) => reported.push(err);
  bell.ring(1);
  bell.ring(2);
  off();
  bell.ring(3);
  Emitter.reportListenerError = original;
  assert.deepEqual(got, [1, 10, 2]);
  assert.equal(bell.listenerCount('ring'), 1);
  assert.equal(reported.length, 3);
  assert.match(String(reported[0]), /listener bug/);
});

void test('AsyncQueue delivers buffered and later values, then ends', async () => {
  let returned = 0;
  const q = new AsyncQueue<number>(() => returned++);
  q.push(1);
  setTimeout(() => {
    q.push(2);
    q.close();
    q.push(3); // ignored after close
  }, 5);
  const got: number[] = [];
  for await (const v of q) got.push(v);
  assert.deepEqual(got, [1, 2]);
  assert.equal(returned, 1);
});

void test('AsyncQueue throws its failure after the values queued before it', async () => {
  const q = new AsyncQueue<number>();
  q.push(1);
  q.fail(new Error('boom'));
  const got: number[] = [];
  await assert.rejects(async () => {
    for await (const v of q) got.push(v);
  }, /boom/);
  assert.deepEqual(got, [1]);
});

void test('breaking out of for-await unsubscribes', async () => {
  let returned = 0;
  const q = new AsyncQueue<number>(() => returned++);
  q.push(1);
  q.push(2);
  for await (const v of q) if (v === 1) break;
  assert.equal(returned, 1);
  assert.deepEqual(await q.next(), { value: undefined, done: true });
});
