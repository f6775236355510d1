/**
 * `npm run soak -- --minutes N --streams N`: the gateway (started here, CPU, cache off) under mixed
 * clients for N minutes; each minute the RSS of the gateway and its synthesis processes (from /proc) and the clients' latencies are
 * sampled into a table. Exits 1 on any error, on the gateway exiting, or on RSS growth after the
 * first minute beyond --rss-growth-mb; stops at once if RSS passes --rss-abort-mb (the machine's
 * safety, not a result).
 *
 * Load: the default is 80 % of the 2-core capacity in the README's bench table (8 streams meet the
 * latency targets with no underrun, 16 underrun in half the streams: about 12), so 10 streams.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startOwnGateway } from './gateway.js';
import { treeRss } from './proc-tree.js';
import { seededRandom } from './random.js';
import { runSoakStream, type PathologicalLevel, type SoakEvent } from './soak-clients.js';
import { formatSoakTable, minuteRow, soakVerdict, type MinuteRow } from './soak-report.js';

const CAPACITY_2_CORE_STREAMS = 12;
const MINUTE_MS = 60_000;

/** The gateway's RSS with its synthesis processes: they hold the models and the inference memory. */
async function rssOf(pid: number): Promise<number> {
  return (await treeRss(pid)).bytes;
}

function log(line: string): void {
  process.stderr.write(`soak: ${line}\n`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      streams: { type: 'string', default: String(Math.round(0.8 * CAPACITY_2_CORE_STREAMS)) },
      seed: { type: 'string', default: '1' },
      pathological: { type: 'string', default: 'full' },
      cache: { type: 'boolean', default: false },
      'rss-growth-mb': { type: 'string', default: '150' },
      'rss-abort-mb': { type: 'string', default: '6000' },
      json: { type: 'string' },
    },
  });
  const minutes = Number(values.minutes);
  const streams = Number(values.streams);
  const pathological = values.pathological as PathologicalLevel;
  if (!(minutes >= 1) || !(streams >= 1) || !['off', 'mild', 'full'].includes(pathological))
    throw new Error('usage: --minutes N (>= 1) --streams N (>= 1) [--pathological off|mild|full] [--cache]');
  const abortBytes = Number(values['rss-abort-mb']) * 1024 * 1024;

  const gw = await startOwnGateway({ device: 'cpu', threads: undefined, cache: values.cache });
  let exited: string | undefined;
  const alive = async (): Promise<boolean> => (await rssOf(gw.pid)) > 0;
  log(`gateway pid ${gw.pid}; ${streams} streams for ${minutes} min, pathological texts: ${pathological}`);

  const stop = new AbortController();
  const start = performance.now();
  const until = start + minutes * MINUTE_MS;
  const events: SoakEvent[] = [];
  const random = seededRandom(Number(values.seed));
  const target = { wsUrl: gw.wsUrl, httpUrl: gw.httpUrl, token: () => gw.token(minutes * 60 + 3600) };
  const running = Array.from({ length: streams }, async (_, index) => {
    await new Promise((r) => setTimeout(r, index * 250)); // no thundering herd at the start
    await runSoakStream({
      index,
      target,
      until,
      random: seededRandom(Math.floor(random() * 2 ** 31)),
      pathological,
      record: (e) => events.push(e),
      signal: stop.signal,
    });
  });

  const rows: MinuteRow[] = [];
  let taken = 0;
  for (let minute = 1; minute <= minutes && exited === undefined; minute++) {
    // RSS is watched every 5 s for the abort; the row takes the value at the end of the minute.
    while (performance.now() < start + minute * MINUTE_MS) {
      await new Promise((r) => setTimeout(r, 5000));
      if (!(await alive())) exited = 'process gone';
      else if ((await rssOf(gw.pid)) > abortBytes) exited = `aborted: RSS above ${values['rss-abort-mb']} MB`;
      if (exited !== undefined) break;
    }
    const slice = events.slice(taken);
    taken = events.length;
    const row = minuteRow(minute, slice, await rssOf(gw.pid));
    rows.push(row);
    log(
      `minute ${minute}: ${slice.length} actions, ${row.errors} errors, TTFA p95 ${row.ttfaP95Ms === null ? '–' : Math.round(row.ttfaP95Ms)} ms, RSS ${row.rssMb} MB`,
    );
  }
  stop.abort();
  await Promise.allSettled(running);
  await gw.stop();

  const errorSamples = [...new Set(events.flatMap((e) => e.errors))].slice(0, 20);
  // Enough to tell a gateway fault from a client's own choice: kind, timing, idle before, audio seen.
  const errorEvents = events
    .filter((e) => e.errors.length > 0)
    .slice(0, 50)
    .map((e) => ({
      ...e,
      minute: Math.ceil((e.at - start) / MINUTE_MS),
      durationMs: e.startedAt === undefined ? undefined : Math.round(e.at - e.startedAt),
    }));
  const stillSpeaking = events.filter((e) => e.stillSpeaking === true).length;
  log(`pathological texts still speaking when the listener stopped (not errors): ${stillSpeaking}`);
  console.log(formatSoakTable(rows));
  const problems = soakVerdict(rows, { rssGrowthMb: Number(values['rss-growth-mb']) }, exited);
  if (values.json !== undefined)
    await writeFile(
      values.json,
      JSON.stringify(
        { streams, minutes, pathological, rows, errorSamples, errorEvents, stillSpeaking, problems },
        null,
        2,
      ),
    );
  if (errorSamples.length > 0) console.error(`error kinds: ${errorSamples.join(', ')}`);
  for (const e of errorEvents.slice(0, 10))
    console.error(
      `  minute ${e.minute}: ${e.kind}, ${e.durationMs ?? '?'} ms, idle before ${e.idleBeforeMs ?? '–'} ms, ` +
        `${e.frames ?? 0} frames: ${e.errors.join(', ')}`,
    );
  for (const p of problems) console.error(`FAIL: ${p}`);
  if (problems.length === 0) console.error('OK: no error, RSS within bound');
  return problems.length === 0 ? 0 : 1;
}

process.exitCode = await main();
