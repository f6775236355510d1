/**
 * A real-time player, simulated from frame arrival times: it starts once the first frame is in plus a
 * jitter buffer, then needs frame n at start + n × 20 ms. A frame not there when needed is an underrun:
 * the player stalls until it arrives and resumes from there (the timeline shifts by the stall).
 */
export const FRAME_MS = 20;

export interface Playback {
  /** How many times the player ran dry. */
  underruns: number;
  /** Total time it spent waiting for audio after playback started. */
  starvedMs: number;
}

/** `arrivalsMs[n]`: when frame with sequence n arrived (any common clock). */
export function simulatePlayback(arrivalsMs: readonly number[], jitterBufferMs: number): Playback {
  const first = arrivalsMs[0];
  if (first === undefined) return { underruns: 0, starvedMs: 0 };
  let underruns = 0;
  let starvedMs = 0;
  let start = first + jitterBufferMs;
  for (let n = 0; n < arrivalsMs.length; n++) {
    const arrived = arrivalsMs[n] ?? start;
    const needed = start + n * FRAME_MS;
    if (arrived > needed) {
      underruns++;
      starvedMs += arrived - needed;
      start += arrived - needed;
    }
  }
  return { underruns, starvedMs };
}

/** Time between consecutive frames of one context. */
export function frameGaps(arrivalsMs: readonly number[]): number[] {
  const gaps: number[] = [];
  for (let n = 1; n < arrivalsMs.length; n++) gaps.push((arrivalsMs[n] ?? 0) - (arrivalsMs[n - 1] ?? 0));
  return gaps;
}
