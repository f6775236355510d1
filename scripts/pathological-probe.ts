/**
 * Issue 10's table, re-run as a user would: a production-mode gateway (`NODE_ENV=production`, a real
 * HS256 key), each pathological text sent as one `text` message over WebSocket from its own tenant while a
 * healthy tenant keeps speaking short sentences. Per case: RSS of the whole process tree (gateway plus
 * synthesis processes) before, at peak and after, wall time, the result, and the healthy tenant's
 * time to first audio before and during the case.
 *
 *   npm run probe:pathological [-- --all] [--timeout-s 120] [--baseline-s 20] [--json /tmp/probe.json]
 *
 * Without --all: the texts of the issue's table and probe. Timings depend on the machine and its load.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { startOwnGateway, type OwnGateway } from '../loadtest/gateway.js';
import { signBenchToken } from '../loadtest/jwt.js';
import { treeRss } from '../loadtest/proc-tree.js';
import { percentile } from '../loadtest/stats.js';
import { PATHOLOGICAL_TEXTS } from '../src/text/pathological.js';

const MB = 2 ** 20;
const median = (values: readonly number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  ) ?? Number.NaN;
const FORMAT = { encoding: 'pcm_s16le', sample_rate: 24000 } as const;
const ISSUE_CASES: Record<string, string> = {
  '"1" * 3000': PATHOLOGICAL_TEXTS['a 3,000-digit number']!,
  '"$" + "9" * 400': PATHOLOGICAL_TEXTS['money with 400 digits']!,
  '"http://" + "a." * 800': PATHOLOGICAL_TEXTS['an endless dotted host']!,
  '800 comma-separated numbers': PATHOLOGICAL_TEXTS['800 comma-separated numbers']!,
  '"9" * 500': PATHOLOGICAL_TEXTS['a 500-digit number']!,
  'a 10,000-letter word': PATHOLOGICAL_TEXTS['a 10,000-letter word']!,
  'a markdown table': PATHOLOGICAL_TEXTS['a markdown table']!,
  'a code block': '```js\n' + PATHOLOGICAL_TEXTS['code']! + '\n```',
};
const HEALTHY = [
  'Your order shipped this morning.',
  'It arrives on Tuesday.',
  'Is there anything else I can help with?',
  'Thanks for calling, have a good day.',
  'The meeting moved to three o clock.',
];

interface Row {
  case: string;
  chars: number;
  result: string;
  audioS: number;
  wallS: number;
  rssBeforeMb: number;
  rssPeakGrowthMb: number;
  rssAfterGrowthMb: number;
  healthyTtfaMedianMs: number | null;
  healthySentences: number;
  healthz: number;
}

interface Outcome {
  /** `done`, `error:<code>`, `closed:<code>` (the connection ended first) or still speaking at the timeout. */
  result: string;
  audioSeconds: number;
  ttfaMs?: number;
}

