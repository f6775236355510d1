/**
 * CPU cost of synthesis, stage by stage: the front end, the acoustic model and the vocoder, run in this
 * process as a synthesis process runs them (the same phrases, pieces and chunks), in CPU milliseconds per second
 * of audio (process.cpuUsage: every thread of this process, onnxruntime's included). Each ONNX session setting
 * gets a fresh voice; its first synthesis warms the sessions up and is not counted.
 */
import { availableParallelism } from 'node:os';
import { acousticLimit, joinAcoustic, splitForAcoustic } from '../../src/tts/acoustic-pieces.js';
import type { SessionOptions } from '../../src/tts/device.js';
import type { PreparedPhrase } from '../../src/tts/engine.js';
import { OnnxVoice } from '../../src/tts/onnx-voice.js';
import { PhrasePlan } from '../../src/tts/phrase-plan.js';
import { VoiceRegistry } from '../../src/tts/registry.js';
import { SentenceSplitter } from '../../src/text/splitter.js';
import { fromRoot } from '../../src/util/paths.js';

/** The paragraphs as the gateway's phrases: sentences cut by its splitter, whole text pushed at once. */
export function sentencesOf(paragraphs: readonly string[]): string[] {
  return paragraphs.flatMap((p) => {
    const splitter = new SentenceSplitter();
    return [...splitter.push(p), ...splitter.end()].map((s) => s.text);
  });
}

export interface SynthesisCost {
  label: string;
  session: Omit<SessionOptions, 'device'>;
  audioSeconds: number;
  /** CPU ms per audio second. */
  frontEnd: number;
  acoustic: number;
  vocoder: number;
  /** Wall-clock ms per audio second (the inverse of the real-time factor, on this busy machine). */
  wallAcoustic: number;
  wallVocoder: number;
}

/** Settings compared: threads, spinning, graph level, execution mode. The first is the gateway's default. */
export function sessionSettings(): { label: string; session: Omit<SessionOptions, 'device'> }[] {
  const cores = availableParallelism();
  return [
    { label: 'default (1 thread)', session: { threads: 1 } },
    { label: '1 thread, graph level basic', session: { threads: 1, graphLevel: 'basic' } },
    { label: `${cores} threads, spinning on`, session: { threads: cores, spinning: true } },
    { label: `${cores} threads, spinning off`, session: { threads: cores, spinning: false } },
  ];
}

/** CPU and wall ms of `work`: the least of `reps` runs (a busy machine only ever adds). */
async function cpuAndWall(work: () => Promise<void>, reps: number): Promise<[number, number]> {
  let cpuBest = Infinity;
  let wallBest = Infinity;
  for (let i = 0; i < reps; i++) {
    const cpu = process.cpuUsage();
    const wall = performance.now();
    await work();
    const used = process.cpuUsage(cpu);
    cpuBest = Math.min(cpuBest, (used.user + used.system) / 1000);
    wallBest = Math.min(wallBest, performance.now() - wall);
  }
  return [cpuBest, wallBest];
}

async function voiceFor(session: Omit<SessionOptions, 'device'>, voiceId?: string): Promise<OnnxVoice> {
  const registry = await VoiceRegistry.load(fromRoot('models', 'voices'), { device: 'cpu', threads: 1 });
  const id = registry.get(voiceId).id;
  await registry.close();
  return OnnxVoice.load(fromRoot('models', 'voices', id), { device: 'cpu', ...session });
}

