import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { cpuPercent, parseMetricsCpuSeconds, parseProcStatTicks, procCpuProbe } from './cpu.js';

void test('utime + stime are read after the command name, even one with spaces and parentheses', () => {
  const stat = '1234 (node (my) app) S 1 1234 1234 0 -1 4194560 5000 0 0 0 250 75 0 0 20 0 11 0';
  assert.equal(parseProcStatTicks(stat), 325);
  assert.throws(() => parseProcStatTicks('1 (x) S'));
});

void test(
  "this process's CPU time from /proc grows as it works",
  { skip: process.platform !== 'linux' },
  async () => {
    assert.ok(parseProcStatTicks(readFileSync('/proc/self/stat', 'utf8')) >= 0);
    const probe = procCpuProbe(process.pid);
    const before = await probe.read();
    const until = Date.now() + 150;
    let spin = 0;
    while (Date.now() < until) spin++;
    const after = await probe.read();
    assert.ok(spin > 0);
    assert.ok(before !== undefined && after !== undefined && after > before);
    assert.equal(await procCpuProbe(2 ** 22 + 12345).read(), undefined);
  },
);

void test('process_cpu_seconds_total is found in a Prometheus exposition', () => {
  const text = [
    '# HELP process_cpu_user_seconds_total Total user CPU time spent in seconds.',
    'process_cpu_user_seconds_total 1.5',
    '# TYPE process_cpu_seconds_total counter',
    'process_cpu_seconds_total 2.75',
  ].join('\n');
  assert.equal(parseMetricsCpuSeconds(text), 2.75);
  assert.equal(parseMetricsCpuSeconds('process_cpu_seconds_total{instance="a"} 3\n'), 3);
  assert.equal(parseMetricsCpuSeconds('process_cpu_user_seconds_total 1.5\n'), undefined);
});

void test('CPU percent is CPU time over wall time, per core', () => {
  assert.equal(cpuPercent(10, 11.5, 1000), 150);
  assert.equal(cpuPercent(undefined, 1, 1000), null);
  assert.equal(cpuPercent(1, 2, 0), null);
});
