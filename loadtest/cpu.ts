/**
 * The gateway's CPU time, so that a level's server CPU is (CPU seconds used) / (wall seconds). From
 * /proc when the bench knows the process: every thread of it and of its synthesis child processes (where
 * ONNX Runtime runs), otherwise from the Prometheus counter process_cpu_seconds_total on /metrics, which
 * sees the gateway process alone.
 */
import { execFileSync } from 'node:child_process';
import { treeCpuTicks } from './proc-tree.js';

/** The value of process_cpu_seconds_total in a Prometheus text exposition, if present. */
export function parseMetricsCpuSeconds(text: string): number | undefined {
  const line = /^process_cpu_seconds_total(?:\{[^}]*\})? (\S+)/m.exec(text);
  if (!line?.[1]) return undefined;
  const value = Number(line[1]);
  return Number.isFinite(value) ? value : undefined;
}

let ticksPerSecond: number | undefined;
function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100; // the value on every common Linux build
    }
  }
  return ticksPerSecond;
}

export interface CpuProbe {
  readonly source: 'proc' | 'metrics';
  /** CPU seconds the gateway has used so far, or undefined when it cannot be read. */
  read(): Promise<number | undefined>;
}

export function procCpuProbe(pid: number): CpuProbe {
  return {
    source: 'proc',
    read: async () => {
      const ticks = await treeCpuTicks(pid).catch(() => undefined);
      return ticks === undefined ? undefined : ticks / clockTicksPerSecond();
    },
  };
}

export function metricsCpuProbe(metricsUrl: string): CpuProbe {
  return {
    source: 'metrics',
    read: async () => {
      try {
        const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) });
        const text = await res.text();
        return res.ok ? parseMetricsCpuSeconds(text) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** CPU use over an interval, in percent of one core (above 100 when several cores are busy). */
export function cpuPercent(
  cpuSecondsBefore: number | undefined,
  cpuSecondsAfter: number | undefined,
  wallMs: number,
): number | null {
  if (cpuSecondsBefore === undefined || cpuSecondsAfter === undefined || wallMs <= 0) return null;
  return ((cpuSecondsAfter - cpuSecondsBefore) * 1000 * 100) / wallMs;
}
