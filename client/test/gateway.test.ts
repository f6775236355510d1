/**
 * The client against the REAL gateway over loopback: started as a process (`node dist/src/cli/main.js
 * serve`), with the real voice. Fails, never skips, when the gateway is not built or does not start.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { SpeechgateClient } from '../src/client.js';
import type { Context } from '../src/context.js';
import { SpeechgateError } from '../src/errors.js';
import { TwilioMediaStream } from '../src/twilio.js';
import type { AudioEvent, DoneEvent, SentenceEvent } from '../src/types.js';
import { startGateway, type GatewayProcess } from './gateway-process.js';

let gateway: GatewayProcess;
let client: SpeechgateClient;

before(async () => {
  gateway = await startGateway();
  client = new SpeechgateClient({ url: gateway.wsUrl, token: gateway.token(), WebSocket });
  await client.ready;
});

after(async () => {
  client?.close();
  await gateway?.stop();
});

interface Collected {
  frames: AudioEvent[];
  sentences: SentenceEvent[];
  done: DoneEvent | undefined;
}

async function collect(ctx: Context): Promise<Collected> {
  const out: Collected = { frames: [], sentences: [], done: undefined };
  for await (const ev of ctx.events()) {
    if (ev.type === 'audio') out.frames.push(ev);
    else if (ev.type === 'sentence') out.sentences.push(ev);
    else if (ev.type === 'done') out.done = ev;
  }
  return out;
}

const TEXT = 'Hello from the client test. It streams text in small pieces, like a language model.';

void describe('client against the real gateway', () => {
  void test('ready announces the voices and formats', () => {
    const info = client.info!;
    assert.ok(info.voices.length > 0);
    assert.ok(info.voices.some((v) => v.id === info.defaultVoice));
    assert.deepEqual(info.formats.mulaw, [8000]);
    assert.ok(info.formats.opus.includes(48000));
  });

  void test('token-by-token text becomes contiguous PCM frames, sentences with words, and done', async () => {
    const ctx = client.context({ format: { encoding: 'pcm_s16le', sampleRate: 24000 } });
    const collecting = collect(ctx);
    for (const piece of TEXT.match(/\s*\S{1,5}/g) ?? []) ctx.sendText(piece);
    void ctx.end();
    const { frames, sentences, done } = await collecting;
    assert.ok(done, 'done arrives');
    assert.equal(frames.length, done.frames);
    assert.equal(done.audioMs, done.frames * 20);
    assert.equal(done.sentences, 2);
    assert.equal(done.characters, TEXT.length);
    assert.notEqual(done.timeToFirstAudioMs, null);
    frames.forEach((f, i) => {
      assert.equal(f.sequence, i, 'in order, no gaps, no duplicates');
      assert.equal(f.payload.length, 960, '20 ms of 24 kHz s16le');
    });
    assert.ok(frames[0]!.sentenceStart);
    assert.ok(frames.at(-1)!.sentenceEnd);
    assert.equal(sentences.length, 2);
    assert.equal(sentences[1]!.audioStartMs % 20, 0, 'a sentence starts on a frame boundary');
    const words = sentences.flatMap((s) => s.words);
    assert.ok(words.length >= 10);
    for (const w of words) {
      assert.ok(w.start >= 0 && w.end <= TEXT.length && w.start < w.end);
      assert.ok(w.endMs > w.startMs && w.endMs <= done.audioMs);
    }
    assert.equal(ctx.wordAt(words[3]!.startMs)?.word, words[3]!.word);
    assert.ok(ctx.firstFrameAt! > ctx.firstTextAt!);
  });

  void test('several contexts share the socket: Opus and mu-law interleave, each routed to its own', async () => {
    const opus = client.context({ format: 'opus' });
    const mulaw = client.context({ format: 'mulaw' });
    const results = Promise.all([collect(opus), collect(mulaw)]);
    opus.sendText('The first voice speaks here.');
    mulaw.sendText('And the second one, at the same time.');
    void opus.end();
    void mulaw.end();
    const [a, b] = await results;
    assert.equal(a.frames.length, a.done?.frames);
    assert.equal(b.frames.length, b.done?.frames);
    assert.ok(
      a.frames.every((f) => f.contextId === opus.id && f.payload.length > 0 && f.payload.length < 400),
    );
    assert.ok(b.frames.every((f) => f.contextId === mulaw.id && f.payload.length === 160));
  });

  void test('cancel stops the audio, and the connection carries on', async () => {
    const ctx = client.context({ format: 'pcm_s16le' });
    let afterCancel = 0;
    let cancelled = false;
    ctx.on('audio', () => {
      if (cancelled) afterCancel++;
    });
    ctx.sendText('This sentence will be interrupted. ' + 'It goes on and on. '.repeat(20));
    await new Promise((r) => ctx.once('audio', r));
    ctx.cancel();
    cancelled = true;
    assert.equal(await ctx.finished, undefined);
    const next = client.context({ format: 'mulaw' });
    const collecting = collect(next);
    next.sendText('Still here.');
    void next.end();
    const { done } = await collecting;
    assert.ok(done && done.frames > 0);
    assert.equal(afterCancel, 0);
    assert.equal(client.state, 'open');
  });

  void test('an unknown voice fails that context only, with a typed error', async () => {
    const ctx = client.context({ voice: 'no-such-voice' });
    ctx.sendText('Hello.');
    void ctx.end();
    await assert.rejects(
      ctx.finished,
      (err: SpeechgateError) => err.code === 'unknown_voice' && !err.retryable,
    );
    assert.equal(client.state, 'open');
  });

  void test('a token from another secret is refused at the upgrade', async () => {
    const forged = new SpeechgateClient({
      url: gateway.wsUrl,
      token: gateway.token().replace(/\.[^.]+$/, '.AAAA'),
      WebSocket,
    });
    await assert.rejects(forged.ready, (err: SpeechgateError) => err.code === 'unauthenticated');
  });

  void test('the query-string token works too', async () => {
    const viaQuery = new SpeechgateClient({
      url: gateway.wsUrl,
      token: gateway.token(),
      tokenVia: 'query',
      WebSocket,
    });
    try {
      assert.ok((await viaQuery.ready).sessionId);
    } finally {
      viaQuery.close();
    }
  });

  void test('the Twilio adapter forwards real mu-law frames and marks each sentence', async () => {
    const sent: { event: string; media?: { payload: string }; mark?: { name: string } }[] = [];
    const twilio = new TwilioMediaStream({
      streamSid: 'MZtest',
      send: (m) => sent.push(JSON.parse(m) as (typeof sent)[number]),
    });
    const ctx = client.context({ format: 'mulaw' });
    twilio.play(ctx);
    ctx.sendText('One sentence. Two sentences.');
    const done = await ctx.end();
    const media = sent.filter((m) => m.event === 'media');
    assert.equal(media.length, done?.frames);
    assert.ok(media.every((m) => Buffer.from(m.media!.payload, 'base64').length === 160));
    assert.deepEqual(
      sent.filter((m) => m.event === 'mark').map((m) => m.mark!.name),
      [`${ctx.id}:0`, `${ctx.id}:1`, `${ctx.id}:end`],
    );
  });
});
