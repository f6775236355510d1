/**
 * The soak's per-minute rows, its table and its verdict. Pure functions over recorded events and RSS
 * samples, so the pass/fail rules are unit-tested without a gateway.
 */
import type { SoakEvent, SoakKind } from './soak-clients.js';
import { summarize } from './stats.js';

export interface MinuteRow {
  minute: number;
  /** Actions finished in the minute, by kind. */
  actions: Partial<Record<SoakKind, number>>;
  errors: number;
  ttfaP50Ms: number | null;
  ttfaP95Ms: number | null;
  sentenceToAudioP95Ms: number | null;
  httpFirstByteP95Ms: number | null;
  /** The gateway's resident set size at the end of the minute. */
  rssMb: number;
}

export function minuteRow(minute: number, events: readonly SoakEvent[], rssBytes: number): MinuteRow {
  const actions: Partial<Record<SoakKind, number>> = {};
  for (const e of events) actions[e.kind] = (actions[e.kind] ?? 0) + 1;
  const ttfa = summarize(events.flatMap((e) => (e.ttfaMs === undefined ? [] : [e.ttfaMs])));
  const s2a = summarize(
    events.flatMap((e) => (e.sentenceToAudioMs === undefined ? [] : [e.sentenceToAudioMs])),
  );
  const http = summarize(events.flatMap((e) => (e.httpFirstByteMs === undefined ? [] : [e.httpFirstByteMs])));
  return {
    minute,
    actions,
    errors: events.reduce((n, e) => n + e.errors.length, 0),
    ttfaP50Ms: ttfa.p50,
    ttfaP95Ms: ttfa.p95,
    sentenceToAudioP95Ms: s2a.p95,
    httpFirstByteP95Ms: http.p95,
    rssMb: Math.round(rssBytes / (1024 * 1024)),
  };
}

const ms = (v: number | null): string => (v === null ? '–' : `${Math.round(v)}`);

export function formatSoakTable(rows: readonly MinuteRow[]): string {
  const lines = [
    '| min | whole | tokens | http | cancel | reconnect | odd | errors | TTFA p50/p95 ms | sent→audio p95 ms | http 1st byte p95 ms | RSS MB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const a = (k: SoakKind): number => r.actions[k] ?? 0;
    lines.push(
      `| ${r.minute} | ${a('whole')} | ${a('tokens')} | ${a('http')} | ${a('cancel')} | ${a('reconnect')} | ` +
        `${a('pathological')} | ${r.errors} | ${ms(r.ttfaP50Ms)} / ${ms(r.ttfaP95Ms)} | ` +
        `${ms(r.sentenceToAudioP95Ms)} | ${ms(r.httpFirstByteP95Ms)} | ${r.rssMb} |`,
    );
  }
  return lines.join('\n');
}

export interface SoakBounds {
  /** Allowed RSS growth from the end of the first minute (warm) to any later minute. */
  rssGrowthMb: number;
}

/** What fails the soak: any error, a gateway that exited, or RSS growth past the bound. */
export function soakVerdict(
  rows: readonly MinuteRow[],
  bounds: SoakBounds,
  gatewayExit: string | undefined,
): string[] {
  const problems: string[] = [];
  if (gatewayExit !== undefined) problems.push(`the gateway exited: ${gatewayExit}`);
  const errors = rows.reduce((n, r) => n + r.errors, 0);
  if (errors > 0) problems.push(`${errors} errors`);
  const warm = rows[0]?.rssMb;
  if (warm !== undefined) {
    const peak = Math.max(...rows.slice(1).map((r) => r.rssMb), warm);
    if (peak - warm > bounds.rssGrowthMb)
      problems.push(`RSS grew ${peak - warm} MB after minute 1 (bound ${bounds.rssGrowthMb} MB)`);
  }
  return problems;
}
