import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { parseStat, subtree, treeCpuTicks, treeRss } from './proc-tree.js';

void describe('process tree', () => {
  it('parses a stat line whose command name holds spaces and parentheses', () => {
    const stat = '42 (node (a) b) S 7 42 42 0 -1 4194304 100 0 0 0 250 30 5 6 20 0 11 0 1000 0 0';
    assert.deepEqual(parseStat(42, stat), { pid: 42, ppid: 7, ticks: 280, reapedTicks: 11 });
  });

  it('collects descendants at any depth and nothing else', () => {
    const p = (pid: number, ppid: number) => ({ pid, ppid, ticks: pid, reapedTicks: 0 });
    const all = [p(1, 0), p(10, 1), p(11, 10), p(12, 11), p(20, 1), p(13, 10)];
    assert.deepEqual(
      subtree(10, all)
        .map((e) => e.pid)
        .sort((a, b) => a - b),
      [10, 11, 12, 13],
    );
    assert.deepEqual(subtree(99, all), []);
  });

  it('sums the memory of a real child process tree', async () => {
    // A shell with a child that holds memory: the tree is larger than the shell alone.
    const child = spawn(
      'sh',
      ['-c', `node -e "globalThis.b=Buffer.alloc(64<<20,1);setInterval(()=>{},1000)" & wait`],
      {
        stdio: 'ignore',
        detached: true, // its own process group, so that the grandchild is killed with it
      },
    );
    try {
      let rss = { bytes: 0, processes: 0 };
      for (let i = 0; i < 200 && rss.processes < 2; i++) {
        await new Promise((r) => setTimeout(r, 50));
        rss = await treeRss(child.pid!);
      }
      for (let i = 0; i < 200 && rss.bytes < 64 << 20; i++) {
        await new Promise((r) => setTimeout(r, 50));
        rss = await treeRss(child.pid!);
      }
      assert.equal(rss.processes, 2);
      assert.ok(rss.bytes >= 64 << 20, `tree RSS ${rss.bytes} holds the child's 64 MiB`);
      assert.ok((await treeCpuTicks(child.pid!))! >= 0);
    } finally {
      const exited = once(child, 'exit');
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
    }
  });
});
