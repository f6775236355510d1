import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContextRecord } from './connection.js';
import type { LevelRun } from './level.js';
import { checkTargets, formatTable, summarizeLevel } from './report.js';

function record(
  id: string,
  textStartAt: number,
  arrivals: number[],
  extra: Partial<ContextRecord> = {},
): ContextRecord {
  return {
    contextId: id,
    mode: 'whole',
    characters: 100,
    textStartAt,
    arrivals,
    firstSentenceTextAt: textStartAt,
    doneAt: (arrivals[arrivals.length - 1] ?? textStartAt) + 1,
    serverTtfaMs: 40,
    errors: [],
    ...extra,
  };
}

function run(contexts: ContextRecord[], extra: Partial<LevelRun> = {}): LevelRun {
  return {
    contexts,
    connectErrors: [],
    wallMs: 2000,
    serverCpuSeconds: { before: 10, after: 11 },
    clientCpuMs: 100,
    ...extra,
  };
}

// 50 frames (1 s of audio) delivered in 499 ms: RTF about 2.
const fast = (from: number): number[] => Array.from({ length: 50 }, (_, n) => from + n * 10);

void test('a level adds up TTFA, RTF, gaps, underruns, CPU and errors from its contexts', () => {
  const late = fast(100);
  late[30] = 900; // needed at 100 + 100 + 600 = 800
  for (let n = 31; n < 50; n++) late[n] = 900;
  const level = summarizeLevel(
    8,
    'whole',
    run(
      [
        record('a', 0, fast(50)),
        record('b', 0, late),
        record('c', 0, [], { doneAt: undefined, serverTtfaMs: undefined, errors: ['timeout'] }),
      ],
      { connectErrors: ['upgrade refused: HTTP 429'] },
    ),
    100,
  );
  assert.equal(level.contexts, 3);
  assert.equal(level.completed, 2);
  assert.equal(level.errors, 2);
  assert.deepEqual(level.error_codes, { timeout: 1, connect_failed: 1 });
  assert.deepEqual([level.ttfa_ms.count, level.ttfa_ms.min, level.ttfa_ms.max], [2, 50, 100]);
  assert.equal(level.server_ttfa_ms.count, 2);
  assert.equal(level.underrun_streams, 1);
  assert.equal(level.underrun_events, 1);
  assert.equal(level.underrun_ms_total, 100);
  assert.equal(level.frame_gap_ms.max, 510); // frame 29 at 390, frame 30 at 900
  assert.equal(level.audio_ms_total, 2000);
  assert.ok(Math.abs((level.rtf.max ?? 0) - 1000 / 491) < 1e-9);
  assert.equal(level.server_cpu_percent, 50);
  assert.equal(level.server_cpu_ms_per_audio_s, 500); // 1 CPU second over 2 s of audio
  assert.equal(level.client_cpu_percent, 5);
  assert.deepEqual(level.per_context[2]?.ttfa_ms, null);
});

void test('a level without contexts reports no CPU rather than a division by nearly nothing', () => {
  const level = summarizeLevel(
    1,
    'whole',
    run([], { wallMs: 0.02, connectErrors: ['upgrade refused: HTTP 401'] }),
    100,
  );
  assert.equal(level.server_cpu_percent, null);
  assert.equal(level.server_cpu_ms_per_audio_s, null);
  assert.equal(level.client_cpu_percent, null);
  assert.deepEqual(level.connect_errors, ['upgrade refused: HTTP 401']);
});

void test('the table has a header, a rule and one row per level', () => {
  const level = summarizeLevel(1, 'tokens', run([record('a', 0, fast(40))]), 100);
  const lines = formatTable([level, level]).split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[0] ?? '', /^streams +mode +contexts +TTFA p50 +p95 +p99 .* errors$/);
  assert.match(lines[2] ?? '', /^ +1 +tokens +1 +40 +40 +40 /);
});

void test('targets: TTFA in whole mode, sentence-to-audio in tokens mode, underruns at 8 streams', () => {
  const whole1 = summarizeLevel(1, 'whole', run([record('a', 0, fast(70))]), 100);
  const tokens1 = summarizeLevel(
    1,
    'tokens',
    run([record('a', 0, fast(500), { mode: 'tokens', firstSentenceTextAt: 450 })]),
    100,
  );
  const whole4 = summarizeLevel(4, 'whole', run([record('a', 0, fast(10))]), 100);
  const checks = checkTargets([whole1, tokens1, whole4]);
  assert.deepEqual(
    checks.map((c) => [c.target, c.streams, c.value, c.pass]),
    [
      ['TTFA p95 (ms)', 1, 70, false],
      ['sentence→audio p95 (ms)', 1, 50, true],
    ],
  );
  const eight = summarizeLevel(8, 'whole', run([record('a', 0, fast(20))]), 100);
  assert.deepEqual(
    checkTargets([eight]).map((c) => [c.target, c.pass]),
    [
      ['TTFA p95 (ms)', true],
      ['underrun streams', true],
    ],
  );
});

void test('barge-in: cancel → last frame and → cancelled per context, and a line under the table', () => {
  const level = summarizeLevel(
    4,
    'tokens',
    run([
      // Cancel at 100 ms; two frames were already on their way (110, 120), `cancelled` at 125.
      record('a', 0, [50, 60, 70, 110, 120], {
        doneAt: undefined,
        cancelSentAt: 100,
        cancelledAt: 125,
        framesAfterCancel: 2,
      }),
      // Nothing arrived after the cancel: 0, not negative.
      record('b', 0, [50, 60], {
        doneAt: undefined,
        cancelSentAt: 90,
        cancelledAt: 95,
        framesAfterCancel: 0,
      }),
      record('c', 0, fast(10)),
    ]),
    100,
  );
  assert.deepEqual(
    level.per_context.map((c) => [c.cancel_to_last_frame_ms, c.cancel_to_ack_ms, c.frames_after_cancel]),
    [
      [20, 25, 2],
      [0, 5, 0],
      [null, null, null],
    ],
  );
  assert.equal(level.cancel_to_last_frame_ms.count, 2);
  assert.equal(level.cancel_to_last_frame_ms.p95, 20);
  assert.match(formatTable([level]), /barge-in 4 tokens: 2 cancels, cancel→last frame p50 0 p95 20 ms/);
});
