/**
 * The streaming protocol end to end: real gateway, real voice, a `ws` client over loopback.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OpusDecoder } from '../../src/audio/opus.js';
import type { ErrorMessage, SentenceMessage } from '../../src/protocol/messages.js';
import { loadE2EVoices, type E2EVoices } from '../helpers/e2e-voices.js';
import { checkFrameSequence, StreamClient } from '../helpers/stream-client.js';
import { signToken, startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const TEXT = 'Hello there. This is the streaming gateway, speaking one token at a time. It works!';

/** Word-sized tokens with their leading spaces, the way a language model streams text. */
function tokens(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

function concat(parts: readonly Uint8Array[]): Buffer {
  return Buffer.concat(parts.map((p) => Buffer.from(p)));
}

void describe('e2e: streaming over /v1/stream', () => {
  let voices: E2EVoices;
  let gw: TestGateway;
  let token: string;

  before(async () => {
    voices = await loadE2EVoices();
    // Cache off: every context below must really synthesize.
    gw = await startTestGateway(voices.registry, {
      env: { SPEECHGATE_CACHE_MAX_BYTES: '0', SPEECHGATE_MAX_MESSAGE_BYTES: '2048' },
    });
    token = await signToken();
  });

  after(async () => {
    await gw?.close();
    await voices?.close();
  });

  void test('start, token-by-token text, end: sentences, decodable Opus frames, done', async () => {
    const client = await StreamClient.connect(gw.wsUrl, { token });
    const ready = client.messages[0];
    assert.ok(ready?.type === 'ready');
    assert.equal(ready.default_voice, voices.voice.id);

    client.send({ type: 'start', context_id: 'c1', format: { encoding: 'opus', sample_rate: 48000 } });
    for (const t of tokens(TEXT)) client.send({ type: 'text', context_id: 'c1', text: t });
    client.send({ type: 'end', context_id: 'c1' });
    const done = await client.finished('c1');
    assert.equal(done.type, 'done', JSON.stringify(done));
    const { frames: frameCount, sentences, characters } = done;

    const frames = client.framesOf('c1');
    assert.equal(frames.length, frameCount);
    assert.ok(frameCount > 50, `only ${frameCount} frames`);
    assert.equal(characters, TEXT.length);
    const sentenceEvents = client.messagesOf('c1').filter((m): m is SentenceMessage => m.type === 'sentence');
    assert.equal(sentenceEvents.length, sentences);
    assert.equal(sentences, 3);
    assert.equal(checkFrameSequence(frames).sentences, sentences);
    // Sentence spans cover the text in order, and each sentence event comes before its audio.
    assert.deepEqual(
      sentenceEvents.map((s) => TEXT.slice(s.start, s.end)),
      ['Hello there.', 'This is the streaming gateway, speaking one token at a time.', 'It works!'],
    );
    const firstEvent = client.log.findIndex((e) => e.kind === 'message' && e.message.type === 'sentence');
    const firstFrame = client.log.findIndex((e) => e.kind === 'frame');
    assert.ok(firstEvent < firstFrame);
    assert.ok(sentenceEvents.every((s) => s.words.length > 0 && s.duration_ms > 0));

    const decoder = new OpusDecoder(48000);
    try {
      const pcm = frames.map((f) => decoder.decode(f.payload));
      assert.ok(
        pcm.every((p) => p.length === 960),
        'every packet is 20 ms at 48 kHz',
      );
      const all = Int16Array.from(pcm.flatMap((p) => Array.from(p)));
      assert.ok(rms(all) > 100, `audio is silent (rms ${rms(all)})`);
    } finally {
      decoder.destroy();
    }
    await client.close();
  });

  void test('token-by-token text yields the same audio bytes as the whole text', async () => {
    const client = await StreamClient.connect(gw.wsUrl, { token });
    for (const encoding of ['pcm_s16le', 'opus'] as const) {
      const whole = `${encoding}-whole`;
      const split = `${encoding}-tokens`;
      client.send({ type: 'start', context_id: whole, format: { encoding } });
      client.send({ type: 'text', context_id: whole, text: TEXT });
      client.send({ type: 'end', context_id: whole });
      assert.equal((await client.finished(whole)).type, 'done');

      client.send({ type: 'start', context_id: split, format: { encoding } });
      for (const t of [...TEXT]) client.send({ type: 'text', context_id: split, text: t });
      client.send({ type: 'end', context_id: split });
      assert.equal((await client.finished(split)).type, 'done');

      const a = concat(client.audio(whole));
      const b = concat(client.audio(split));
      assert.ok(a.length > 0);
      assert.ok(a.equals(b), `${encoding}: ${a.length} vs ${b.length} bytes differ`);
      const cached = client.messagesOf(split).filter((m) => m.type === 'sentence' && m.cached);
      assert.equal(cached.length, 0, 'really synthesized twice');
    }
    await client.close();
  });

  void test('encoder threads send the same audio bytes as encoding on the event loop', async () => {
    const [onLoopGw, threaded] = await Promise.all(
      ['0', '2'].map((threads) =>
        startTestGateway(voices.registry, {
          env: { SPEECHGATE_CACHE_MAX_BYTES: '0', SPEECHGATE_ENCODER_THREADS: threads },
        }),
      ),
    );
    try {
      const audioFrom = async (url: string): Promise<Buffer> => {
        const client = await StreamClient.connect(url, { token });
        client.send({ type: 'start', context_id: 'c', format: { encoding: 'opus' } });
        client.send({ type: 'text', context_id: 'c', text: TEXT });
        client.send({ type: 'end', context_id: 'c' });
        assert.equal((await client.finished('c')).type, 'done');
        const audio = concat(client.audio('c'));
        await client.close();
        return audio;
      };
      const onLoop = await audioFrom(onLoopGw!.wsUrl);
      const onThreads = await audioFrom(threaded!.wsUrl);
      assert.ok(onLoop.length > 0);
      assert.ok(onThreads.equals(onLoop), `${onThreads.length} vs ${onLoop.length} bytes differ`);
    } finally {
      await Promise.all([onLoopGw?.close(), threaded?.close()]);
    }
  });

  void test('cancel mid-sentence stops inference and the audio', async () => {
    const client = await StreamClient.connect(gw.wsUrl, { token });
    const long =
      'This single long sentence keeps the voice busy for a good while, with many words, ' +
      'several clauses and plenty of syllables, so that a cancel arrives while inference is still running.';
    const recordsBefore = voices.voice.records.length;
    client.send({ type: 'start', context_id: 'long', format: { encoding: 'pcm_s16le' } });
    client.send({ type: 'text', context_id: 'long', text: long });
    client.send({ type: 'end', context_id: 'long' });
    await client.waitForFrames('long', 1);
    client.send({ type: 'cancel', context_id: 'long' });
    const ended = await client.finished('long');
    assert.equal(ended.type, 'cancelled');

    // The synthesis of that sentence must end early, not run to completion in the background.
    const records = voices.voice.records.slice(recordsBefore);
    assert.ok(records.length >= 1);
    for (let i = 0; i < 500 && records.some((r) => !r.completed && !r.stoppedEarly); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(
      records.every((r) => r.stoppedEarly && !r.completed),
      JSON.stringify(records),
    );

    // No audio for it after `cancelled`; the connection still works.
    const cancelledAt = client.log.findIndex((e) => e.kind === 'message' && e.message.type === 'cancelled');
    const framesAfter = client.log
      .slice(cancelledAt)
      .filter((e) => e.kind === 'frame' && e.frame.contextId === 'long');
    assert.equal(framesAfter.length, 0);
    client.send({ type: 'start', context_id: 'next' });
    client.send({ type: 'text', context_id: 'next', text: 'Still here.' });
    client.send({ type: 'end', context_id: 'next' });
    assert.equal((await client.finished('next')).type, 'done');
    await client.close();
  });

  void test('malformed JSON is an error that keeps the connection open', async () => {
    const client = await StreamClient.connect(gw.wsUrl, { token });
    client.send('{"type": "start", "context_id": ');
    const error = await client.waitFor<ErrorMessage>((m) => m.type === 'error');
    assert.equal(error.code, 'malformed_message');
    assert.equal(error.fatal, false);
    client.send({ type: 'start', context_id: 'ok' });
    client.send({ type: 'text', context_id: 'ok', text: 'Fine.' });
    client.send({ type: 'end', context_id: 'ok' });
    assert.equal((await client.finished('ok')).type, 'done');
    await client.close();
  });

  void test('an oversized message gets an error and close code 1009 with a reason', async () => {
    const client = await StreamClient.connect(gw.wsUrl, { token });
    client.send({ type: 'text', context_id: 'x', text: 'a'.repeat(4096) });
    const { code, reason } = await client.closed;
    assert.equal(code, 1009);
    assert.match(reason, /message too large/);
    const error = client.messages.find((m): m is ErrorMessage => m.type === 'error');
    assert.equal(error?.code, 'message_too_large');
    assert.equal(error?.fatal, true);
  });
});
