/**
 * Real voice output for the cost bench: the first paragraphs of the load test spoken by a bundled voice,
 * synthesised once (about 20 s of CPU) and cached as a 16-bit WAV in the temp folder, or any mono 16-bit WAV.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { floatToS16le } from '../../src/audio/pcm.js';
import { wavFile } from '../../src/audio/wav.js';
import { VoiceRegistry } from '../../src/tts/registry.js';
import { concatSamples } from '../../src/util/concat.js';
import { fromRoot } from '../../src/util/paths.js';
import { PARAGRAPHS } from '../../loadtest/paragraphs.js';

export interface VoiceAudio {
  samples: Float32Array;
  sampleRate: number;
  /** The text spoken, when the audio was synthesised here. */
  text?: string;
  file: string;
}

/** Mono 16-bit PCM WAV -> float samples (chunks other than fmt and data are skipped). */
export function readWav(file: string): { samples: Float32Array; sampleRate: number } {
  const bytes = readFileSync(file);
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error(`${file}: not a WAV file`);
  let sampleRate = 0;
  for (let at = 12; at + 8 <= bytes.length;) {
    const id = bytes.toString('ascii', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      if (
        bytes.readUInt16LE(at + 8) !== 1 ||
        bytes.readUInt16LE(at + 10) !== 1 ||
        bytes.readUInt16LE(at + 22) !== 16
      )
        throw new Error(`${file}: only mono 16-bit PCM is read`);
      sampleRate = bytes.readUInt32LE(at + 12);
    } else if (id === 'data') {
      const count = Math.floor(Math.min(size, bytes.length - at - 8) / 2);
      const samples = new Float32Array(count);
      for (let i = 0; i < count; i++) samples[i] = bytes.readInt16LE(at + 8 + 2 * i) / 32767;
      return { samples, sampleRate };
    }
    at += 8 + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

export const COST_PARAGRAPHS = PARAGRAPHS.slice(0, 6);

export async function voiceAudio(file?: string, voiceId?: string): Promise<VoiceAudio> {
  if (file) return { ...readWav(file), file };
  const cached = join(tmpdir(), `speechgate-cost-${voiceId ?? 'default'}.wav`);
  const text = COST_PARAGRAPHS.join(' ');
  if (existsSync(cached)) return { ...readWav(cached), text, file: cached };
  const registry = await VoiceRegistry.load(fromRoot('models', 'voices'), { device: 'cpu', threads: 1 });
  try {
    const voice = registry.get(voiceId);
    const parts: Float32Array[] = [];
    for (const paragraph of COST_PARAGRAPHS) {
      for await (const chunk of voice.synthesize(voice.prepare(paragraph))) parts.push(chunk.pcm.slice());
    }
    const samples = concatSamples(parts);
    writeFileSync(cached, wavFile('pcm_s16le', voice.sampleRate, floatToS16le(samples)));
    return { ...readWav(cached), text, file: cached };
  } finally {
    await registry.close();
  }
}
