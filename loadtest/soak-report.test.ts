import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SoakEvent } from './soak-clients.js';
import { formatSoakTable, minuteRow, soakVerdict } from './soak-report.js';

const MB = 1024 * 1024;
const ev = (e: Partial<SoakEvent>): SoakEvent => ({ at: 0, kind: 'whole', errors: [], ...e });

test('a minute row counts actions and errors and takes nearest-rank percentiles', () => {
  const events = [
    ...Array.from({ length: 19 }, (_, i) => ev({ ttfaMs: 10 + i })),
    ev({ ttfaMs: 500 }),
    ev({ kind: 'tokens', sentenceToAudioMs: 40, errors: ['timeout'] }),
    ev({ kind: 'http', httpFirstByteMs: 70 }),
  ];
  const row = minuteRow(3, events, 512 * MB);
  assert.deepEqual(row.actions, { whole: 20, tokens: 1, http: 1 });
  assert.equal(row.errors, 1);
  assert.equal(row.ttfaP50Ms, 19);
  assert.equal(row.ttfaP95Ms, 28);
  assert.equal(row.sentenceToAudioP95Ms, 40);
  assert.equal(row.httpFirstByteP95Ms, 70);
  assert.equal(row.rssMb, 512);
  const table = formatSoakTable([row]);
  assert.match(table, /\| 3 \| 20 \| 1 \| 1 \| 0 \| 0 \| 0 \| 1 \| 19 \/ 28 \| 40 \| 70 \| 512 \|/);
});

test('the verdict fails on errors, an exited gateway and RSS growth after minute 1 only', () => {
  const rows = [500, 560, 590, 540].map((rss, i) => minuteRow(i + 1, [ev({ ttfaMs: 20 })], rss * MB));
  assert.deepEqual(soakVerdict(rows, { rssGrowthMb: 100 }, undefined), []);
  assert.deepEqual(soakVerdict(rows.slice(1), { rssGrowthMb: 100 }, undefined), []);
  const grown = [...rows, minuteRow(5, [], 601 * MB)];
  assert.deepEqual(soakVerdict(grown, { rssGrowthMb: 100 }, undefined), [
    'RSS grew 101 MB after minute 1 (bound 100 MB)',
  ]);
  const failing = [...rows.slice(0, 2), minuteRow(3, [ev({ errors: ['http_500', 'x'] })], 500 * MB)];
  assert.deepEqual(soakVerdict(failing, { rssGrowthMb: 100 }, 'SIGKILL'), [
    'the gateway exited: SIGKILL',
    '2 errors',
  ]);
});
