import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { App } from 'uWebSockets.js';
import { hardPayloadLimit, uwsIdleTimeout } from './websocket.js';

void describe('uwsIdleTimeout', () => {
  void test('0 disables; otherwise 8..960 s in steps of 4', () => {
    assert.equal(uwsIdleTimeout(0), 0);
    assert.equal(uwsIdleTimeout(1), 8);
    assert.equal(uwsIdleTimeout(9), 12);
    assert.equal(uwsIdleTimeout(120), 120);
    assert.equal(uwsIdleTimeout(3600), 960);
  });

  void test('uWS accepts every value the configuration can produce', () => {
    // uWS terminates the process on an invalid idleTimeout, so surviving this loop is the assertion.
    const app = App();
    const seen = new Set<number>();
    for (let seconds = 0; seconds <= 3600; seconds++) {
      const value = uwsIdleTimeout(seconds);
      if (seen.has(value)) continue;
      seen.add(value);
      app.ws(`/t${value}`, { idleTimeout: value, sendPingsAutomatically: true });
    }
    app.close();
    assert.ok(seen.size > 200);
  });
});

void describe('hardPayloadLimit', () => {
  void test('leaves room above the configured limit for a clean 1009 close', () => {
    assert.equal(hardPayloadLimit(64 * 1024), 64 * 1024 + 1024 * 1024);
    assert.equal(hardPayloadLimit(16 * 1024 * 1024), 64 * 1024 * 1024);
  });
});
