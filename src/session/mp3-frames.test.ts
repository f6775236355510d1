import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Mp3Frames, type Mp3Frame } from './mp3-frames.js';

const RATE = 24000;
const FRAME_BYTES = (RATE / 50) * 2;

/** 20 ms of a 440 Hz tone as s16le bytes, continuing from frame `n`. */
function toneFrame(n: number): Uint8Array {
  const samples = new Int16Array(FRAME_BYTES / 2);
  for (let i = 0; i < samples.length; i++) {
    const t = n * samples.length + i;
    samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * t) / RATE));
  }
  return new Uint8Array(samples.buffer);
}

void describe('Mp3Frames', () => {
  test('one frame out per frame in, in order; a sentence end waits for what follows', async () => {
    const mp3 = await Mp3Frames.open(RATE);
    const out: Mp3Frame[] = [];
    for (let n = 0; n < 10; n++) {
      const sent = mp3.frame(n, n === 9 ? 2 : 0, toneFrame(n), n === 9);
      // The sentence's last frame is held: nothing leaves for it yet.
      assert.equal(sent.length, n === 9 ? 0 : 1);
      out.push(...sent);
    }
    const next = mp3.frame(10, 1, toneFrame(10), false);
    assert.deepEqual(
      next.map((f) => [f.sequence, f.flags]),
      [
        [9, 2],
        [10, 1],
      ],
    );
    out.push(...next);
    mp3.frame(11, 2, toneFrame(11), true);
    const last = mp3.done();
    assert.deepEqual(
      last.map((f) => f.sequence),
      [11],
    );
    out.push(...last);
    assert.deepEqual(
      out.map((f) => f.sequence),
      Array.from({ length: 12 }, (_, i) => i),
    );
    // 240 ms of audio at 64 kbit/s CBR: the encoder's end() flushed its frames into the last one.
    const bytes = out.reduce((sum, f) => sum + f.payload.length, 0);
    assert.ok(bytes >= 192 * 10, `${bytes} bytes`);
    assert.ok(last[0]!.payload.length > 192, 'the held frame carries the encoder tail');
  });

  test('flushed() drains the encoder into the held frame; nothing held, nothing sent', async () => {
    const mp3 = await Mp3Frames.open(RATE);
    assert.deepEqual(mp3.flushed(), []);
    for (let n = 0; n < 4; n++) mp3.frame(n, 0, toneFrame(n), n === 3);
    const drained = mp3.flushed();
    assert.equal(drained.length, 1);
    // 80 ms of input plus the drain silence: several 192-byte MP3 frames come out with it.
    assert.ok(drained[0]!.payload.length >= 192 * 4, `${drained[0]!.payload.length} bytes`);
    assert.deepEqual(mp3.flushed(), []);
  });
});