/** One context on a fresh connection: start, the text, end; resolves when it finishes either way. */
async function speak(url: string, token: string, text: string, timeoutMs: number): Promise<Outcome> {
  const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` } });
  let frames = 0;
  let sentAt = 0;
  let ttfaMs: number | undefined;
  const outcome = await new Promise<Outcome>((resolve) => {
    const finish = (result: string): void => {
      clearTimeout(timer);
      resolve({ result, audioSeconds: frames * 0.02, ttfaMs });
    };
    const timer = setTimeout(() => finish('still speaking at the timeout'), timeoutMs);
    ws.on('error', () => undefined);
    ws.on('close', (code) => finish(`closed:${code}`));
    ws.on('unexpected-response', (_req, res) => finish(`refused:${res.statusCode}`));
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        ttfaMs ??= performance.now() - sentAt;
        frames++; // 20 ms each (docs/PROTOCOL.md)
        return;
      }
      const msg = JSON.parse((data as Buffer).toString('utf8')) as { type: string; code?: string };
      if (msg.type === 'ready') {
        ws.send(JSON.stringify({ type: 'start', context_id: 'c', format: FORMAT }));
        sentAt = performance.now();
        ws.send(JSON.stringify({ type: 'text', context_id: 'c', text }));
        ws.send(JSON.stringify({ type: 'end', context_id: 'c' }));
      } else if (msg.type === 'done') finish('done');
      else if (msg.type === 'error') finish(`error:${msg.code}`);
    });
  });
  ws.terminate();
  return outcome;
}

/** The healthy tenant: one short sentence after another until stopped; TTFA of each, with its end time. */
function healthyTenant(
  gw: OwnGateway,
  secret: string,
): { ttfas: { at: number; ms: number }[]; stop(): Promise<void> } {
  const ttfas: { at: number; ms: number }[] = [];
  let running = true;
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const token = signBenchToken(secret, { tenant: 'healthy', ttlSeconds: 600 });
      const out = await speak(gw.wsUrl, token, HEALTHY[i % HEALTHY.length]!, 30_000);
      if (out.ttfaMs !== undefined) ttfas.push({ at: performance.now(), ms: out.ttfaMs });
      await sleep(500);
    }
  })();
  return {
    ttfas,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      all: { type: 'boolean', default: false },
      'timeout-s': { type: 'string', default: '120' },
      'baseline-s': { type: 'string', default: '20' },
      json: { type: 'string' },
    },
  });
  const cases = values.all ? { ...ISSUE_CASES, ...PATHOLOGICAL_TEXTS } : ISSUE_CASES;
  const timeoutMs = Number(values['timeout-s']) * 1000;
  const secret = randomBytes(32).toString('hex');
  const gw = await startOwnGateway({
    device: 'cpu',
    threads: undefined,
    cache: false,
    env: { NODE_ENV: 'production', SPEECHGATE_JWT_SECRET: secret },
  });
  const rows: Row[] = [];
  try {
    const healthy = healthyTenant(gw, secret);
    await sleep(Number(values['baseline-s']) * 1000); // baseline: the healthy tenant alone
    const baseline = median(healthy.ttfas.map((t) => t.ms));
    console.log(
      `healthy tenant alone: TTFA median ${baseline.toFixed(0)} ms (${healthy.ttfas.length} sentences)`,
    );
    let n = 0;
    for (const [name, text] of Object.entries(cases)) {
      const before = (await treeRss(gw.pid)).bytes;
      let peak = before;
      const sampler = setInterval(() => {
        void treeRss(gw.pid).then((r) => (peak = Math.max(peak, r.bytes)));
      }, 250);
      const from = performance.now();
      const token = signBenchToken(secret, { tenant: `case-${n++}`, ttlSeconds: 600 });
      const out = await speak(gw.wsUrl, token, text, timeoutMs);
      const wallS = (performance.now() - from) / 1000;
      await sleep(2000); // let the synthesis processes hand memory back
      clearInterval(sampler);
      const after = (await treeRss(gw.pid)).bytes;
      const during = healthy.ttfas
        .filter((t) => t.at >= from && t.at <= from + wallS * 1000)
        .map((t) => t.ms);
      const health = await fetch(`${gw.httpUrl}/healthz`).then(
        (r) => r.status,
        () => 0,
      );
      const row: Row = {
        case: name,
        chars: text.length,
        result: out.result,
        audioS: Number(out.audioSeconds.toFixed(1)),
        wallS: Number(wallS.toFixed(1)),
        rssBeforeMb: Math.round(before / MB),
        rssPeakGrowthMb: Math.round((peak - before) / MB),
        rssAfterGrowthMb: Math.round((after - before) / MB),
        healthyTtfaMedianMs: during.length > 0 ? Math.round(median(during)) : null,
        healthySentences: during.length,
        healthz: health,
      };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
    await healthy.stop();
    console.log(`\nhealthy tenant alone: TTFA median ${baseline.toFixed(0)} ms\n`);
    console.log(
      '| text | result | audio s | wall s | tree RSS before | peak growth | growth after | healthy TTFA median (n) |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    const signed = (mb: number): string => `${mb >= 0 ? '+' : ''}${mb} MB`;
    for (const r of rows) {
      const ttfa = r.healthyTtfaMedianMs === null ? '-' : `${r.healthyTtfaMedianMs} ms`;
      console.log(
        `| ${r.case} | ${r.result} | ${r.audioS} | ${r.wallS} | ${r.rssBeforeMb} MB | ${signed(r.rssPeakGrowthMb)} | ` +
          `${signed(r.rssAfterGrowthMb)} | ${ttfa} (${r.healthySentences}) |`,
      );
    }
    if (values.json !== undefined)
      writeFileSync(values.json, JSON.stringify({ baselineTtfaMs: baseline, rows }, null, 2));
  } finally {
    await gw.stop();
  }
}

await main();
