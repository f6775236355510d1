import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usableCores } from './cpu-budget.js';

function cgroup(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'cgroup-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  return root;
}

test('a cgroup v2 quota caps the cores, rounded up', () => {
  const root = cgroup({ 'cpu.max': '250000 100000\n' });
  try {
    assert.equal(usableCores(root, 64), 3);
    assert.equal(usableCores(root, 2), 2, 'never more than the affinity mask allows');
  } finally {
    rmSync(root, { recursive: true });
  }
});

test('an unlimited v2 quota, a v1 quota, and no cgroup files at all', () => {
  const unlimited = cgroup({ 'cpu.max': 'max 100000' });
  const v1 = cgroup({ 'cpu/cpu.cfs_quota_us': '50000', 'cpu/cpu.cfs_period_us': '100000' });
  const v1Unlimited = cgroup({ 'cpu/cpu.cfs_quota_us': '-1', 'cpu/cpu.cfs_period_us': '100000' });
  try {
    assert.equal(usableCores(unlimited, 16), 16);
    assert.equal(usableCores(v1, 16), 1);
    assert.equal(usableCores(v1Unlimited, 16), 16);
    assert.equal(usableCores(join(unlimited, 'missing'), 8), 8);
  } finally {
    for (const root of [unlimited, v1, v1Unlimited]) rmSync(root, { recursive: true });
  }
});
