/**
 * What a level's raw records add up to (the JSON), the table printed on stdout, and the check against the
 * gateway's latency targets.
 */
import type { ContextRecord } from './connection.js';
import { cpuPercent } from './cpu.js';
import type { LevelRun } from './level.js';
import type { BenchMode } from './options.js';
import { FRAME_MS, frameGaps, simulatePlayback } from './player.js';
import { summarize, type Summary } from './stats.js';

export interface ContextSummary {
  context_id: string;
  characters: number;
  frames: number;
  audio_ms: number;
  ttfa_ms: number | null;
  sentence_to_audio_ms: number | null;
  server_ttfa_ms: number | null;
  rtf: number | null;
  frame_gap_max_ms: number | null;
  underruns: number;
  starved_ms: number;
  /** Barge-in: cancel sent → last frame of the context received (0: none arrived after it). */
  cancel_to_last_frame_ms: number | null;
  /** Barge-in: cancel sent → `cancelled` received. */
  cancel_to_ack_ms: number | null;
  frames_after_cancel: number | null;
  errors: string[];
}

export interface LevelSummary {
  streams: number;
  mode: BenchMode;
  contexts: number;
  completed: number;
  errors: number;
  error_codes: Record<string, number>;
  connect_errors: string[];
  /** First text sent to first frame received. */
  ttfa_ms: Summary;
  /** Text that completed the first spoken sentence sent, to first frame received. */
  sentence_to_audio_ms: Summary;
  /** As the gateway measured it (the `done` message). */
  server_ttfa_ms: Summary;
  /** Audio duration / wall time from first frame to `done`, per context. */
  rtf: Summary;
  frame_gap_ms: Summary;
  /** Barge-in contexts only (--barge-in): cancel sent → last frame received, and → `cancelled`. */
  cancel_to_last_frame_ms: Summary;
  cancel_to_ack_ms: Summary;
  frames_after_cancel: Summary;
  underrun_streams: number;
  underrun_events: number;
  underrun_ms_total: number;
  jitter_buffer_ms: number;
  audio_ms_total: number;
  wall_ms: number;
  server_cpu_percent: number | null;
  /**
   * Gateway CPU (its synthesis processes included) per second of audio delivered, in ms: the per-stream cost,
   * which needs no division by a stream count (÷10 = % of one core per real-time stream).
   */
  server_cpu_ms_per_audio_s: number | null;
  client_cpu_percent: number | null;
  per_context: ContextSummary[];
}

function summarizeContext(record: ContextRecord, jitterBufferMs: number): ContextSummary {
  const arrivals = record.arrivals.filter((t) => Number.isFinite(t));
  const first = arrivals[0];
  const audioMs = arrivals.length * FRAME_MS;
  const playback = simulatePlayback(arrivals, jitterBufferMs);
  const gaps = frameGaps(arrivals);
  const streamingMs = first !== undefined && record.doneAt !== undefined ? record.doneAt - first : 0;
  return {
    context_id: record.contextId,
    characters: record.characters,
    frames: arrivals.length,
    audio_ms: audioMs,
    ttfa_ms: first !== undefined && Number.isFinite(record.textStartAt) ? first - record.textStartAt : null,
    sentence_to_audio_ms:
      first !== undefined && record.firstSentenceTextAt !== undefined
        ? first - record.firstSentenceTextAt
        : null,
    server_ttfa_ms: record.serverTtfaMs ?? null,
    rtf: streamingMs > 0 ? audioMs / streamingMs : null,
    frame_gap_max_ms: gaps.length > 0 ? Math.max(...gaps) : null,
    underruns: playback.underruns,
    starved_ms: playback.starvedMs,
    ...cancelTimes(record),
    errors: record.errors,
  };
}

function cancelTimes(
  record: ContextRecord,
): Pick<ContextSummary, 'cancel_to_last_frame_ms' | 'cancel_to_ack_ms' | 'frames_after_cancel'> {
  const sent = record.cancelSentAt;
  if (sent === undefined || record.cancelledAt === undefined) {
    return { cancel_to_last_frame_ms: null, cancel_to_ack_ms: null, frames_after_cancel: null };
  }
  const last = Math.max(...record.arrivals.filter((t) => Number.isFinite(t)));
  return {
    cancel_to_last_frame_ms: Math.max(0, last - sent),
    cancel_to_ack_ms: record.cancelledAt - sent,
    frames_after_cancel: record.framesAfterCancel ?? 0,
  };
}

