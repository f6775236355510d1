/**
 * The one speech core behind both transports, and barge-in: the HTTP route and the WebSocket give the
 * same PCM for the same text, and a cancel is honoured at once even when the connection's message
 * budget is exhausted by a burst of text.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ErrorMessage } from '../../src/protocol/messages.js';
import { loadE2EVoices, type E2EVoices } from '../helpers/e2e-voices.js';
import { StreamClient } from '../helpers/stream-client.js';
import { signToken, startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const INPUT = 'The same words, twice. Once over HTTP and once over a socket, sample for sample.';
const LONG =
  'A voice agent talks for a long while, sentence after sentence, about nothing in particular. ' +
  'It goes on about the weather, the traffic and the price of coffee. ' +
  'Then it lists every day of the week, one by one, slowly, so that there is plenty to interrupt.';

void describe('e2e: speech core', () => {
  let voices: E2EVoices;
  let gw: TestGateway;

  before(async () => {
    voices = await loadE2EVoices();
    gw = await startTestGateway(voices.registry, {
      // No cache: both transports must synthesize, not replay each other's frames.
      env: { SPEECHGATE_CACHE_MAX_BYTES: '0', SPEECHGATE_MESSAGES_PER_SECOND: '50' },
    });
  });

  after(async () => {
    await gw?.close();
    await voices?.close();
  });

  void test('HTTP pcm and WebSocket pcm_s16le@24000 carry identical samples for the same text', async () => {
    const token = await signToken({ scope: 'tts' });
    const res = await fetch(`${gw.httpUrl}/v1/audio/speech`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ model: 'tts-1', input: INPUT, response_format: 'pcm' }),
    });
    assert.equal(res.status, 200);
    const http = new Uint8Array(await res.arrayBuffer());

    const client = await StreamClient.connect(gw.wsUrl, { token });
    client.send({ type: 'start', context_id: 'same', format: { encoding: 'pcm_s16le', sample_rate: 24000 } });
    client.send({ type: 'text', context_id: 'same', text: INPUT });
    client.send({ type: 'end', context_id: 'same' });
    const done = await client.finished('same');
    assert.equal(done.type, 'done');
    const ws = Buffer.concat(client.audio('same'));
    await client.close();

    assert.ok(http.length > 24000, 'at least half a second of audio');
    assert.equal(ws.length, http.length, 'same length');
    assert.ok(Buffer.from(http).equals(ws), 'same samples');
  });

  void test('cancel is honoured while the message budget is exhausted: no frame after `cancelled`', async () => {
    const client = await StreamClient.connect(gw.wsUrl, { token: await signToken() });
    client.send({ type: 'start', context_id: 'talk', format: { encoding: 'pcm_s16le', sample_rate: 16000 } });
    client.send({ type: 'text', context_id: 'talk', text: LONG });
    await client.waitForFrames('talk', 5);
    // A fast LLM's burst: far over the 50 messages a second this gateway allows.
    for (let i = 0; i < 400; i++) client.send({ type: 'text', context_id: 'talk', text: ' word' });
    await client.waitFor((m) => m.type === 'error' && m.code === 'rate_limited');
    client.send({ type: 'cancel', context_id: 'talk' });
    const cancelled = await client.waitFor((m) => m.type === 'cancelled' && m.context_id === 'talk');
    assert.equal(cancelled.type, 'cancelled');

    // A ping's pong leaves the server after everything it sent before: a fence for late frames.
    const fenceAt = await new Promise<number>((resolve) => {
      client.ws.once('pong', () => resolve(client.log.length));
      client.ws.ping();
    });

    const at = client.log.findIndex((e) => e.kind === 'message' && e.message.type === 'cancelled');
    const late = client.log
      .slice(at + 1, fenceAt)
      .filter((e) => e.kind === 'frame' && e.frame.contextId === 'talk');
    assert.equal(late.length, 0, 'frames of the cancelled context after `cancelled`');
    const refused = client.messages.filter(
      (m): m is ErrorMessage => m.type === 'error' && m.code === 'rate_limited',
    );
    assert.ok(refused.length >= 1, 'the budget was exhausted');
    assert.ok(client.framesOf('talk').length >= 5);
    assert.equal(client.messagesOf('talk').filter((m) => m.type === 'done').length, 0);
    assert.ok(at >= 0 && at < fenceAt);
    await client.close();
  });

  void test('the scheduler hears who asks: live for sockets, a download for HTTP; both refuse new work when overloaded', async () => {
    const token = await signToken({ scope: 'tts', tenant: 'acme' });
    const speak = (input: string) =>
      fetch(`${gw.httpUrl}/v1/audio/speech`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ model: 'tts-1', input, response_format: 'pcm' }),
      });
    const seen = voices.voice.records.length;
    const res = await speak('A download for later.');
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    const client = await StreamClient.connect(gw.wsUrl, { token });
    client.send({ type: 'start', context_id: 'live' });
    client.send({ type: 'text', context_id: 'live', text: 'Spoken as it is made.' });
    client.send({ type: 'end', context_id: 'live' });
    assert.equal((await client.finished('live')).type, 'done');
    const asked = voices.voice.records.slice(seen).map((r) => [r.live, r.tenant]);
    assert.deepEqual(asked, [
      [false, 'acme'],
      [true, 'acme'],
    ]);

    voices.voice.overloaded = true;
    try {
      const refused = await speak('Not now.');
      assert.equal(refused.status, 503);
      assert.equal(refused.headers.get('retry-after'), '1');
      const body = (await refused.json()) as { error: { code: string } };
      assert.equal(body.error.code, 'overloaded');
      client.send({ type: 'start', context_id: 'later' });
      const error = await client.waitFor<ErrorMessage>((m) => m.type === 'error' && m.context_id === 'later');
      assert.equal(error.code, 'overloaded');
      assert.equal(error.retryable, true);
    } finally {
      voices.voice.overloaded = false;
    }
    client.send({ type: 'start', context_id: 'after' });
    client.send({ type: 'text', context_id: 'after', text: 'Back again.' });
    client.send({ type: 'end', context_id: 'after' });
    assert.equal((await client.finished('after')).type, 'done');
    await client.close();
  });
});
