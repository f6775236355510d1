import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fromRoot } from '../util/paths.js';
import { OnnxVoice } from './onnx-voice.js';
import { concatSamples } from '../util/concat.js';
import { planChunks, sliceMel, DEFAULT_CHUNKING } from './chunking.js';

// Every voice shipped in models/voices passes the same checks.
const BUNDLED = ['slt-en-us', 'lj-en-us'];
const SENTENCE = 'Your appointment is on Tuesday at ten fifteen, please arrive early.';

function rms(x: Float32Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s / Math.max(1, x.length));
}

for (const id of BUNDLED) describeVoice(id);

function describeVoice(id: string): void {
  describe(`the bundled voice ${id} on CPU`, () => {
    let voice: OnnxVoice;
    before(async () => {
      voice = await OnnxVoice.load(fromRoot('models', 'voices', id), { device: 'cpu', threads: 1 });
    });
    after(async () => {
      await voice.close();
    });

    test('loads with its manifest', () => {
      assert.equal(voice.id, id);
      assert.equal(voice.sampleRate, 22050);
      assert.match(voice.modelHash, /^[0-9a-f]{16}$/);
    });

    test('a sentence becomes audible audio exactly as long as the predicted durations', async () => {
      const phrase = voice.prepare(SENTENCE);
      const { frames, durations } = await voice.acousticModel(phrase);
      assert.equal(
        durations.reduce((a, b) => a + b, 0),
        frames,
      );
      const chunks: Float32Array[] = [];
      let timing;
      for await (const chunk of voice.synthesize(phrase)) {
        timing ??= chunk.timing;
        chunks.push(chunk.pcm.slice());
      }
      const audio = concatSamples(chunks);
      assert.equal(audio.length, frames * 256);
      assert.ok(rms(audio) > 0.02, `audio is near silent (rms ${rms(audio)})`);
      assert.ok(Math.max(...audio.map(Math.abs)) <= 1);
      assert.ok(timing);
      assert.equal(timing.words.length, phrase.words.length);
      for (let i = 1; i < timing.words.length; i++) {
        assert.ok(timing.words[i]!.startMs >= timing.words[i - 1]!.endMs - 1e-6, 'words are in order');
      }
      assert.ok(Math.abs(timing.durationMs - (audio.length / 22050) * 1000) < 1e-6);
    });

    test('chunked vocoding with context equals whole-utterance vocoding', async () => {
      const { mel, frames } = await voice.acousticModel(voice.prepare(SENTENCE));
      const whole = await voice.vocode(mel, frames, 0, frames);
      const pieces: Float32Array[] = [];
      for (const span of planChunks(frames, DEFAULT_CHUNKING)) {
        const audio = await voice.vocode(mel, frames, span.inputStart, span.inputEnd);
        pieces.push(audio.subarray((span.start - span.inputStart) * 256, (span.end - span.inputStart) * 256));
      }
      const chunked = concatSamples(pieces);
      assert.equal(chunked.length, whole.length);
      let worst = 0;
      for (let i = 0; i < whole.length; i++) worst = Math.max(worst, Math.abs(whole[i]! - chunked[i]!));
      // With the default context the joins are inaudible: the tolerance is about -60 dBFS.
      assert.ok(worst < 1e-3, `chunked differs from whole by up to ${worst}`);
    });

    test('a batch of mels of one length gives the same audio as separate calls', async () => {
      const { mel, frames } = await voice.acousticModel(voice.prepare(SENTENCE));
      const width = 24;
      const starts = [0, 10, frames - width];
      const slices = starts.map((s) => sliceMel(mel, voice.shape.nMels, frames, s, s + width));
      const together = await voice.vocodeBatch(slices, width);
      assert.equal(together.length, 3);
      for (const [i, start] of starts.entries()) {
        const alone = await voice.vocode(mel, frames, start, start + width);
        assert.equal(together[i]!.length, width * 256);
        let worst = 0;
        for (let k = 0; k < alone.length; k++)
          worst = Math.max(worst, Math.abs(together[i]![k]! - alone[k]!));
        assert.ok(worst < 1e-5, `item ${i} differs by ${worst}`);
      }
    });

    test('identical input gives identical output', async () => {
      const run = async (): Promise<Float32Array> => {
        const parts: Float32Array[] = [];
        for await (const c of voice.synthesize(voice.prepare(SENTENCE))) parts.push(c.pcm.slice());
        return concatSamples(parts);
      };
      const [a, b] = [await run(), await run()];
      assert.deepEqual(a, b);
    });

    test('an aborted synthesis stops and throws', async () => {
      const controller = new AbortController();
      let chunks = 0;
      await assert.rejects(async () => {
        for await (const _ of voice.synthesize(voice.prepare(SENTENCE), { signal: controller.signal })) {
          chunks++;
          controller.abort();
        }
      });
      assert.equal(chunks, 1);
    });

    test('speed changes the length', async () => {
      const phrase = voice.prepare(SENTENCE);
      const normal = await voice.acousticModel(phrase, 1);
      const fast = await voice.acousticModel(phrase, 1.5);
      assert.ok(fast.frames < normal.frames * 0.8, `${fast.frames} vs ${normal.frames}`);
    });
  });
}
