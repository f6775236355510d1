/**
 * `npm run bench`: the gateway under concurrent streaming load, measured on the client. Starts its own
 * gateway (or uses --url), runs each concurrency level and mode in turn, prints a table and optionally
 * writes JSON. Every loop is bounded: paragraphs or duration per level, a timeout per context.
 */
import { setMaxListeners } from 'node:events';
import { writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, totalmem, type } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { metricsCpuProbe, procCpuProbe, type CpuProbe } from './cpu.js';
import { startOwnGateway, type OwnGateway } from './gateway.js';
import { runLevel } from './level.js';
import { metricsUrl, parseBenchArgs, USAGE, UsageError, type BenchOptions } from './options.js';
import { PARAGRAPHS } from './paragraphs.js';
import { checkTargets, formatTable, formatTargets, summarizeLevel, type LevelSummary } from './report.js';

/** Pause between levels, so that one level's tail does not load the next one's start. */
const SETTLE_MS = 500;

interface Machine {
  os: string;
  arch: string;
  cpu_model: string;
  cpu_count: number;
  total_memory_bytes: number;
  free_memory_bytes: number;
  load_average: number[];
  node: string;
  device: string;
  threads: number | string;
}

function machine(options: BenchOptions): Machine {
  const list = cpus();
  return {
    os: `${type()} ${release()}`,
    arch: process.arch,
    cpu_model: list[0]?.model ?? 'unknown',
    cpu_count: list.length,
    total_memory_bytes: totalmem(),
    free_memory_bytes: freemem(),
    load_average: loadavg(),
    node: process.version,
    device: options.url === undefined ? options.device : 'unknown (--url)',
    threads: options.url === undefined ? (options.threads ?? 'gateway default') : 'unknown (--url)',
  };
}

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

interface Target {
  url: string;
  token: () => string;
  cpu: CpuProbe;
  own: OwnGateway | undefined;
}

async function openTarget(options: BenchOptions, signal: AbortSignal): Promise<Target> {
  if (options.url !== undefined) {
    const token = options.token ?? '';
    const cpu =
      options.serverPid !== undefined
        ? procCpuProbe(options.serverPid)
        : metricsCpuProbe(metricsUrl(options.url));
    return { url: options.url, token: () => token, cpu, own: undefined };
  }
  log(`starting a gateway (device ${options.device}, cache ${options.cache ? 'on' : 'off'})`);
  const own = await startOwnGateway({
    main: options.gatewayMain,
    device: options.device,
    threads: options.threads,
    cache: options.cache,
    signal,
  });
  log(`gateway ready on ${own.httpUrl} (pid ${own.pid})`);
  // A level opens its connections with a fresh token; an hour covers the longest level comfortably.
  return { url: own.wsUrl, token: () => own.token(3600), cpu: procCpuProbe(own.pid), own };
}

async function run(options: BenchOptions, signal: AbortSignal): Promise<void> {
  const startedAt = new Date().toISOString();
  const target = await openTarget(options, signal);
  const levels: LevelSummary[] = [];
  try {
    // One unmeasured context first, as the first requests after start allocate and warm up; with a text
    // the measured levels speak last, so that --cache does not start them with a hit.
    const warmUp = await runLevel(
      {
        ...levelPlan(options, target),
        streams: 1,
        mode: 'whole',
        paragraphs: 1,
        durationS: undefined,
        firstParagraph: PARAGRAPHS.length - 1,
      },
      signal,
    );
    // If that fails (wrong token, unknown voice, …) every level would fail the same way.
    const warmUpErrors = [...warmUp.connectErrors, ...warmUp.contexts.flatMap((c) => c.errors)];
    if (warmUpErrors.length > 0 && !signal.aborted)
      throw new Error(`the warm-up context failed: ${[...new Set(warmUpErrors)].join(', ')}`);
    for (const streams of options.streams) {
      for (const mode of options.modes) {
        if (signal.aborted) break;
        await sleep(SETTLE_MS);
        log(`${streams} stream(s), ${mode}…`);
        const result = await runLevel({ ...levelPlan(options, target), streams, mode }, signal);
        const summary = summarizeLevel(streams, mode, result, options.jitterBufferMs);
        levels.push(summary);
        const codes = Object.entries(summary.error_codes).map(([code, n]) => `${code} ×${n}`);
        log(
          `  ${summary.contexts} contexts, TTFA p95 ${summary.ttfa_ms.p95?.toFixed(0) ?? '-'} ms, ` +
            `${summary.errors} error(s)${codes.length > 0 ? `: ${codes.join(', ')}` : ''}`,
        );
        for (const reason of new Set(summary.connect_errors)) log(`  could not connect: ${reason}`);
      }
    }
  } finally {
    if (target.own) {
      log('stopping the gateway');
      await target.own.stop();
    }
  }

  const targets = checkTargets(levels);
  process.stdout.write(`\n${formatTable(levels)}\n`);
  if (targets.length > 0) process.stdout.write(`\n${formatTargets(targets)}\n`);
  const info = machine(options);
  process.stdout.write(
    `\n${info.cpu_model} × ${info.cpu_count}, node ${info.node}, device ${info.device}, ` +
      `format ${options.format}, jitter buffer ${options.jitterBufferMs} ms, server CPU from ${target.cpu.source}\n`,
  );
  if (options.json !== undefined) {
    const report = {
      tool: 'speechgate-bench',
      started_at: startedAt,
      finished_at: new Date().toISOString(),
      machine: info,
      options: {
        streams: options.streams,
        modes: options.modes,
        paragraphs_per_stream: options.paragraphs,
        duration_s: options.durationS ?? null,
        format: options.format,
        voice: options.voice ?? null,
        token_rate: { min: options.pace.minRate, max: options.pace.maxRate, jitter: options.pace.jitter },
        jitter_buffer_ms: options.jitterBufferMs,
        context_timeout_s: options.contextTimeoutS,
        barge_in_frames: options.bargeInFrames ?? null,
        seed: options.seed,
        cache: options.url === undefined ? options.cache : null,
        gateway: options.url === undefined ? 'own' : options.url,
        paragraph_count: PARAGRAPHS.length,
      },
      server_cpu_source: target.cpu.source,
      levels,
      targets,
    };
    writeFileSync(options.json, JSON.stringify(report, roundMicros, 2) + '\n');
    log(`wrote ${options.json}`);
  }
}

/** Milliseconds to the microsecond: finer digits are clock noise. */
function roundMicros(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value;
}

function levelPlan(options: BenchOptions, target: Target) {
  return {
    paragraphs: options.paragraphs,
    durationS: options.durationS,
    format: options.format,
    voice: options.voice,
    pace: options.pace,
    contextTimeoutMs: options.contextTimeoutS * 1000,
    ...(options.bargeInFrames === undefined ? {} : { cancelAfterFrames: options.bargeInFrames }),
    seed: options.seed,
    url: target.url,
    token: target.token(),
    cpu: target.cpu,
  };
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`bench: ${err.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }
  const abort = new AbortController();
  // Every connection and context of a level listens to it: well over the default warning threshold of 10.
  setMaxListeners(0, abort.signal);
  const onSignal = (): void => {
    if (abort.signal.aborted) process.exit(130);
    log('interrupted: finishing up (again to quit at once)');
    abort.abort();
    process.exitCode = 130;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await run(options, abort.signal);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
