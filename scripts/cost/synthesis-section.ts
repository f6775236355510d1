/** Synthesis stages under each ONNX session setting, and what the vocoder's chunking costs. */
import { compareVocoder } from './vocoder-variant.js';
import { contextOverhead, sessionSettings, synthesisCost, vocoderCalls } from './synthesis.js';
import { perSecond, type CostRun } from './run.js';
import { COST_PARAGRAPHS } from './voice-audio.js';

export async function synthesisSection(run: CostRun): Promise<void> {
  console.log('## Synthesis (front end, acoustic model, vocoder), CPU ms per audio second\n');
  console.log('Every thread of this process; wall-clock is the least of three runs on a shared machine.\n');
  console.log('| session | front end | acoustic | vocoder | wall ms/s acoustic / vocoder |');
  console.log('|---|---|---|---|---|');
  const synthesis = [];
  for (const setting of sessionSettings()) {
    const c = await synthesisCost(COST_PARAGRAPHS, setting, run.voice);
    synthesis.push(c);
    console.log(
      `| ${c.label} | ${perSecond(c.frontEnd)} | ${perSecond(c.acoustic)} | ${perSecond(c.vocoder)} | ${perSecond(c.wallAcoustic)} / ${perSecond(c.wallVocoder)} |`,
    );
  }
  run.results['synthesis'] = synthesis;
  const overhead = await contextOverhead(COST_PARAGRAPHS, run.voice);
  console.log(`\nVocoder input frames per frame kept (context of the chunk plan): ${overhead.toFixed(2)}\n`);
  console.log('| input frames | CPU ms per call | CPU ms per frame |');
  console.log('|---|---|---|');
  const calls = await vocoderCalls([20, 40, 56, 88, 152, 280], run.voice);
  for (const c of calls)
    console.log(`| ${c.frames} | ${c.cpuMsPerCall.toFixed(2)} | ${c.cpuMsPerFrame.toFixed(3)} |`);
  run.results['vocoderCalls'] = { contextOverhead: overhead, calls };
}

/** --vocoder FILE: a candidate vocoder's CPU and distance against the voice's own. */
export async function vocoderVariantSection(run: CostRun, file: string): Promise<void> {
  const { base, variant } = await compareVocoder(COST_PARAGRAPHS, file, run.voice);
  console.log(`\n## Candidate vocoder ${file}\n`);
  console.log(
    `- CPU ms per frame: voice's ${base.toFixed(3)}, candidate ${variant.cpuMsPerFrame.toFixed(3)}`,
  );
  console.log(
    `- candidate vs voice's output: mel-band distance ${variant.melDb.toFixed(2)} dB, SNR ${variant.snrDb.toFixed(1)} dB`,
  );
  run.results['vocoderVariant'] = { file, baseCpuMsPerFrame: base, ...variant };
}
