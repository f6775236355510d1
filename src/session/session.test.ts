import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FLAG_SENTENCE_END, FLAG_SENTENCE_START } from '../protocol/frame-header.js';
import type { SentenceMessage } from '../protocol/messages.js';
import {
  createGateway,
  FakeVoice,
  send,
  settle,
  type MemorySocket,
  type SocketEvent,
} from '../../test/helpers/session-support.js';

const PCM16K = { encoding: 'pcm_s16le', sample_rate: 16000 };
const TWO_SENTENCES = 'Hello there, my old friend. This is the second sentence!';

/** Runs one context through start, text (in the given pieces), end; returns its events. */
async function speak(
  socket: MemorySocket,
  sessionSend: (m: unknown) => void,
  id: string,
  pieces: string[],
  format: unknown = PCM16K,
) {
  sessionSend({ type: 'start', context_id: id, format });
  for (const text of pieces) sessionSend({ type: 'text', context_id: id, text });
  sessionSend({ type: 'end', context_id: id });
  return socket.next('done', id);
}

/** Checks the per-context invariants of a finished context and returns its sentences. */
function checkTimeline(events: SocketEvent[], id: string): SentenceMessage[] {
  const mine = events.filter((e) =>
    e.kind === 'frame' ? e.frame.contextId === id : 'context_id' in e.message && e.message.context_id === id,
  );
  const sentences: SentenceMessage[] = [];
  let sequence = 0;
  let inSentence = false;
  for (const [i, event] of mine.entries()) {
    if (event.kind === 'message') {
      if (event.message.type !== 'sentence') continue;
      assert.equal(inSentence, false, 'a sentence starts inside another');
      assert.equal(event.message.audio_start_ms, sequence * 20);
      assert.equal(event.message.index, sentences.length);
      sentences.push(event.message);
      const next = mine[i + 1];
      assert.ok(
        next?.kind === 'frame' && next.frame.flags & FLAG_SENTENCE_START,
        'sentence precedes its first frame',
      );
      continue;
    }
    const { frame } = event;
    assert.equal(frame.sequence, sequence++, 'sequence numbers increase by one');
    if (frame.flags & FLAG_SENTENCE_START) inSentence = true;
    assert.ok(inSentence, 'frame outside a sentence');
    if (frame.flags & FLAG_SENTENCE_END) inSentence = false;
  }
  assert.equal(inSentence, false, 'last sentence has an end flag');
  return sentences;
}