const values = (xs: ContextSummary[], pick: (c: ContextSummary) => number | null): number[] =>
  xs.map(pick).filter((v): v is number => v !== null);

export function summarizeLevel(
  streams: number,
  mode: BenchMode,
  run: LevelRun,
  jitterBufferMs: number,
): LevelSummary {
  const perContext = run.contexts.map((r) => summarizeContext(r, jitterBufferMs));
  const errorCodes: Record<string, number> = {};
  const codes = [...run.connectErrors.map(() => 'connect_failed'), ...perContext.flatMap((c) => c.errors)];
  for (const code of codes) errorCodes[code] = (errorCodes[code] ?? 0) + 1;
  const gaps = run.contexts.flatMap((r) => frameGaps(r.arrivals.filter((t) => Number.isFinite(t))));
  // Without a context the level took no time worth dividing by.
  const measured = run.contexts.length > 0 && run.wallMs > 0;
  const clientCpu = measured ? (run.clientCpuMs * 100) / run.wallMs : null;
  return {
    streams,
    mode,
    contexts: perContext.length,
    completed: run.contexts.filter((r) => r.doneAt !== undefined && r.errors.length === 0).length,
    errors: codes.length,
    error_codes: errorCodes,
    connect_errors: run.connectErrors,
    ttfa_ms: summarize(values(perContext, (c) => c.ttfa_ms)),
    sentence_to_audio_ms: summarize(values(perContext, (c) => c.sentence_to_audio_ms)),
    server_ttfa_ms: summarize(values(perContext, (c) => c.server_ttfa_ms)),
    rtf: summarize(values(perContext, (c) => c.rtf)),
    frame_gap_ms: summarize(gaps),
    cancel_to_last_frame_ms: summarize(values(perContext, (c) => c.cancel_to_last_frame_ms)),
    cancel_to_ack_ms: summarize(values(perContext, (c) => c.cancel_to_ack_ms)),
    frames_after_cancel: summarize(values(perContext, (c) => c.frames_after_cancel)),
    underrun_streams: perContext.filter((c) => c.underruns > 0).length,
    underrun_events: perContext.reduce((n, c) => n + c.underruns, 0),
    underrun_ms_total: perContext.reduce((n, c) => n + c.starved_ms, 0),
    jitter_buffer_ms: jitterBufferMs,
    audio_ms_total: perContext.reduce((n, c) => n + c.audio_ms, 0),
    wall_ms: run.wallMs,
    server_cpu_percent: measured
      ? cpuPercent(run.serverCpuSeconds.before, run.serverCpuSeconds.after, run.wallMs)
      : null,
    server_cpu_ms_per_audio_s: measured ? cpuPerAudioSecond(run, perContext) : null,
    client_cpu_percent: clientCpu,
    per_context: perContext,
  };
}

function cpuPerAudioSecond(run: LevelRun, contexts: readonly ContextSummary[]): number | null {
  const { before, after } = run.serverCpuSeconds;
  const audioMs = contexts.reduce((n, c) => n + c.audio_ms, 0);
  if (before === undefined || after === undefined || audioMs <= 0) return null;
  return ((after - before) * 1000) / (audioMs / 1000);
}

// ── table ──────────────────────────────────────────────────────────────────────────────────────────────

interface Column {
  title: string;
  cell: (s: LevelSummary) => string;
}

const ms = (v: number | null): string => (v === null ? '-' : v.toFixed(0));
const fixed =
  (digits: number) =>
  (v: number | null): string =>
    v === null ? '-' : v.toFixed(digits);

