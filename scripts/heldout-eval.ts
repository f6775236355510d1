/**
 * A voice against real recordings it never trained on (models/eval/heldout.json): each clip's transcript is
 * synthesised through the Node pipeline and compared with the recording, after dynamic time warping on mel
 * cepstra: mel-cepstral distortion, F0 error and correlation, voicing disagreement, and the length ratio.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Synthesizer } from '../src/tts/engine.js';
import { concatSamples } from '../src/util/concat.js';
import { SAMPLE_RATE, compareF0, dtw, logMel, mcd, melCepstra, speechSpan, yinF0 } from './voice-measures.js';

export interface HeldoutClip {
  key: string;
  speaker: string;
  text: string;
  /** Relative to the clips root (../shared/data by default). */
  path: string;
}

export interface ClipScore {
  key: string;
  mcdDb: number;
  f0RmseCents: number;
  f0RmseHz: number;
  f0Correlation: number;
  f0GrossErrors: number;
  voicingError: number;
  lengthRatio: number;
}

/** Mono float audio at 22050 Hz, decoded and resampled by sox without dither. */
export function readAudio(file: string): Float32Array {
  const raw = execFileSync(
    'sox',
    ['-D', file, '-t', 'raw', '-e', 'floating-point', '-b', '32', '-c', '1', '-r', String(SAMPLE_RATE), '-'],
    { maxBuffer: 1 << 28 },
  );
  return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4).slice();
}

/** Scores synthetic audio against a recording of the same words. */
export function scoreClip(key: string, real: Float32Array, synthetic: Float32Array): ClipScore {
  const melA = logMel(real);
  const melB = logMel(synthetic);
  const [a0, a1] = speechSpan(melA);
  const [b0, b1] = speechSpan(melB);
  const cepA = melCepstra(melA.slice(a0, a1));
  const cepB = melCepstra(melB.slice(b0, b1));
  const path = dtw(cepA, cepB);
  const f0 = compareF0(yinF0(real).slice(a0, a1), yinF0(synthetic).slice(b0, b1), path);
  return {
    key,
    mcdDb: mcd(cepA, cepB, path),
    f0RmseCents: f0.rmseCents,
    f0RmseHz: f0.rmseHz,
    f0Correlation: f0.correlation,
    f0GrossErrors: f0.grossErrors,
    voicingError: f0.voicingError,
    lengthRatio: (b1 - b0) / Math.max(1, a1 - a0),
  };
}

export async function synthesise(voice: Synthesizer, text: string): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for await (const chunk of voice.synthesize(voice.prepare(text))) parts.push(chunk.pcm.slice());
  return concatSamples(parts);
}

type Summary = Omit<ClipScore, 'key'> & { clips: number };

/** Means per speaker of the held-out set (NaN correlations, from clips with too few voiced frames, skipped). */
export function summarise(
  clips: readonly HeldoutClip[],
  scores: readonly ClipScore[],
): Record<string, Summary> {
  const out: Record<string, Summary> = {};
  for (const speaker of [...new Set(clips.map((c) => c.speaker))]) {
    const rows = scores.filter((_, i) => clips[i]?.speaker === speaker);
    const mean = (f: (s: ClipScore) => number): number => {
      const v = rows.map(f).filter(Number.isFinite);
      return Number((v.reduce((s, x) => s + x, 0) / Math.max(1, v.length)).toFixed(4));
    };
    out[speaker] = {
      clips: rows.length,
      mcdDb: mean((s) => s.mcdDb),
      f0RmseCents: mean((s) => s.f0RmseCents),
      f0RmseHz: mean((s) => s.f0RmseHz),
      f0Correlation: mean((s) => s.f0Correlation),
      f0GrossErrors: mean((s) => s.f0GrossErrors),
      voicingError: mean((s) => s.voicingError),
      lengthRatio: mean((s) => s.lengthRatio),
    };
  }
  return out;
}

export async function evaluateHeldout(
  voice: Synthesizer,
  clips: readonly HeldoutClip[],
  root: string,
): Promise<{ perSpeaker: Record<string, Summary>; clips: ClipScore[] }> {
  const scores: ClipScore[] = [];
  for (const clip of clips) {
    const real = readAudio(join(root, clip.path));
    scores.push(scoreClip(clip.key, real, await synthesise(voice, clip.text)));
  }
  return { perSpeaker: summarise(clips, scores), clips: scores };
}
