/**
 * Debian's haproxy in front of gateways, for tests: a generated config on a free loopback port, HTTP mode
 * (WebSocket upgrades pass through as tunnels), health checks on /readyz every 250 ms so that a killed or
 * draining replica leaves the pool within half a second, and redispatch so a connection to a dead one is retried.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export interface Haproxy {
  readonly port: number;
  readonly wsUrl: string;
  stop(): Promise<void>;
}

export function haproxyConfig(port: number, backends: number[]): string {
  return [
    'global',
    '  maxconn 2000',
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 120s',
    '  timeout server 120s',
    '  timeout tunnel 1h',
    '  option redispatch',
    '  retries 3',
    'frontend speechgate',
    `  bind 127.0.0.1:${port}`,
    '  default_backend gateways',
    'backend gateways',
    '  balance roundrobin',
    '  option httpchk',
    // uWebSockets.js answers HTTP/1.0 with 505: the check must speak HTTP/1.1.
    '  http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host localhost',
    // A draining replica answers 503 at once; a slow answer on a busy machine is not a failure.
    '  timeout check 5s',
    '  default-server inter 250ms fall 2 rise 1',
    ...backends.map((p, i) => `  server g${i + 1} 127.0.0.1:${p} check`),
    '',
  ].join('\n');
}

export async function startHaproxy(backends: number[]): Promise<Haproxy> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'speechgate-haproxy-'));
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, haproxyConfig(port, backends));
  const check = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' });
  if (check.error) throw new Error(`haproxy not found (apt-get install haproxy): ${check.error.message}`);
  if (check.status !== 0) throw new Error(`haproxy rejected the config: ${check.stderr}${check.stdout}`);
  const child: ChildProcess = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-4000)));
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`haproxy exited: ${stderr}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) break;
    if (i > 100) throw new Error(`haproxy did not listen: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    wsUrl: `ws://127.0.0.1:${port}/v1/stream`,
    async stop() {
      process.off('exit', killOnExit);
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
