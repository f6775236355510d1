/** Creating encoders for many idle contexts: CPU on this thread and memory held, before -> after. */
import { createStreamEncoder } from '../../src/audio/encoder.js';
import { opusWasmMemoryBytes } from '../../src/audio/opus.js';
import { OLD_PATH, type CostRun } from './run.js';

export async function idleSection(run: CostRun): Promise<void> {
  const { audio, results } = run;
  const RATE = audio.sampleRate;
  const contexts = run.contexts;
  console.log(`\n## ${contexts} opus@48000 stream encoders created and held (idle contexts)\n`);
  const created: Record<string, unknown> = {};
  // 'after' first: each run reuses the Opus heap the one before it grew.
  for (const [label, options] of [
    ['after', {}],
    ['before', OLD_PATH],
  ] as const) {
    globalThis.gc?.();
    const rss = process.memoryUsage().rss;
    const wasm = opusWasmMemoryBytes();
    const started = process.cpuUsage();
    const encoders = await Promise.all(
      Array.from({ length: contexts }, () =>
        createStreamEncoder({ encoding: 'opus', sampleRate: 48000 }, RATE, options),
      ),
    );
    const used = process.cpuUsage(started);
    const grown = (process.memoryUsage().rss - rss) / contexts / 1024;
    const wasmGrown = (opusWasmMemoryBytes() - wasm) / contexts / 1024;
    for (const encoder of encoders) encoder.destroy();
    created[label] = {
      cpuMsEach: (used.user + used.system) / 1000 / contexts,
      rssKiBEach: grown,
      opusHeapKiBEach: wasmGrown,
    };
    console.log(
      `- ${label}: ${((used.user + used.system) / 1000 / contexts).toFixed(3)} ms CPU each, RSS +${grown.toFixed(0)} KiB each (Opus heap +${wasmGrown.toFixed(0)} KiB)`,
    );
  }
  results['idleContexts'] = { contexts, ...created };
}
