import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuPercent, parseMetricsCpuSeconds, procCpuProbe } from './cpu.js';

void test(
  "this process's CPU time from /proc grows as it works",
  { skip: process.platform !== 'linux' },
  async () => {
    const probe = procCpuProbe(process.pid);
    const before = await probe.read();
    // Spin for 80 ms of CPU time (not wall time, which a busy machine stretches): 8 ticks at 100 Hz.
    const start = process.cpuUsage();
    let spin = 0;
    while (process.cpuUsage(start).user + process.cpuUsage(start).system < 80_000) spin++;
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
