import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { usePeer } from '../test/peer.js';
import { toBase64 } from './base64.js';
import { SpeechgateError } from './errors.js';
import { FLAG_SENTENCE_END } from './frame.js';
import { parseMarkName, TwilioMediaStream, type TwilioMarkEvent } from './twilio.js';

const { connected } = usePeer();

async function setup() {
  const { client, conn } = await connected();
  const sent: Record<string, unknown>[] = [];
  const twilio = new TwilioMediaStream({ send: (m) => sent.push(JSON.parse(m) as Record<string, unknown>) });
  return { client, conn, sent, twilio };
}

void test('toBase64 matches the standard encoding for every tail length', () => {
  for (let n = 0; n < 40; n++) {
    const bytes = randomBytes(n);
    assert.equal(toBase64(bytes), bytes.toString('base64'));
  }
});

void describe('TwilioMediaStream', () => {
  void test('turns mu-law frames into media messages, marks sentence ends, waits for the stream sid', async () => {
    const { client, conn, sent, twilio } = await setup();
    const ctx = client.context({ format: 'mulaw' });
    twilio.play(ctx);
    ctx.sendText('Hello. Bye.');
    await conn.until('text');
    const frame = (seq: number): Uint8Array => new Uint8Array(160).fill(seq + 1);
    conn.sendFrame(ctx.id, 0, frame(0));
    conn.sendFrame(ctx.id, 1, frame(1), FLAG_SENTENCE_END);
    await new Promise((r) => ctx.on('audio', (f) => f.sequence === 1 && r(f)));
    assert.equal(sent.length, 0, 'nothing can be sent before Twilio names the stream');
    twilio.handleMessage(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }));
    twilio.handleMessage(
      JSON.stringify({
        event: 'start',
        streamSid: 'MZ1',
        start: { streamSid: 'MZ1', callSid: 'CA1', mediaFormat: {} },
      }),
    );
    conn.sendFrame(ctx.id, 2, frame(2), FLAG_SENTENCE_END);
    conn.send({
      type: 'done',
      context_id: ctx.id,
      time_to_first_audio_ms: 1,
      audio_ms: 60,
      characters: 11,
      sentences: 2,
      cache_hits: 0,
      frames: 3,
    });
    await ctx.finished;
    const b64 = (seq: number): string => Buffer.from(frame(seq)).toString('base64');
    assert.deepEqual(sent, [
      { event: 'media', streamSid: 'MZ1', media: { payload: b64(0) } },
      { event: 'media', streamSid: 'MZ1', media: { payload: b64(1) } },
      { event: 'mark', streamSid: 'MZ1', mark: { name: `${ctx.id}:0` } },
      { event: 'media', streamSid: 'MZ1', media: { payload: b64(2) } },
      { event: 'mark', streamSid: 'MZ1', mark: { name: `${ctx.id}:1` } },
      { event: 'mark', streamSid: 'MZ1', mark: { name: `${ctx.id}:end` } },
    ]);
    const marks: TwilioMarkEvent[] = [];
    twilio.on('mark', (m) => marks.push(m));
    twilio.handleMessage({ event: 'mark', streamSid: 'MZ1', mark: { name: `${ctx.id}:1` } });
    twilio.handleMessage({ event: 'mark', streamSid: 'MZ1', mark: { name: `${ctx.id}:end` } });
    assert.deepEqual(
      marks.map((m) => [m.contextId, m.sentence, m.end]),
      [
        [ctx.id, 1, false],
        [ctx.id, undefined, true],
      ],
    );
    client.close();
  });

  void test('clear() cancels synthesis and tells Twilio to drop its buffer (barge-in)', async () => {
    const { client, conn, sent, twilio } = await setup();
    twilio.handleMessage({ event: 'start', streamSid: 'MZ2', start: { streamSid: 'MZ2' } });
    const ctx = client.context({ format: { encoding: 'mulaw', sampleRate: 8000 } });
    twilio.play(ctx);
    ctx.sendText('A long answer.');
    await conn.until('text');
    twilio.clear();
    assert.equal(ctx.state, 'cancelled');
    assert.deepEqual(await conn.next(), { type: 'cancel', context_id: ctx.id });
    assert.deepEqual(sent, [{ event: 'clear', streamSid: 'MZ2' }]);
    conn.sendFrame(ctx.id, 0, new Uint8Array(160));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(sent.length, 1, 'no media after clear');
    client.close();
  });

  void test("Twilio's stop cancels what is playing; caller audio and DTMF are passed on", async () => {
    const { client, conn, twilio } = await setup();
    const ctx = client.context({ format: 'mulaw' });
    twilio.play(ctx);
    await conn.until('start');
    const media: string[] = [];
    const digits: string[] = [];
    twilio.on('media', (m) => media.push(m.payload));
    twilio.on('dtmf', (d) => digits.push(d.digit));
    twilio.handleMessage({ event: 'media', media: { track: 'inbound', payload: '/w==' } });
    twilio.handleMessage({ event: 'dtmf', dtmf: { digit: '5' } });
    twilio.handleMessage('not json');
    twilio.handleMessage({ event: 'stop' });
    assert.deepEqual(media, ['/w==']);
    assert.deepEqual(digits, ['5']);
    assert.equal(ctx.state, 'cancelled');
    client.close();
  });

  void test('refuses formats Twilio cannot play', async () => {
    const { client, twilio } = await setup();
    assert.throws(
      () => twilio.play(client.context({ format: 'opus' })),
      (e: SpeechgateError) => e.code === 'unsupported_format',
    );
    assert.throws(() => twilio.play(client.context()), SpeechgateError);
    client.close();
  });

  void test('parseMarkName reads back only our own names', () => {
    assert.deepEqual(parseMarkName('ab-1:3'), { name: 'ab-1:3', contextId: 'ab-1', sentence: 3, end: false });
    assert.equal(parseMarkName('ab-1:x'), undefined);
    assert.equal(parseMarkName('nocolon'), undefined);
  });
});
