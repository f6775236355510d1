import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Context, FLAG_SENTENCE_END } from '@speechgate/client';
import { maxPieceChars, splitText, TextFeed } from './text-feed.js';

interface Sent {
  type: string;
  text?: string;
}

/** A real client Context whose messages are recorded instead of sent. */
function context(): { ctx: Context; sent: Sent[] } {
  const sent: Sent[] = [];
  const ctx = new Context('c1', {}, { send: (m) => sent.push(m), release: () => undefined });
  return { ctx, sent };
}

function texts(sent: Sent[]): string[] {
  return sent.filter((m) => m.type === 'text').map((m) => m.text!);
}

function sentence(ctx: Context, index: number, start: number, end: number): void {
  ctx.handleMessage({
    type: 'sentence',
    context_id: ctx.id,
    index,
    start,
    end,
    audio_start_ms: 0,
    duration_ms: 20,
    cached: false,
    words: [],
  });
}

function lastFrame(ctx: Context, sequence: number): void {
  ctx.handleFrame({
    contextId: ctx.id,
    sequence,
    flags: FLAG_SENTENCE_END,
    startMs: sequence * 20,
    sentenceStart: false,
    sentenceEnd: true,
    payload: new Uint8Array(2),
  });
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

void describe('say text feed', () => {
  test('pieces respect the size limit and never split a surrogate pair', () => {
    assert.deepEqual(splitText('abcdefg', 3), ['abc', 'def', 'g']);
    assert.deepEqual(splitText('ab😀cd', 3), ['ab', '😀c', 'd']);
    assert.deepEqual(splitText('', 3), []);
    assert.equal(splitText('x'.repeat(10_001), 4000).join(''), 'x'.repeat(10_001));
  });

  test('a piece encoded as JSON stays under the message limit', () => {
    assert.equal(maxPieceChars(65536), 4000);
    const max = maxPieceChars(1000);
    const worst = JSON.stringify({ type: 'text', context_id: 'x'.repeat(64), text: '\u0001'.repeat(max) });
    assert.ok(Buffer.byteLength(worst) <= 1000);
  });

  test('short input goes out at once; long input waits for audio to catch up', async () => {
    const { ctx, sent } = context();
    const feed = new TextFeed(ctx, { maxPieceChars: 10, windowChars: 15 });
    const stop = new AbortController();
    assert.equal(await feed.send('Hi. ', stop.signal), true);
    assert.deepEqual(texts(sent), ['Hi. ']);

    const long = 'aaaaaaaaa. bbbbbbbbb. ccccccccc. ';
    let finished = false;
    const sending = feed.send(long, stop.signal).then((ok) => (finished = ok));
    await tick();
    // 4 + 10 + 10 units in flight: over the window of 15, so the rest waits.
    assert.deepEqual(texts(sent), ['Hi. ', 'aaaaaaaaa.', ' bbbbbbbbb']);
    sentence(ctx, 0, 0, 4);
    await tick();
    assert.equal(texts(sent).length, 3, 'a sentence starting is not progress; its last frame is');
    lastFrame(ctx, 0);
    await tick();
    assert.equal(texts(sent).length, 3, 'still 20 units unspoken');
    sentence(ctx, 1, 4, 14);
    lastFrame(ctx, 1);
    await tick();
    assert.equal(texts(sent).length, 4, 'one more piece fits');
    assert.equal(finished, false);
    sentence(ctx, 2, 15, 25);
    lastFrame(ctx, 2);
    await sending;
    assert.equal(finished, true);
    assert.equal(texts(sent).join(''), 'Hi. ' + long);
    feed.dispose();
  });

  test('sending stops when the context closes or the signal aborts', async () => {
    const { ctx, sent } = context();
    const feed = new TextFeed(ctx, { maxPieceChars: 5, windowChars: 5 });
    const stop = new AbortController();
    const sending = feed.send('x'.repeat(30), stop.signal);
    await tick();
    assert.equal(texts(sent).length, 2);
    stop.abort();
    assert.equal(await sending, false);

    const again = feed.send('y'.repeat(30), new AbortController().signal);
    await tick();
    ctx.cancel();
    assert.equal(await again, false);
    assert.equal(await feed.send('z', new AbortController().signal), false);
    assert.equal(texts(sent).join('').includes('z'), false);
    feed.dispose();
  });
});
