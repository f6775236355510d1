/**
 * How many cores this process may keep busy. os.availableParallelism() follows the CPU affinity mask but not a
 * cgroup CPU quota, so in a container limited to 2 CPUs on a 64-core node it says 64; thread counts derived
 * from it would then oversubscribe the quota. The quota is read from cgroup v2 (cpu.max) or v1
 * (cpu.cfs_quota_us / cpu.cfs_period_us); without one, the affinity count stands.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

export function usableCores(cgroupRoot = '/sys/fs/cgroup', affinity = availableParallelism()): number {
  const quota = cgroupQuota(cgroupRoot);
  return quota === undefined ? affinity : Math.max(1, Math.min(affinity, Math.ceil(quota)));
}

/** CPUs' worth of quota, or undefined when unlimited or unreadable. */
function cgroupQuota(root: string): number | undefined {
  const v2 = read(join(root, 'cpu.max'));
  if (v2 !== undefined) {
    const [quota, period] = v2.split(/\s+/);
    return ratio(quota, period);
  }
  return ratio(read(join(root, 'cpu', 'cpu.cfs_quota_us')), read(join(root, 'cpu', 'cpu.cfs_period_us')));
}

function ratio(quota: string | undefined, period: string | undefined): number | undefined {
  const q = Number(quota);
  const p = Number(period);
  return Number.isFinite(q) && q > 0 && Number.isFinite(p) && p > 0 ? q / p : undefined;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}
