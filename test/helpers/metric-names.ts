/**
 * The metric names the gateway really exports (from src/metrics, default process metrics included), and
 * the names a PromQL text refers to: for checking dashboards, rules and HPA configs against the code.
 */
import { createMetrics } from '../../src/metrics/index.js';

export interface ExportedMetrics {
  /** Every series name a scrape can contain (histograms as _bucket, _count and _sum). */
  series: Set<string>;
  /** The gateway's own metric families (speechgate_*), without histogram suffixes. */
  gatewayFamilies: string[];
}

export async function exportedMetrics(): Promise<ExportedMetrics> {
  const metrics = createMetrics();
  try {
    const families = await metrics.registry.getMetricsAsJSON();
    const series = new Set<string>();
    for (const f of families) {
      if (String(f.type) === 'histogram')
        for (const s of ['_bucket', '_count', '_sum']) series.add(f.name + s);
      else series.add(f.name);
    }
    return {
      series,
      gatewayFamilies: families.map((f) => f.name).filter((n) => n.startsWith('speechgate_')),
    };
  } finally {
    metrics.close();
  }
}

/** Metric names in a PromQL expression or text: speechgate_*, process_* and nodejs_* identifiers. */
export function referencedMetrics(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/\b((?:speechgate|process|nodejs)_[a-z0-9_]+)\b/g)) names.add(m[1]!);
  return names;
}