void describe('Session', () => {
  void test('sends ready with voices, formats and limits', async () => {
    const gw = createGateway([new FakeVoice()], { SPEECHGATE_MAX_CONTEXTS_PER_CONNECTION: '3' });
    const { session, socket } = gw.session();
    const [ready] = socket.messages();
    assert.ok(ready?.type === 'ready');
    assert.equal(ready.protocol, 'speechgate.v1');
    assert.equal(ready.session_id, session.id);
    assert.deepEqual(ready.voices, [{ id: 'fake', name: 'Fake voice', language: 'und', sample_rate: 16000 }]);
    assert.equal(ready.default_voice, 'fake');
    assert.deepEqual(ready.formats.mulaw, [8000]);
    assert.deepEqual(ready.limits, { max_contexts: 3, max_message_bytes: 65536, chars_per_minute: 50000 });
    await gw.close();
  });

  void test('start, text, end: sentences with words on the timeline, ordered frames, done stats', async () => {
    const gw = createGateway([new FakeVoice({ wordMs: 90 })]);
    const { session, socket } = gw.session();
    const done = await speak(socket, (m) => send(session, m), 'c1', [TWO_SENTENCES]);
    const sentences = checkTimeline(socket.events, 'c1');
    const frames = socket.frames('c1');

    assert.equal(sentences.length, 2);
    const [first, second] = sentences as [SentenceMessage, SentenceMessage];
    assert.equal(TWO_SENTENCES.slice(first.start, first.end), 'Hello there, my old friend.');
    assert.equal(TWO_SENTENCES.slice(second.start, second.end), 'This is the second sentence!');
    // 5 words of 90 ms = 450 ms: 23 frames, the last padded.
    assert.equal(first.duration_ms, 450);
    assert.equal(second.audio_start_ms, 23 * 20);
    assert.deepEqual(
      second.words.map((w) => [TWO_SENTENCES.slice(w.start, w.end), w.start_ms, w.end_ms]),
      [
        ['This', 460, 550],
        ['is', 550, 640],
        ['the', 640, 730],
        ['second', 730, 820],
        ['sentence!', 820, 910],
      ],
    );
    assert.ok(
      frames.every((f) => f.payload.length === 640),
      '20 ms of s16le at 16 kHz',
    );
    assert.equal(frames.length, 46);
    assert.deepEqual(
      { ...done, time_to_first_audio_ms: typeof done.time_to_first_audio_ms },
      {
        type: 'done',
        context_id: 'c1',
        time_to_first_audio_ms: 'number',
        audio_ms: 46 * 20,
        characters: TWO_SENTENCES.length,
        sentences: 2,
        cache_hits: 0,
        frames: 46,
      },
    );
    assert.equal(session.activeContexts, 0);
    assert.equal(
      (await gw.deps.metrics.timeToFirstAudio.get()).values.find((v) => v.labels.le === '+Inf')?.value,
      1,
    );
    await gw.close();
  });

  void test('speed changes the audio length and the word times', async () => {
    const gw = createGateway([new FakeVoice({ wordMs: 100 })]);
    const { session, socket } = gw.session();
    send(session, { type: 'start', context_id: 'v', format: PCM16K, speed: 2 });
    send(session, { type: 'text', context_id: 'v', text: 'One two three four.' });
    send(session, { type: 'end', context_id: 'v' });
    const done = await socket.next('done', 'v');
    const sentence = await socket.next('sentence', 'v');
    assert.equal(sentence.duration_ms, 200);
    assert.deepEqual(
      sentence.words.map((w) => w.end_ms),
      [50, 100, 150, 200],
    );
    assert.equal(done.audio_ms, 200);
    await gw.close();
  });

  void test('token-by-token text gives exactly the frames of the whole text (Opus, resampled)', async () => {
    const text = `${TWO_SENTENCES} And a third one, which is a little longer than the others.`;
    const opus = { encoding: 'opus', sample_rate: 48000 };
    const run = async (pieces: string[]) => {
      const gw = createGateway([new FakeVoice()], { SPEECHGATE_CACHE_MAX_BYTES: '0' });
      const { session, socket } = gw.session(undefined, { stallMs: 60_000 });
      await speak(socket, (m) => send(session, m), 'c', pieces, opus);
      await gw.close();
      return { frames: socket.frames('c'), sentences: socket.messages('sentence') };
    };
    const whole = await run([text]);
    const tokens = await run(text.match(/.{1,3}/gs) ?? []);
    assert.ok(whole.frames.length > 50);
    assert.deepEqual(tokens.sentences, whole.sentences);
    assert.deepEqual(tokens.frames, whole.frames);
  });

  void test('a repeated sentence comes from the cache, with identical frames', async () => {
    const voice = new FakeVoice();
    const gw = createGateway([voice]);
    const { session, socket } = gw.session();
    const sentence = 'Cache me if you can.';
    await speak(socket, (m) => send(session, m), 'a', [sentence]);
    const done = await speak(socket, (m) => send(session, m), 'b', [`  ${sentence}`]);
    assert.equal(done.cache_hits, 1);
    assert.equal(voice.synthesizeCalls, 1);
    const [a, b] = [socket.frames('a'), socket.frames('b')];
    assert.deepEqual(
      b.map((f) => f.payload),
      a.map((f) => f.payload),
    );
    assert.deepEqual(
      b.map((f) => [f.sequence, f.flags]),
      a.map((f) => [f.sequence, f.flags]),
    );
    const [sa, sb] = socket.messages('sentence') as SentenceMessage[];
    assert.equal(sb?.cached, true);
    // Same words and times; spans shifted by the two leading spaces.
    assert.deepEqual(
      sb?.words,
      sa?.words.map((w) => ({ ...w, start: w.start + 2, end: w.end + 2 })),
    );
    assert.equal(gw.cache.stats.hits, 1);
    await gw.close();
  });

  void test('two contexts interleave, each strictly in order', async () => {
    const gw = createGateway([new FakeVoice({ delayMs: 2 })]);
    const { session, socket } = gw.session();
    for (const id of ['a', 'b']) send(session, { type: 'start', context_id: id, format: PCM16K });
    send(session, {
      type: 'text',
      context_id: 'a',
      text: 'One two three four five six. Seven eight nine ten.',
    });
    send(session, { type: 'text', context_id: 'b', text: 'Alpha beta gamma delta epsilon. Zeta eta theta.' });
    for (const id of ['a', 'b']) send(session, { type: 'end', context_id: id });
    await Promise.all([socket.next('done', 'a'), socket.next('done', 'b')]);
    assert.equal(checkTimeline(socket.events, 'a').length, 2);
    assert.equal(checkTimeline(socket.events, 'b').length, 2);
    const order = socket.frames().map((f) => f.contextId);
    assert.ok(order.indexOf('b') < order.lastIndexOf('a'), 'b started before a finished');
    await gw.close();
  });

  void test('flush speaks the buffered text and answers flushed after its audio', async () => {
    const gw = createGateway([new FakeVoice()]);
    const { session, socket } = gw.session(undefined, { stallMs: 60_000 });
    send(session, { type: 'start', context_id: 'f', format: PCM16K });
    send(session, { type: 'text', context_id: 'f', text: 'no end in sight' });
    send(session, { type: 'flush', context_id: 'f' });
    await socket.next('flushed', 'f');
    const last = socket.events.at(-2);
    assert.ok(
      last?.kind === 'frame' && last.frame.flags & FLAG_SENTENCE_END,
      'flushed follows the last frame',
    );
    assert.equal(socket.messages('sentence').length, 1);
    // An empty flush is answered at once; the context goes on.
    send(session, { type: 'flush', context_id: 'f' });
    send(session, { type: 'text', context_id: 'f', text: 'and more words.' });
    send(session, { type: 'end', context_id: 'f' });
    const done = await socket.next('done', 'f');
    assert.equal(done.sentences, 2);
    assert.equal(socket.messages('flushed').length, 2);
    await gw.close();
  });

  void test('a stall lets the first words speak before the sentence ends', async () => {
    const gw = createGateway([new FakeVoice()]);
    const { session, socket } = gw.session(undefined, { stallMs: 30 });
    send(session, { type: 'start', context_id: 's', format: PCM16K });
    send(session, { type: 'text', context_id: 's', text: 'So I was thinking that we' });
    const sentence = await socket.next('sentence', 's');
    assert.equal(sentence.words.map((w) => w.word).join(' '), 'so i was thinking that');
    send(session, { type: 'text', context_id: 's', text: ' could go.' });
    send(session, { type: 'end', context_id: 's' });
    assert.equal((await socket.next('done', 's')).sentences, 2);
    await gw.close();
  });

  void test('cancel jumps the queue: text queued before it is dropped unspoken and unanswered', async () => {
    const gw = createGateway([new FakeVoice()]);
    const { session, socket } = gw.session();
    send(session, { type: 'start', context_id: 'a', format: PCM16K });
    send(session, { type: 'text', context_id: 'a', text: 'First words' });
    send(session, { type: 'flush', context_id: 'a' });
    await socket.until(() => socket.frames('a').length > 0, 'first frames');
    // One turn: these texts are still queued when the cancel arrives.
    for (let i = 0; i < 20; i++) send(session, { type: 'text', context_id: 'a', text: ' and more.' });
    send(session, { type: 'cancel', context_id: 'a' });
    assert.equal(socket.messages('cancelled').length, 1, 'answered on arrival');
    const frames = socket.frames('a').length;
    await settle(100);
    assert.equal(socket.frames('a').length, frames, 'no frame after cancelled');
    assert.deepEqual(socket.messages('error'), [], 'the dropped text is not answered');
    assert.equal(session.activeContexts, 0);
    // The id is free again, and new text for it is spoken.
    const done = await speak(socket, (m) => send(session, m), 'a', ['Again.']);
    assert.equal(done.sentences, 1);
    await gw.close();
  });
});
