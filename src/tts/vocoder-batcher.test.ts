import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { fromRoot } from '../util/paths.js';
import { VocoderBatcher, type RunBatch } from './vocoder-batcher.js';

const N_MELS = 80;
const HOP = 256;

/** A stand-in vocoder that records its calls: sample k of frame f of item b is b*1000 + f. */
function recordingRun(calls: { batch: number; frames: number }[]): RunBatch {
  return (mel, batch, frames) => {
    calls.push({ batch, frames });
    const out = new Float32Array(batch * frames * HOP);
    for (let b = 0; b < batch; b++) {
      for (let f = 0; f < frames; f++)
        out.fill(mel[b * N_MELS * frames + f] ?? NaN, (b * frames + f) * HOP, (b * frames + f + 1) * HOP);
    }
    return Promise.resolve(out);
  };
}

function melOf(value: number, frames: number): Float32Array {
  const mel = new Float32Array(N_MELS * frames);
  for (let f = 0; f < frames; f++) mel[f] = value + f;
  return mel;
}

test('requests of the same length made together share one call, and each gets its own audio', async () => {
  const calls: { batch: number; frames: number }[] = [];
  const batcher = new VocoderBatcher(recordingRun(calls), N_MELS, HOP);
  const outs = await Promise.all([1000, 2000, 3000].map((v) => batcher.vocode(melOf(v, 4), 4)));
  assert.deepEqual(calls, [{ batch: 3, frames: 4 }]);
  outs.forEach((audio, i) => {
    assert.equal(audio.length, 4 * HOP);
    assert.equal(audio[0], (i + 1) * 1000);
    assert.equal(audio[3 * HOP], (i + 1) * 1000 + 3);
  });
});

test('different lengths never share a batch', async () => {
  const calls: { batch: number; frames: number }[] = [];
  const batcher = new VocoderBatcher(recordingRun(calls), N_MELS, HOP);
  await Promise.all([
    batcher.vocode(melOf(1, 4), 4),
    batcher.vocode(melOf(2, 6), 6),
    batcher.vocode(melOf(3, 4), 4),
  ]);
  assert.deepEqual(
    [...calls].sort((a, b) => a.frames - b.frames),
    [
      { batch: 2, frames: 4 },
      { batch: 1, frames: 6 },
    ],
  );
});

test('a failed call rejects every request of its batch', async () => {
  const batcher = new VocoderBatcher(() => Promise.reject(new Error('device lost')), N_MELS, HOP);
  const results = await Promise.allSettled([batcher.vocode(melOf(1, 2), 2), batcher.vocode(melOf(2, 2), 2)]);
  assert.ok(results.every((r) => r.status === 'rejected'));
});

test('with the real vocoder, a batch gives the same audio as separate calls', async () => {
  const session = await ort.InferenceSession.create(
    await readFile(fromRoot('models', 'voices', 'slt-en-us', 'vocoder.onnx')),
    { intraOpNumThreads: 1 },
  );
  try {
    const run: RunBatch = async (mel, batch, frames) => {
      const out = await session.run({ mel: new ort.Tensor('float32', mel, [batch, N_MELS, frames]) });
      return (out['audio'] as ort.Tensor).data as Float32Array;
    };
    const mels = [0, 1, 2].map((seed) =>
      Float32Array.from({ length: N_MELS * 24 }, (_, i) => -6 + Math.sin(i * (seed + 1) * 0.37) * 3),
    );
    const alone = await Promise.all(mels.map((m) => run(m, 1, 24)));
    const batcher = new VocoderBatcher(run, N_MELS, HOP);
    const together = await Promise.all(mels.map((m) => batcher.vocode(m, 24)));
    assert.deepEqual(batcher.batchSizes, [3]);
    for (let i = 0; i < mels.length; i++) {
      let worst = 0;
      for (let k = 0; k < together[i]!.length; k++)
        worst = Math.max(worst, Math.abs(together[i]![k]! - alone[i]![k]!));
      assert.ok(worst < 1e-5, `item ${i} differs by ${worst}`);
    }
  } finally {
    await session.release();
  }
});
