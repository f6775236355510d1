import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fromRoot } from '../../util/paths.js';
import type { Synthesizer } from '../engine.js';
import { OnnxVoice } from '../onnx-voice.js';
import { concatSamples } from '../../util/concat.js';
import { SpeechgateError } from '../../errors.js';
import { WorkerPoolVoice } from './pool-voice.js';

const VOICE_DIR = fromRoot('models', 'voices', 'slt-en-us');
const TEXTS = [
  'Hello there, how can I help you today?',
  'Your order shipped this morning and arrives on Tuesday.',
];

async function render(voice: Synthesizer, text: string): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for await (const chunk of voice.synthesize(voice.prepare(text))) parts.push(chunk.pcm.slice());
  return concatSamples(parts);
}

describe('voice on synthesis processes', () => {
  let pool: WorkerPoolVoice;
  let local: OnnxVoice;
  before(async () => {
    [pool, local] = await Promise.all([
      WorkerPoolVoice.load(VOICE_DIR, { device: 'cpu', threads: 1 }, 2),
      OnnxVoice.load(VOICE_DIR, { device: 'cpu', threads: 1 }),
    ]);
  });
  after(async () => {
    await Promise.all([pool.close(), local.close()]);
  });

  test('reports the voice it loaded', () => {
    assert.equal(pool.id, local.id);
    assert.equal(pool.modelHash, local.modelHash);
    assert.equal(pool.language, 'en-US');
  });

  test('concurrent sentences on the pool give the same audio as in-process synthesis', async () => {
    const pooled = await Promise.all(TEXTS.map((t) => render(pool, t)));
    for (const [i, text] of TEXTS.entries()) assert.deepEqual(pooled[i], await render(local, text));
  });

  test('the event loop keeps running while the workers synthesise', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    await Promise.all(TEXTS.map((t) => render(pool, t)));
    clearInterval(timer);
    const elapsed = performance.now() - started;
    // Inference on this thread would block the loop for whole model runs (one or two ticks in all); a free
    // loop ticks dozens of times. The bar is low so that a loaded machine cannot fail it.
    assert.ok(ticks >= 10, `${ticks} timer ticks in ${elapsed.toFixed(0)} ms`);
  });

  test('aborting stops the job and the pool stays usable', async () => {
    const controller = new AbortController();
    let chunks = 0;
    await assert.rejects(async () => {
      for await (const _ of pool.synthesize(pool.prepare(TEXTS[1]!), { signal: controller.signal })) {
        chunks++;
        controller.abort();
      }
    }, /abort/i);
    assert.equal(chunks, 1);
    assert.ok((await render(pool, TEXTS[0]!)).length > 0);
  });

  test('a synthesis process killed mid-inference fails at most the phrases it was running, and is replaced', async () => {
    // Both processes busy; the kill lands while steps are in flight, and the other phrase is then cancelled.
    let started!: () => void;
    const firstChunk = new Promise<void>((resolve) => (started = resolve));
    const controller = new AbortController();
    const outcomes = [0, 1].map(async () => {
      try {
        const phrase = pool.prepare(TEXTS[1]!.repeat(3));
        for await (const _ of pool.synthesize(phrase, { signal: controller.signal })) started();
        return 'finished';
      } catch (err) {
        return err instanceof SpeechgateError ? err.code : err instanceof Error ? err.name : String(err);
      }
    });
    await firstChunk;
    const killed = pool.killWorkerForTest(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    for (const outcome of await Promise.all(outcomes)) {
      assert.match(outcome, /^(finished|synthesis_failed|AbortError)$/);
    }
    await killed;
    for (let waited = 0; pool.workerCount < 2 && waited < 60_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(pool.workerCount, 2);
    assert.deepEqual(await render(pool, TEXTS[0]!), await render(local, TEXTS[0]!));
  });
});
