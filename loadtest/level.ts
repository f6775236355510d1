/**
 * One row of the report: N connections opened first, then released together, each speaking paragraphs one
 * context after another until its paragraph count or the level's duration is reached. The gateway's CPU
 * and the bench's own are sampled around the released part only.
 */
import { BenchConnection, type ContextPlan, type ContextRecord } from './connection.js';
import type { CpuProbe } from './cpu.js';
import type { BenchFormat, BenchMode } from './options.js';
import { PARAGRAPHS } from './paragraphs.js';
import { seededRandom } from './random.js';
import { llmTokens, tokenSchedule, type TokenPace } from './tokens.js';

export interface LevelPlan {
  streams: number;
  mode: BenchMode;
  paragraphs: number;
  durationS: number | undefined;
  format: BenchFormat;
  voice: string | undefined;
  pace: TokenPace;
  contextTimeoutMs: number;
  /** Barge-in: each context is cancelled after this many frames. */
  cancelAfterFrames?: number;
  seed: number;
  /** Stream s speaks paragraphs firstParagraph + s, + s + 1, … (mod the list). */
  firstParagraph?: number;
  url: string;
  token: string;
  cpu: CpuProbe;
}

export interface LevelRun {
  contexts: ContextRecord[];
  /** Connections that could not be opened, by reason. */
  connectErrors: string[];
  wallMs: number;
  serverCpuSeconds: { before: number | undefined; after: number | undefined };
  clientCpuMs: number;
}

/** The text pieces of one context: the paragraph whole, or its LLM tokens on their schedule. */
export function planPieces(
  text: string,
  mode: BenchMode,
  pace: TokenPace,
  seed: number,
): ContextPlan['pieces'] {
  if (mode === 'whole') return [{ text, at: 0 }];
  const random = seededRandom(seed);
  const tokens = llmTokens(text, random);
  const times = tokenSchedule(tokens.length, pace, random);
  return tokens.map((token, i) => ({ text: token, at: times[i] ?? 0 }));
}

export async function runLevel(plan: LevelPlan, signal: AbortSignal): Promise<LevelRun> {
  const opened = await Promise.allSettled(
    Array.from({ length: plan.streams }, () => BenchConnection.connect(plan.url, plan.token, signal)),
  );
  const connections: BenchConnection[] = [];
  const connectErrors: string[] = [];
  for (const result of opened) {
    if (result.status === 'fulfilled') connections.push(result.value);
    else connectErrors.push(result.reason instanceof Error ? result.reason.message : String(result.reason));
  }

  const contexts: ContextRecord[] = [];
  const cpuBefore = await plan.cpu.read();
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = plan.durationS === undefined ? Infinity : started + plan.durationS * 1000;
  // runContext never throws: every failure is recorded on its context.
  await Promise.all(
    connections.map(async (connection, stream) => {
      for (let n = 0; n < plan.paragraphs && performance.now() < deadline && !signal.aborted; n++) {
        if (!connection.open) break;
        const text = PARAGRAPHS[((plan.firstParagraph ?? 0) + stream + n) % PARAGRAPHS.length] ?? '';
        const seed = plan.seed * 1_000_003 + stream * 10_007 + n;
        const record = await connection.runContext(
          {
            contextId: `s${stream}-c${n}`,
            mode: plan.mode,
            pieces: planPieces(text, plan.mode, plan.pace, seed),
            format: plan.format,
            voice: plan.voice,
            timeoutMs: plan.contextTimeoutMs,
            ...(plan.cancelAfterFrames === undefined ? {} : { cancelAfterFrames: plan.cancelAfterFrames }),
          },
          signal,
        );
        contexts.push(record);
      }
    }),
  );
  const wallMs = performance.now() - started;
  const cpuAfter = await plan.cpu.read();
  const client = process.cpuUsage(clientBefore);
  await Promise.all(connections.map((c) => c.close()));
  return {
    contexts,
    connectErrors,
    wallMs,
    serverCpuSeconds: { before: cpuBefore, after: cpuAfter },
    clientCpuMs: (client.user + client.system) / 1000,
  };
}
