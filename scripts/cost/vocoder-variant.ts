/**
 * A candidate vocoder (same interface: mel [1, nMels, frames] -> audio) against the voice's own, on the cost
 * sentences vocoded whole: CPU ms per frame of each, and the candidate's distance from the voice's output. For
 * weights that would replace the voice's (quantized, pruned, retrained) before they go into models/.
 */
import * as ort from 'onnxruntime-node';
import { acousticLimit, joinAcoustic, splitForAcoustic } from '../../src/tts/acoustic-pieces.js';
import { createSession } from '../../src/tts/device.js';
import { OnnxVoice } from '../../src/tts/onnx-voice.js';
import type { AcousticOutput } from '../../src/tts/phrase-plan.js';
import { VoiceRegistry } from '../../src/tts/registry.js';
import { concatSamples } from '../../src/util/concat.js';
import { fromRoot } from '../../src/util/paths.js';
import { readFileSync } from 'node:fs';
import { distance, snrDb } from './measure.js';
import { sentencesOf } from './synthesis.js';

export interface VariantCost {
  cpuMsPerFrame: number;
  melDb: number;
  snrDb: number;
}

async function vocodeAll(session: ort.InferenceSession, mels: AcousticOutput[]): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for (const m of mels) {
    const out = await session.run({
      mel: new ort.Tensor('float32', m.mel, [1, m.mel.length / m.frames, m.frames]),
    });
    parts.push((out['audio'] as ort.Tensor).data as Float32Array);
  }
  return concatSamples(parts);
}

async function cpuPerFrame(session: ort.InferenceSession, mels: AcousticOutput[]): Promise<number> {
  const frames = mels.reduce((n, m) => n + m.frames, 0);
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const before = process.cpuUsage();
    await vocodeAll(session, mels);
    const used = process.cpuUsage(before);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best / frames;
}

export async function compareVocoder(
  paragraphs: readonly string[],
  file: string,
  voiceId?: string,
): Promise<{ base: number; variant: VariantCost }> {
  const registry = await VoiceRegistry.load(fromRoot('models', 'voices'), { device: 'cpu', threads: 1 });
  const dir = fromRoot('models', 'voices', registry.get(voiceId).id);
  await registry.close();
  const voice = await OnnxVoice.load(dir, { device: 'cpu', threads: 1 });
  const session = { device: 'cpu' as const, threads: 1 };
  const base = await createSession(readFileSync(`${dir}/vocoder.onnx`), session);
  const variant = await createSession(readFileSync(file), session);
  try {
    const mels: AcousticOutput[] = [];
    for (const sentence of sentencesOf(paragraphs)) {
      const phrase = voice.prepare(sentence);
      const pieces = splitForAcoustic(phrase.ids, acousticLimit(1));
      const outputs = [];
      for (const piece of pieces) outputs.push(await voice.acousticModel(piece));
      mels.push(joinAcoustic(pieces, outputs, voice.shape.nMels, phrase.ids.length));
    }
    const reference = await vocodeAll(base, mels);
    const test = await vocodeAll(variant, mels);
    const d = distance(reference, test, voice.sampleRate, voice.sampleRate / 2);
    return {
      base: await cpuPerFrame(base, mels),
      variant: {
        cpuMsPerFrame: await cpuPerFrame(variant, mels),
        melDb: d.melDb,
        snrDb: snrDb(reference, test),
      },
    };
  } finally {
    await Promise.all([voice.close(), base.release(), variant.release()]);
  }
}
