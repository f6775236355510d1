/**
 * `npm run fuzz:protocol -- --messages 100000 [--seed 1] [--lanes 6] [--rss-growth-mb 300]`
 *
 * Starts the gateway as a child process (real voice, default limits), fuzzes it, prints the counts
 * and exits 1 on a crash, a 1006 (other than uWS's own cut after invalid UTF-8), a close outside the error table, a failed health check, or RSS
 * growth past the bound (from the warm sample, after a tenth of the messages, to the end).
 */
import { parseArgs } from 'node:util';
import { startFuzzGateway } from './protocol-gateway.js';
import { runProtocolFuzz, type FuzzReport } from './protocol-run.js';

const MB = 1024 * 1024;

export function verdict(report: FuzzReport, rssGrowthMb: number): string[] {
  const problems: string[] = [];
  if (report.crashed !== undefined) problems.push(`gateway crashed: ${report.crashed}`);
  // A text frame of invalid UTF-8 is cut by uWS itself, before any handler (docs/PROTOCOL.md): counted
  // apart; every other 1006 is a failure.
  const unexplained = report.abnormal1006 - report.abnormalAfterInvalidUtf8;
  if (unexplained > 0) problems.push(`${unexplained} connections ended with 1006 (not after invalid UTF-8)`);
  if (report.badCloseCount > 0) problems.push(`${report.badCloseCount} closes outside the error table`);
  if (report.hungCloses > 0) problems.push(`${report.hungCloses} connections never closed`);
  if (report.healthFailures > 0) problems.push(`${report.healthFailures} failed health checks`);
  const growth = (report.rss.final - report.rss.warm) / MB;
  if (growth > rssGrowthMb) problems.push(`RSS grew ${growth.toFixed(0)} MB (bound ${rssGrowthMb} MB)`);
  return problems;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '1' },
      lanes: { type: 'string', default: '6' },
      'rss-growth-mb': { type: 'string', default: '300' },
    },
  });
  const gw = await startFuzzGateway();
  const t0 = Date.now();
  let report: FuzzReport;
  try {
    report = await runProtocolFuzz(gw, {
      seed: Number(values.seed),
      messages: Number(values.messages),
      lanes: Number(values.lanes),
      sampleEvery: 200,
      onSample: (r) =>
        process.stderr.write(
          `  ${r.messagesSent} msgs, ${r.connections} conns, rss ${(r.rss.max / MB).toFixed(0)} MB max, ` +
            `1006: ${r.abnormal1006}, bad closes: ${r.badCloseCount}\n`,
        ),
    });
  } finally {
    await gw.stop();
  }
  const rssGrowthMb = Number(values['rss-growth-mb']);
  console.log(JSON.stringify({ ...report, wallSeconds: Math.round((Date.now() - t0) / 1000) }, null, 2));
  const problems = verdict(report, rssGrowthMb);
  if (report.crashed !== undefined) console.error(gw.output());
  for (const p of problems) console.error(`FAIL: ${p}`);
  if (problems.length === 0)
    console.error(
      `OK: no crash, no 1006 but the ${report.abnormalAfterInvalidUtf8} after invalid UTF-8, every server close from the error table`,
    );
  return problems.length === 0 ? 0 : 1;
}

process.exitCode = await main();
