import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createGateway, FakeVoice, MemorySocket, send, settle } from '../../test/helpers/session-support.js';

const PCM16K = { encoding: 'pcm_s16le', sample_rate: 16000 };
const LONG = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ') + '.';

function timeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

void describe('Session lifecycle', () => {
  void test('cancel mid-sentence stops synthesis within a chunk and sends cancelled', async () => {
    const voice = new FakeVoice({ delayMs: 10 });
    const gw = createGateway([voice], {
      SPEECHGATE_MAX_CONTEXTS_PER_TENANT: '1',
      SPEECHGATE_MAX_CONTEXTS_PER_CONNECTION: '1',
    });
    const { session, socket } = gw.session();
    send(session, { type: 'start', context_id: 'c', format: PCM16K });
    send(session, { type: 'text', context_id: 'c', text: LONG });
    send(session, { type: 'end', context_id: 'c' });
    await socket.until(() => socket.frames('c').length > 0, 'first frame');
    send(session, { type: 'cancel', context_id: 'c' });
    await socket.next('cancelled', 'c');
    const producedAtCancel = voice.chunksProduced;
    await settle(60); // several chunk periods: an unstopped synthesizer would go on
    assert.ok(voice.chunksProduced <= producedAtCancel + 1, 'the synthesizer stopped');
    assert.ok(voice.chunksProduced < 40);
    assert.equal(voice.abortedCalls, 1, 'the synthesizer saw the abort');
    assert.equal(socket.events.at(-1)?.kind, 'message', 'no frame after cancelled');
    assert.equal(socket.messages('done').length, 0);
    assert.equal(session.activeContexts, 0);
    // The tenant's only context slot is free again, and the id can be reused.
    send(session, { type: 'start', context_id: 'c', format: PCM16K });
    send(session, { type: 'text', context_id: 'c', text: 'Again.' });
    send(session, { type: 'end', context_id: 'c' });
    assert.equal((await socket.next('done', 'c')).sentences, 1);
    await gw.close();
  });

  void test('backpressure pauses synthesis until drain, then the context completes in order', async () => {
    const voice = new FakeVoice();
    const gw = createGateway([voice], { SPEECHGATE_SEND_HIGH_WATER_BYTES: '4096' });
    const { session, socket } = gw.session();
    socket.growth = 1000; // the client reads nothing
    send(session, { type: 'start', context_id: 'p', format: PCM16K });
    send(session, { type: 'text', context_id: 'p', text: LONG });
    send(session, { type: 'end', context_id: 'p' });
    await socket.until(() => socket.frames('p').length > 0, 'first frame');
    await settle(50);
    const [framesPaused, producedPaused] = [socket.frames('p').length, voice.chunksProduced];
    await settle(50);
    assert.equal(socket.frames('p').length, framesPaused, 'no frames while paused');
    assert.equal(voice.chunksProduced, producedPaused, 'the synthesizer is not pulled while paused');
    assert.ok(producedPaused < 40);
    const queued = await gw.deps.metrics.queuedAudioBytes.get();
    assert.equal(queued.values[0]?.value, socket.buffered);

    socket.growth = 0;
    socket.buffered = 0;
    session.handleDrain();
    const done = await socket.next('done', 'p');
    assert.equal(done.frames, socket.frames('p').length);
    socket.frames('p').forEach((f, i) => assert.equal(f.sequence, i));
    await gw.close();
  });

  void test('a slow consumer is closed with 4008 after the timeout; another session proceeds', async () => {
    const gw = createGateway([new FakeVoice()], {
      SPEECHGATE_SEND_HIGH_WATER_BYTES: '1024',
      SPEECHGATE_SLOW_CONSUMER_TIMEOUT_MS: '100',
    });
    const slow = gw.session();
    const fast = gw.session();
    slow.socket.growth = 500;
    for (const { session } of [slow, fast]) {
      send(session, { type: 'start', context_id: 'x', format: PCM16K });
      send(session, { type: 'text', context_id: 'x', text: LONG });
      send(session, { type: 'end', context_id: 'x' });
    }
    await slow.socket.until(() => slow.socket.closed !== undefined, 'slow consumer closed');
    assert.deepEqual(slow.socket.closed, { code: 4008, reason: 'slow_consumer' });
    const error = slow.socket.messages('error').at(-1);
    assert.ok(error?.type === 'error');
    assert.equal(error.code, 'slow_consumer');
    assert.equal(error.fatal, true);
    assert.equal(error.retryable, true);
    assert.equal(slow.session.activeContexts, 0);
    const done = await fast.socket.next('done', 'x');
    assert.ok(done.frames > 100);
    assert.equal(fast.socket.closed, undefined);
    await gw.close();
  });

  void test('crossing the hard limit closes at once', async () => {
    const gw = createGateway([new FakeVoice()], {
      SPEECHGATE_SEND_HIGH_WATER_BYTES: '1024',
      SPEECHGATE_SEND_HARD_LIMIT_BYTES: '2048',
    });
    const { session, socket } = gw.session();
    send(session, { type: 'start', context_id: 'x', format: PCM16K });
    send(session, { type: 'text', context_id: 'x', text: 'Hello there.' });
    send(session, { type: 'flush', context_id: 'x' });
    await socket.until(() => socket.frames().length > 0, 'a frame');
    socket.buffered = 1_000_000; // e.g. one huge frame queued
    send(session, { type: 'end', context_id: 'x' });
    await socket.until(() => socket.closed !== undefined, 'close');
    assert.equal(socket.closed?.code, 4008);
    await gw.close();
  });

  void test('malformed, unknown, oversized and binary messages get non-fatal errors', async () => {
    const gw = createGateway([new FakeVoice()], { SPEECHGATE_MAX_MESSAGE_BYTES: '1024' });
    const { session, socket } = gw.session();
    const raw = (text: string) => session.handleMessage(new TextEncoder().encode(text), false);
    raw('{"type":"text",');
    raw('{"type":"dance","context_id":"c"}');
    raw(JSON.stringify({ type: 'text', context_id: 'c', text: 'x'.repeat(2000) }));
    session.handleMessage(new Uint8Array([1, 2, 3]), true);
    session.handleMessage(new Uint8Array([0x7b, 0xff, 0x7d]), false);
    send(session, { type: 'text', context_id: 'nope', text: 'hi' });
    send(session, { type: 'start', context_id: 'c', voice: 'nobody' });
    send(session, { type: 'start', context_id: 'c', format: { encoding: 'aac' } });
    await socket.until(() => socket.messages('error').length === 8, 'eight errors');
    const errors = socket
      .messages('error')
      .map((e) => (e.type === 'error' ? [e.code, e.fatal, e.context_id] : []));
    assert.deepEqual(errors, [
      ['malformed_message', false, undefined],
      ['unknown_message_type', false, 'c'],
      ['message_too_large', false, undefined],
      ['bad_request', false, undefined],
      ['malformed_message', false, undefined],
      ['unknown_context', false, 'nope'],
      ['unknown_voice', false, 'c'],
      ['unsupported_format', false, 'c'],
    ]);
    send(session, { type: 'start', context_id: 'c', format: PCM16K });
    send(session, { type: 'start', context_id: 'c', format: PCM16K });
    send(session, { type: 'text', context_id: 'c', text: 'Still alive.' });
    send(session, { type: 'end', context_id: 'c' });
    send(session, { type: 'text', context_id: 'c', text: 'too late' });
    assert.equal((await socket.next('done', 'c')).sentences, 1);
    const codes = socket.messages('error').map((e) => (e.type === 'error' ? e.code : ''));
    assert.deepEqual(codes.slice(8), ['context_exists', 'bad_request']);
    assert.equal(socket.closed, undefined);
    const counted = await gw.deps.metrics.errors.get();
    assert.equal(counted.values.find((v) => v.labels.code === 'malformed_message')?.value, 2);
    await gw.close();
  });

  void test('limits: contexts per connection and tenant, text buffer, characters and messages', async () => {
    const gw = createGateway([new FakeVoice()], {
      SPEECHGATE_MAX_CONTEXTS_PER_CONNECTION: '2',
      SPEECHGATE_MAX_CONTEXTS_PER_TENANT: '3',
      SPEECHGATE_CHARS_PER_MINUTE: '40',
      SPEECHGATE_MESSAGES_PER_SECOND: '9',
      SPEECHGATE_MAX_TEXT_BUFFER_CHARS: '45',
    });
    const one = gw.session(undefined, { stallMs: 60_000 });
    const text = (id: string, t: string) => send(one.session, { type: 'text', context_id: id, text: t });
    for (const id of ['a', 'b', 'c']) send(one.session, { type: 'start', context_id: id });
    text('a', 'x'.repeat(46)); // can never fit the buffer
    text('a', 'thirty characters of the text '); // accepted, stays buffered (no sentence end)
    text('a', 'sixteen letters '); // the buffer would overflow
    text('b', 'twenty more letters.'); // over 40 characters this minute
    text('b', 'y'.repeat(41)); // over the minute's whole budget
    send(one.session, { type: 'flush', context_id: 'b' }); // control: not charged to the message rate
    text('b', ''); // message 9 of this second
    text('a', 'z'); // message 10: refused
    await one.socket.until(() => one.socket.messages('error').length === 6, 'six errors');
    const errors = one.socket.messages('error').flatMap((e) => (e.type === 'error' ? [e] : []));
    assert.deepEqual(
      errors.map((e) => [e.code, e.context_id, e.retryable]),
      [
        // Over the message rate: refused on arrival, ahead of the answers to the queued messages.
        ['rate_limited', 'a', true],
        ['too_many_contexts', 'c', true],
        ['message_too_large', 'a', false],
        ['rate_limited', 'a', true],
        ['rate_limited', 'b', true],
        ['message_too_large', 'b', false],
      ],
    );
    assert.ok((errors[4]?.retry_after_s ?? 0) >= 1);
    assert.match(errors[0]?.message ?? '', /message rate/);
    await one.socket.next('flushed', 'b');
    assert.equal(one.session.activeContexts, 2);

    // Two contexts of t1 are open; a second connection of the tenant gets one more, not two.
    const two = gw.session();
    send(two.session, { type: 'start', context_id: 'd' });
    send(two.session, { type: 'start', context_id: 'e' });
    const refused = await two.socket.next('error', 'e');
    assert.equal(refused.code, 'too_many_contexts');
    assert.equal(two.session.activeContexts, 1);
    await gw.close();
  });

  void test('a failing sentence ends its context with synthesis_failed; others go on; logs hold no text', async () => {
    const gw = createGateway([new FakeVoice({ failOn: 'explode' })]);
    const { session, socket } = gw.session();
    for (const id of ['bad', 'good']) send(session, { type: 'start', context_id: id, format: PCM16K });
    send(session, { type: 'text', context_id: 'bad', text: 'Please do not explode now.' });
    send(session, { type: 'text', context_id: 'good', text: 'All is well here.' });
    for (const id of ['bad', 'good']) send(session, { type: 'end', context_id: id });
    const error = await socket.next('error', 'bad');
    assert.equal(error.code, 'synthesis_failed');
    assert.equal(error.fatal, false);
    assert.equal((await socket.next('done', 'good')).sentences, 1);
    assert.equal(socket.messages('done').length, 1);
    assert.equal(session.activeContexts, 0);
    const log = gw.logLines.join('');
    assert.match(log, /"session":"s1"/);
    assert.match(log, /"code":"synthesis_failed"/);
    assert.doesNotMatch(log, /explode|Please/);
    await gw.close();
  });

  void test('close() aborts synthesis, releases leases and leaves no timers', async () => {
    const voice = new FakeVoice({ delayMs: 10 });
    const gw = createGateway([voice], {
      SPEECHGATE_MAX_CONTEXTS_PER_TENANT: '2',
      SPEECHGATE_MAX_CONTEXTS_PER_CONNECTION: '2',
    });
    const before = timeouts();
    const { session, socket } = gw.session(undefined, { stallMs: 5000 });
    for (const id of ['a', 'b']) send(session, { type: 'start', context_id: id, format: PCM16K });
    send(session, { type: 'text', context_id: 'a', text: LONG });
    send(session, { type: 'text', context_id: 'b', text: 'an unfinished sentence that' });
    send(session, { type: 'end', context_id: 'a' });
    await socket.until(() => socket.frames('a').length > 0, 'first frame');
    session.close();
    session.close();
    const frames = socket.events.length;
    await settle(40);
    assert.equal(socket.events.length, frames, 'nothing sent after close');
    assert.equal(voice.abortedCalls, 1);
    assert.equal(session.activeContexts, 0);
    assert.equal(timeouts(), before, 'no timer left behind');
    assert.equal((await gw.deps.metrics.activeContexts.get()).values[0]?.value, 0);
    // Both tenant slots are free again.
    const next = gw.session();
    for (const id of ['c', 'd']) send(next.session, { type: 'start', context_id: id });
    await settle();
    assert.equal(next.session.activeContexts, 2);
    await gw.close();
  });

  void test('shutdown refuses new work, lets running contexts finish, then closes with 1001', async () => {
    const gw = createGateway([new FakeVoice()]);
    const { session, socket } = gw.session();
    send(session, { type: 'start', context_id: 'a', format: PCM16K });
    send(session, { type: 'text', context_id: 'a', text: 'Almost done.' });
    send(session, { type: 'flush', context_id: 'a' });
    await socket.next('flushed', 'a');
    const stopped = session.shutdown(Date.now() + 10_000);
    send(session, { type: 'start', context_id: 'b' });
    send(session, { type: 'text', context_id: 'a', text: 'more' });
    send(session, { type: 'end', context_id: 'a' });
    await stopped;
    const codes = socket.messages('error').map((e) => (e.type === 'error' ? [e.code, e.fatal] : []));
    assert.deepEqual(codes, [
      ['shutting_down', false],
      ['shutting_down', false],
      ['shutting_down', true],
    ]);
    assert.equal(socket.messages('done').length, 1);
    assert.deepEqual(socket.closed, { code: 1001, reason: 'shutting_down' });

    // A context that never ends is cut off at the deadline.
    const other = gw.session(new MemorySocket());
    send(other.session, { type: 'start', context_id: 'z' });
    send(other.session, { type: 'flush', context_id: 'z' });
    await other.socket.next('flushed', 'z');
    await other.session.shutdown(Date.now() + 30);
    assert.equal(other.socket.closed?.code, 1001);
    await gw.close();
  });

  test('over capacity: a new context is refused with a retryable overloaded error; streams already open go on', async () => {
    const voice = new FakeVoice();
    const gw = createGateway([voice]);
    const { session, socket } = gw.session();
    send(session, { type: 'start', context_id: 'a', format: PCM16K });
    while (session.activeContexts < 1) await settle(5); // a start is handled in the message queue's turn
    voice.overloaded = true;
    send(session, { type: 'start', context_id: 'b', format: PCM16K });
    const refused = await socket.next('error', 'b');
    assert.equal(refused.type === 'error' && refused.code, 'overloaded');
    assert.equal(refused.type === 'error' && refused.retryable, true);
    assert.equal(refused.type === 'error' && refused.retry_after_s, 1);
    send(session, { type: 'text', context_id: 'a', text: 'Still speaking.' });
    send(session, { type: 'end', context_id: 'a' });
    await socket.next('done', 'a');
    voice.overloaded = false;
    send(session, { type: 'start', context_id: 'c', format: PCM16K });
    send(session, { type: 'end', context_id: 'c' });
    await socket.next('done', 'c');
    assert.equal(socket.messages('error').length, 1);
    await gw.close();
  });
});
