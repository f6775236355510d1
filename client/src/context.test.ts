import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { usePeer } from '../test/peer.js';
import { SpeechgateError } from './errors.js';
import { FLAG_SENTENCE_END } from './frame.js';
import type { ContextEvent } from './types.js';

const { connected } = usePeer();

void describe('contexts', () => {
  void test('messages on the wire follow the protocol', async () => {
    const { client, conn } = await connected();
    const ctx = client.context({
      voice: 'alba',
      format: { encoding: 'pcm_s16le', sampleRate: 16000 },
      speed: 1.2,
    });
    ctx.sendText('Hello ');
    ctx.sendText('world.');
    ctx.flush();
    void ctx.end();
    const sent = await conn.until('end');
    const id = ctx.id;
    assert.deepEqual(sent, [
      {
        type: 'start',
        context_id: id,
        voice: 'alba',
        format: { encoding: 'pcm_s16le', sample_rate: 16000 },
        speed: 1.2,
      },
      { type: 'text', context_id: id, text: 'Hello ' },
      { type: 'text', context_id: id, text: 'world.' },
      { type: 'flush', context_id: id },
      { type: 'end', context_id: id },
    ]);
    assert.deepEqual(ctx.format, { encoding: 'pcm_s16le', sampleRate: 16000 });
    assert.throws(
      () => ctx.sendText('more'),
      (err: SpeechgateError) => err.code === 'bad_request',
    );
    client.close();
  });

  void test('routes frames and events to their own context, in order, without duplicates', async () => {
    const { client, conn } = await connected();
    const a = client.context();
    const b = client.context({ format: 'mulaw' });
    assert.deepEqual(b.format, { encoding: 'mulaw', sampleRate: 8000 });
    const seenByA: ContextEvent[] = [];
    const iterate = (async () => {
      for await (const ev of a.events()) seenByA.push(ev);
    })();
    const bFrames: number[] = [];
    b.on('audio', (f) => bFrames.push(f.sequence));
    a.sendText('One two.');
    await conn.until('text');
    const words = [
      { word: 'One', start: 0, end: 3, start_ms: 0, end_ms: 200 },
      { word: 'two', start: 4, end: 7, start_ms: 200, end_ms: 400 },
    ];
    conn.send({
      type: 'sentence',
      context_id: a.id,
      index: 0,
      start: 0,
      end: 8,
      audio_start_ms: 0,
      duration_ms: 60,
      cached: false,
      words,
    });
    conn.sendFrame(a.id, 0);
    conn.sendFrame(b.id, 0);
    conn.sendFrame(a.id, 1);
    conn.sendFrame(a.id, 1); // a duplicate must not be played twice
    conn.sendFrame(b.id, 1);
    conn.sendFrame(a.id, 2, new Uint8Array([9, 9]), FLAG_SENTENCE_END);
    conn.send({
      type: 'done',
      context_id: a.id,
      time_to_first_audio_ms: 42,
      audio_ms: 60,
      characters: 8,
      sentences: 1,
      cache_hits: 0,
      frames: 3,
    });
    const done = await a.finished;
    await iterate;
    assert.equal(done?.audioMs, 60);
    assert.equal(done?.timeToFirstAudioMs, 42);
    assert.deepEqual(
      seenByA.map((e) => (e.type === 'audio' ? `audio${e.sequence}` : e.type)),
      ['sentence', 'audio0', 'audio1', 'audio2', 'done'],
    );
    const last = seenByA[3];
    assert.ok(last?.type === 'audio' && last.sentenceEnd && last.startMs === 40);
    assert.deepEqual([...(last.payload ?? [])], [9, 9]);
    assert.equal(a.duplicateFrames, 1);
    assert.equal(a.framesReceived, 3);
    assert.equal(a.wordAt(250)?.word, 'two');
    assert.equal(a.wordAt(400), undefined);
    assert.deepEqual(bFrames, [0, 1]);
    assert.equal(b.state, 'open');
    client.close();
    await assert.rejects(
      b.finished,
      (err: SpeechgateError) => err.code === 'closed' && err.contextId === b.id,
    );
  });

  void test('a context-ending error is typed and ends iteration by throwing', async () => {
    const { client, conn } = await connected();
    const ctx = client.context();
    await conn.until('start');
    conn.send({
      type: 'error',
      code: 'synthesis_failed',
      message: 'failed',
      context_id: ctx.id,
      fatal: false,
      retryable: true,
    });
    await assert.rejects(
      async () => {
        for await (const _ of ctx.events()) assert.fail('no events expected');
      },
      (err: unknown) => err instanceof SpeechgateError && err.code === 'synthesis_failed' && err.retryable,
    );
    assert.equal(ctx.state, 'failed');
    assert.equal(client.state, 'open'); // a non-fatal error leaves the connection up
    client.close();
  });

  void test('a refused message is reported and the context carries on', async () => {
    const { client, conn } = await connected();
    const ctx = client.context();
    const events: string[] = [];
    const iterate = (async () => {
      for await (const ev of ctx.events()) {
        events.push(
          ev.type === 'refused' ? `refused:${ev.error.code}:${ev.error.retryAfterSeconds}` : ev.type,
        );
      }
    })();
    ctx.sendText('Too much text.');
    await conn.until('text');
    conn.send({
      type: 'error',
      code: 'rate_limited',
      message: 'slow down',
      context_id: ctx.id,
      fatal: false,
      retryable: true,
      retry_after_s: 7,
    });
    conn.sendFrame(ctx.id, 0);
    conn.send({
      type: 'done',
      context_id: ctx.id,
      time_to_first_audio_ms: 5,
      audio_ms: 20,
      characters: 14,
      sentences: 1,
      cache_hits: 0,
      frames: 1,
    });
    await iterate;
    assert.deepEqual(events, ['refused:rate_limited:7', 'audio', 'done']);
    assert.equal(ctx.state, 'done');
    client.close();
  });

  void test('cancel stops delivery at once, before the gateway confirms', async () => {
    const { client, conn } = await connected();
    const ctx = client.context();
    const frames: number[] = [];
    let cancelled = 0;
    ctx.on('audio', (f) => frames.push(f.sequence));
    ctx.on('cancelled', () => cancelled++);
    ctx.sendText('Long text.');
    await conn.until('text');
    conn.sendFrame(ctx.id, 0);
    await new Promise((r) => ctx.once('audio', r));
    ctx.cancel();
    assert.deepEqual(await conn.next(), { type: 'cancel', context_id: ctx.id });
    conn.sendFrame(ctx.id, 1); // already in flight when the cancel arrived
    conn.send({ type: 'cancelled', context_id: ctx.id });
    assert.equal(await ctx.finished, undefined);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(frames, [0]);
    assert.equal(cancelled, 1);
    client.close();
  });
});
