import type { PhonemizedWord } from '../text/frontend.js';

export interface WordTiming {
  /** The spoken word ("twenty"). */
  word: string;
  /** Span in the phrase's text the word was read from. */
  start: number;
  end: number;
  /** When the word sounds, from the start of the phrase's audio. */
  startMs: number;
  endMs: number;
}

/** Word times from the acoustic model's per-token frame counts. */
export function wordTimings(
  words: readonly PhonemizedWord[],
  durations: ArrayLike<number>,
  msPerFrame: number,
): { words: WordTiming[]; totalFrames: number } {
  const startFrame = new Array<number>(durations.length + 1);
  startFrame[0] = 0;
  for (let i = 0; i < durations.length; i++) startFrame[i + 1] = (startFrame[i] ?? 0) + Number(durations[i]);
  return {
    words: words.map((w) => ({
      word: w.text,
      start: w.start,
      end: w.end,
      startMs: (startFrame[w.tokenStart] ?? 0) * msPerFrame,
      endMs: (startFrame[w.tokenEnd] ?? 0) * msPerFrame,
    })),
    totalFrames: startFrame[durations.length] ?? 0,
  };
}
