import type { Histogram } from 'prom-client';

/**
 * Samples event-loop delay into a real histogram (the default nodejs_eventloop_lag_* gauges are
 * per-scrape percentiles, which cannot be aggregated across replicas). A timer asks to run every
 * `intervalMs`; how late it actually runs is the delay any callback would have seen.
 */
export function sampleEventLoopDelay(histogram: Histogram, intervalMs = 20): () => void {
  let expected = performance.now() + intervalMs;
  const timer = setInterval(() => {
    const now = performance.now();
    histogram.observe(Math.max(0, now - expected) / 1000);
    expected = now + intervalMs;
  }, intervalMs);
  timer.unref(); // a metrics sampler must never keep the process alive
  return () => clearInterval(timer);
}
