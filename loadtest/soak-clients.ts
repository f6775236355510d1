/**
 * The clients of the soak: one stream is one loop that, until the deadline, picks what a real user
 * of the gateway would do next (a whole paragraph, an LLM token stream, an HTTP download, a cancel
 * halfway, a reconnect, now and then a pathological text) and records what it saw as a SoakEvent.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchConnection, type ContextPlan } from './connection.js';
import { planPieces } from './level.js';
import { PARAGRAPHS } from './paragraphs.js';
import type { Random } from './random.js';
import { DEFAULT_PACE } from './tokens.js';

export type SoakKind = 'whole' | 'tokens' | 'http' | 'cancel' | 'reconnect' | 'pathological';
export type PathologicalLevel = 'off' | 'mild' | 'full';

export interface SoakEvent {
  /** performance.now() when it ended. */
  at: number;
  kind: SoakKind;
  /** Whole text: first audio after the text went out. */
  ttfaMs?: number;
  /** Token stream: first audio after the text completing the first sentence went out. */
  sentenceToAudioMs?: number;
  /** HTTP: first body byte after the request. */
  httpFirstByteMs?: number;
  /** performance.now() when it started. */
  startedAt?: number;
  /** WebSocket actions: how long the connection had been unused before this action. */
  idleBeforeMs?: number;
  /** WebSocket actions: audio frames received. */
  frames?: number;
  /** Pathological text still being spoken when the client stopped listening (not an error). */
  stillSpeaking?: boolean;
  errors: string[];
}

export interface SoakTarget {
  wsUrl: string;
  httpUrl: string;
  token(): string;
}

const WEIGHTS: [SoakKind, number][] = [
  ['whole', 35],
  ['tokens', 35],
  ['http', 14],
  ['cancel', 8],
  ['reconnect', 5],
  ['pathological', 3],
];

/** Texts from issue 10: `full` are the cases that once cost gigabytes; `mild` the same shapes, small. */
export function pathologicalTexts(level: PathologicalLevel): string[] {
  if (level === 'off') return [];
  const n = level === 'full' ? 1 : 0.02;
  const count = (k: number): number => Math.max(4, Math.round(k * n));
  return [
    '1'.repeat(count(3000)),
    `$${'9'.repeat(count(400))}`,
    `http://${'a.'.repeat(count(800))}com`,
    Array.from({ length: count(800) }, (_, i) => String(i * 37)).join(', '),
    'a'.repeat(count(10_000)),
    `${'!?#'.repeat(count(300))} and then words.`,
  ];
}

function pickKind(random: Random, pathological: boolean): SoakKind {
  const weights = pathological ? WEIGHTS : WEIGHTS.filter(([k]) => k !== 'pathological');
  let r = random() * weights.reduce((s, [, w]) => s + w, 0);
  for (const [kind, w] of weights) if ((r -= w) < 0) return kind;
  return 'whole';
}

