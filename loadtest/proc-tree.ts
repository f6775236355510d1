/**
 * A process and its descendants, read from /proc: the gateway runs synthesis in child processes, so its own
 * /proc/<pid> entry misses most of the memory and CPU a load puts on it.
 */
import { readdir, readFile } from 'node:fs/promises';

interface ProcEntry {
  readonly pid: number;
  readonly ppid: number;
  /** utime + stime of the process itself, in clock ticks. */
  readonly ticks: number;
  /** cutime + cstime: ticks of children it has waited for (exited ones no longer in the tree). */
  readonly reapedTicks: number;
}

/** The fields of /proc/<pid>/stat that matter here, from its text. */
export function parseStat(pid: number, stat: string): ProcEntry {
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const field = (i: number): number => {
    const value = Number(rest[i]);
    if (!Number.isFinite(value)) throw new Error('unexpected /proc/<pid>/stat format');
    return value;
  };
  return { pid, ppid: field(1), ticks: field(11) + field(12), reapedTicks: field(13) + field(14) };
}

async function allProcesses(): Promise<ProcEntry[]> {
  const names = await readdir('/proc').catch(() => [] as string[]);
  const entries = await Promise.all(
    names
      .filter((n) => /^\d+$/.test(n))
      .map(async (n) => {
        const stat = await readFile(`/proc/${n}/stat`, 'utf8').catch(() => undefined);
        return stat === undefined ? undefined : parseStat(Number(n), stat);
      }),
  );
  return entries.filter((e): e is ProcEntry => e !== undefined);
}

/** The root and every live descendant; empty when the root is gone. */
export function subtree(root: number, processes: readonly ProcEntry[]): ProcEntry[] {
  const byParent = new Map<number, ProcEntry[]>();
  for (const p of processes) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
  const top = processes.find((p) => p.pid === root);
  if (top === undefined) return [];
  const out: ProcEntry[] = [];
  const stack = [top];
  while (stack.length > 0) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(byParent.get(p.pid) ?? []));
  }
  return out;
}

/** CPU ticks used by the tree so far (live processes plus the children the root has reaped). */
export async function treeCpuTicks(root: number): Promise<number | undefined> {
  const tree = subtree(root, await allProcesses());
  if (tree.length === 0) return undefined;
  return tree.reduce((sum, p) => sum + p.ticks, 0) + tree[0]!.reapedTicks;
}

/** Resident memory of the tree in bytes (0 when the root is gone), and how many processes it has. */
export async function treeRss(root: number): Promise<{ bytes: number; processes: number }> {
  const tree = subtree(root, await allProcesses());
  const sizes = await Promise.all(
    tree.map(async (p) => {
      const status = await readFile(`/proc/${p.pid}/status`, 'utf8').catch(() => '');
      const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
      return kb === undefined ? 0 : Number(kb) * 1024;
    }),
  );
  return { bytes: sizes.reduce((a, b) => a + b, 0), processes: tree.length };
}
