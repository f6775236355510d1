import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { truncateReason } from './ws-socket.js';

void describe('truncateReason', () => {
  void test('short reasons pass unchanged', () => {
    assert.equal(truncateReason('slow consumer'), 'slow consumer');
    assert.equal(truncateReason(''), '');
  });

  void test('long reasons are cut to 123 bytes without splitting a character', () => {
    assert.equal(Buffer.byteLength(truncateReason('x'.repeat(500))), 123);
    const cut = truncateReason('é'.repeat(100)); // 2 bytes each: 61 whole characters fit
    assert.equal(cut, 'é'.repeat(61));
    const mixed = truncateReason('a' + '€'.repeat(60)); // 1 + 3n bytes
    assert.equal(mixed, 'a' + '€'.repeat(40));
    assert.ok(!truncateReason('😀'.repeat(40)).includes('\ufffd'));
  });
});