async function httpSpeech(target: SoakTarget, text: string, signal: AbortSignal): Promise<SoakEvent> {
  const started = performance.now();
  const event: SoakEvent = { at: 0, kind: 'http', startedAt: started, errors: [] };
  try {
    const res = await fetch(`${target.httpUrl}/v1/audio/speech`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${target.token()}` },
      body: JSON.stringify({ model: 'tts-1', input: text, voice: 'alloy', response_format: 'opus' }),
      signal: AbortSignal.any([signal, AbortSignal.timeout(120_000)]),
    });
    if (res.status !== 200 || res.body === null) {
      event.errors.push(`http_${res.status}`);
      await res.arrayBuffer().catch(() => undefined);
    } else {
      let bytes = 0;
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (bytes === 0) event.httpFirstByteMs = performance.now() - started;
        bytes += value.byteLength;
      }
      if (bytes === 0) event.errors.push('http_empty');
    }
  } catch (err) {
    if (!signal.aborted) event.errors.push(`http_failed: ${err instanceof Error ? err.name : 'error'}`);
  }
  event.at = performance.now();
  return event;
}

export interface StreamOptions {
  index: number;
  target: SoakTarget;
  /** performance.now() after which no new action starts. */
  until: number;
  random: Random;
  pathological: PathologicalLevel;
  record: (event: SoakEvent) => void;
  signal: AbortSignal;
}

/**
 * A listener gives a pathological text this long: "800 comma-separated numbers" is some 27 minutes of
 * speech. Stopping while its audio still flows is the listener's choice, not a gateway error.
 */
const PATHOLOGICAL_LISTEN_MS = 60_000;
/** Audio counts as still flowing when a frame came within this long before the client stopped. */
const STILL_SPEAKING_GAP_MS = 5_000;

export async function runSoakStream(o: StreamOptions): Promise<void> {
  const odd = pathologicalTexts(o.pathological);
  let connection: BenchConnection | undefined;
  let lastUsedAt = 0;
  let seq = 0;
  while (performance.now() < o.until && !o.signal.aborted) {
    const kind = pickKind(o.random, odd.length > 0);
    const paragraph = PARAGRAPHS[Math.floor(o.random() * PARAGRAPHS.length)] ?? '';
    if (kind === 'http') {
      o.record(await httpSpeech(o.target, paragraph, o.signal));
      continue;
    }
    try {
      if (kind === 'reconnect' || connection?.open !== true) {
        await connection?.close();
        connection = undefined;
        connection = await BenchConnection.connect(o.target.wsUrl, o.target.token(), o.signal);
        lastUsedAt = performance.now();
      }
    } catch (err) {
      if (o.signal.aborted) break;
      o.record({
        at: performance.now(),
        kind,
        errors: [`connect: ${err instanceof Error ? err.message : ''}`],
      });
      await sleep(500, undefined, { signal: o.signal }).catch(() => undefined);
      continue;
    }
    const text = kind === 'pathological' ? (odd[Math.floor(o.random() * odd.length)] ?? '') : paragraph;
    const mode = kind === 'tokens' ? 'tokens' : 'whole';
    const startedAt = performance.now();
    const plan: ContextPlan = {
      contextId: `s${o.index}-${++seq}`,
      mode,
      pieces: planPieces(text, mode, DEFAULT_PACE, Math.floor(o.random() * 2 ** 31)),
      format: 'opus',
      voice: undefined,
      // A cancel is a user interrupting: the bench connection cancels the context at its timeout.
      timeoutMs:
        kind === 'cancel'
          ? 150 + Math.floor(o.random() * 1000)
          : kind === 'pathological'
            ? PATHOLOGICAL_LISTEN_MS
            : 180_000,
    };
    const rec = await connection.runContext(plan, o.signal);
    if (o.signal.aborted) break;
    const at = performance.now();
    const last = rec.arrivals.at(-1);
    const stillSpeaking =
      kind === 'pathological' &&
      rec.errors.length === 1 &&
      rec.errors[0] === 'timeout' &&
      last !== undefined &&
      at - last < STILL_SPEAKING_GAP_MS;
    const stoppedByClient = kind === 'cancel' || stillSpeaking;
    const event: SoakEvent = {
      at,
      kind,
      startedAt,
      idleBeforeMs: Math.round(startedAt - lastUsedAt),
      frames: rec.arrivals.length,
      errors: stoppedByClient ? rec.errors.filter((e) => e !== 'timeout') : rec.errors,
    };
    if (stillSpeaking) event.stillSpeaking = true;
    lastUsedAt = at;
    const first = rec.arrivals[0];
    if (first !== undefined && mode === 'whole' && kind !== 'pathological')
      event.ttfaMs = first - rec.textStartAt;
    if (first !== undefined && mode === 'tokens' && rec.firstSentenceTextAt !== undefined)
      event.sentenceToAudioMs = Math.max(0, first - rec.firstSentenceTextAt);
    o.record(event);
  }
  await connection?.close();
}