const COLUMNS: Column[] = [
  { title: 'streams', cell: (s) => String(s.streams) },
  { title: 'mode', cell: (s) => s.mode },
  { title: 'contexts', cell: (s) => String(s.contexts) },
  { title: 'TTFA p50', cell: (s) => ms(s.ttfa_ms.p50) },
  { title: 'p95', cell: (s) => ms(s.ttfa_ms.p95) },
  { title: 'p99', cell: (s) => ms(s.ttfa_ms.p99) },
  { title: 'sent→audio p95', cell: (s) => ms(s.sentence_to_audio_ms.p95) },
  { title: 'RTF p50', cell: (s) => fixed(1)(s.rtf.p50) },
  { title: 'min', cell: (s) => fixed(1)(s.rtf.min) },
  { title: 'gap p95', cell: (s) => ms(s.frame_gap_ms.p95) },
  { title: 'max', cell: (s) => ms(s.frame_gap_ms.max) },
  { title: 'underrun streams', cell: (s) => `${s.underrun_streams}/${s.contexts}` },
  { title: 'underrun ms', cell: (s) => ms(s.underrun_ms_total) },
  { title: 'server CPU %', cell: (s) => fixed(0)(s.server_cpu_percent) },
  { title: 'CPU ms/audio s', cell: (s) => fixed(1)(s.server_cpu_ms_per_audio_s) },
  { title: 'bench CPU %', cell: (s) => fixed(0)(s.client_cpu_percent) },
  { title: 'errors', cell: (s) => String(s.errors) },
];

export function formatTable(levels: LevelSummary[]): string {
  const rows = [COLUMNS.map((c) => c.title), ...levels.map((l) => COLUMNS.map((c) => c.cell(l)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === 1 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  const [header, ...body] = rows;
  const table = [line(header ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  return [...table, ...levels.flatMap(bargeInLine)].join('\n');
}

/** A line per level run with --barge-in: how quickly a cancel silenced its context. */
function bargeInLine(s: LevelSummary): string[] {
  const last = s.cancel_to_last_frame_ms;
  if (last.count === 0) return [];
  const ack = s.cancel_to_ack_ms;
  return [
    `barge-in ${s.streams} ${s.mode}: ${last.count} cancels, cancel→last frame p50 ${ms(last.p50)} ` +
      `p95 ${ms(last.p95)} ms, cancel→cancelled p50 ${ms(ack.p50)} p95 ${ms(ack.p95)} ms, ` +
      `frames after cancel max ${ms(s.frames_after_cancel.max)}`,
  ];
}

// ── targets ────────────────────────────────────────────────────────────────────────────────────────────

export interface TargetCheck {
  target: string;
  streams: number;
  mode: BenchMode;
  value: number;
  limit: number;
  pass: boolean;
}

/** p95 first-audio latency at 1 and 8 streams, and no underrun at 8 (the targets are for a 2-core machine). */
const LATENCY_TARGETS = [
  { streams: 1, limitMs: 60 },
  { streams: 8, limitMs: 150 },
];
const UNDERRUN_STREAMS = 8;

/**
 * Whole mode is judged on TTFA; tokens mode on the time from the text that completed the first sentence,
 * since its TTFA also counts the tokens of that sentence arriving at the model's pace.
 */
export function checkTargets(levels: LevelSummary[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const level of levels) {
    const target = LATENCY_TARGETS.find((t) => t.streams === level.streams);
    const latency = level.mode === 'whole' ? level.ttfa_ms.p95 : level.sentence_to_audio_ms.p95;
    if (target && latency !== null) {
      checks.push({
        target: level.mode === 'whole' ? 'TTFA p95 (ms)' : 'sentence→audio p95 (ms)',
        streams: level.streams,
        mode: level.mode,
        value: latency,
        limit: target.limitMs,
        pass: latency <= target.limitMs,
      });
    }
    if (level.streams === UNDERRUN_STREAMS && level.contexts > 0) {
      checks.push({
        target: 'underrun streams',
        streams: level.streams,
        mode: level.mode,
        value: level.underrun_streams,
        limit: 0,
        pass: level.underrun_streams === 0,
      });
    }
  }
  return checks;
}

export function formatTargets(checks: TargetCheck[]): string {
  return checks
    .map(
      (c) =>
        `${c.pass ? 'PASS' : 'FAIL'}  ${c.target} at ${c.streams} stream(s), ${c.mode}: ` +
        `${Number.isInteger(c.value) ? c.value : c.value.toFixed(1)} (limit ${c.limit})`,
    )
    .join('\n');
}