/** Runs `paragraphs` through the voice's stages, each timed on its own. */
export async function synthesisCost(
  paragraphs: readonly string[],
  setting: { label: string; session: Omit<SessionOptions, 'device'> },
  voiceId?: string,
  reps = 3,
): Promise<SynthesisCost> {
  const voice = await voiceFor(setting.session, voiceId);
  try {
    for await (const _ of voice.synthesize(voice.prepare(paragraphs[0] ?? 'Ready.'))) {
      // warm-up
    }
    let phrases: PreparedPhrase[] = [];
    const [frontCpu] = await cpuAndWall(() => {
      // Ten passes: one is too short for the CPU clock's resolution.
      for (let i = 0; i < 10; i++) phrases = sentencesOf(paragraphs).map((p) => voice.prepare(p));
      return Promise.resolve();
    }, reps + 1);
    let plans: PhrasePlan[] = [];
    const [acousticCpu, acousticWall] = await cpuAndWall(async () => {
      plans = [];
      for (const phrase of phrases) {
        const pieces = splitForAcoustic(phrase.ids, acousticLimit(1));
        const outputs = [];
        for (const piece of pieces) outputs.push(await voice.acousticModel(piece));
        const joined = joinAcoustic(pieces, outputs, voice.shape.nMels, phrase.ids.length);
        plans.push(new PhrasePlan(phrase, joined, voice.shape, voice.chunking));
      }
    }, reps);
    let samples = 0;
    const [vocoderCpu, vocoderWall] = await cpuAndWall(async () => {
      samples = 0;
      for (const plan of plans) {
        for (let i = 0; i < plan.spans.length; i++) {
          const input = plan.input(i);
          await voice.vocodeBatch([input.mel], input.frames);
          const keep = plan.keep(i);
          samples += keep.to - keep.from;
        }
      }
    }, reps);
    const audioSeconds = samples / voice.sampleRate;
    return {
      label: setting.label,
      session: setting.session,
      audioSeconds,
      frontEnd: frontCpu / 10 / audioSeconds,
      acoustic: acousticCpu / audioSeconds,
      vocoder: vocoderCpu / audioSeconds,
      wallAcoustic: acousticWall / audioSeconds,
      wallVocoder: vocoderWall / audioSeconds,
    };
  } finally {
    await voice.close();
  }
}

/**
 * Vocoder CPU per call for inputs of `frames` frames, and the share of input frames that are context (vocoded
 * and dropped) under the voice's chunking: what a fixed per-call cost and the chunk plan add to the work.
 */
export async function vocoderCalls(
  frameCounts: readonly number[],
  voiceId?: string,
): Promise<{ frames: number; cpuMsPerCall: number; cpuMsPerFrame: number }[]> {
  const voice = await voiceFor({ threads: 1 }, voiceId);
  try {
    const rows = [];
    for (const frames of frameCounts) {
      const mel = new Float32Array(voice.shape.nMels * frames).fill(-5);
      const calls = Math.max(2, Math.round(512 / frames));
      await voice.vocodeBatch([mel], frames);
      const [cpu] = await cpuAndWall(async () => {
        for (let i = 0; i < calls; i++) await voice.vocodeBatch([mel], frames);
      }, 3);
      rows.push({ frames, cpuMsPerCall: cpu / calls, cpuMsPerFrame: cpu / calls / frames });
    }
    return rows;
  } finally {
    await voice.close();
  }
}

/** Input frames vocoded per frame kept, over the phrases of `paragraphs`, under the voice's chunking. */
export async function contextOverhead(paragraphs: readonly string[], voiceId?: string): Promise<number> {
  const voice = await voiceFor({ threads: 1 }, voiceId);
  try {
    let input = 0;
    let kept = 0;
    for (const sentence of sentencesOf(paragraphs)) {
      const phrase = voice.prepare(sentence);
      const pieces = splitForAcoustic(phrase.ids, acousticLimit(1));
      const outputs = [];
      for (const piece of pieces) outputs.push(await voice.acousticModel(piece));
      const joined = joinAcoustic(pieces, outputs, voice.shape.nMels, phrase.ids.length);
      for (const span of new PhrasePlan(phrase, joined, voice.shape, voice.chunking).spans) {
        input += span.inputEnd - span.inputStart;
        kept += span.end - span.start;
      }
    }
    return input / kept;
  } finally {
    await voice.close();
  }
}
