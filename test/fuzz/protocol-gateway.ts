/**
 * The gateway under fuzz: `node dist/src/cli/main.js serve` as a child process (so a crash is seen
 * as an exit, and its RSS is its own), with the real voice and the default limits, so refusals
 * are part of what is fuzzed.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultGatewayMain, gatewayEnv } from '../../loadtest/gateway.js';
import { signBenchToken } from '../../loadtest/jwt.js';
import { treeRss } from '../../loadtest/proc-tree.js';
import { freePort } from '../helpers/free-port.js';
import { projectRoot } from '../../src/util/paths.js';

export interface FuzzGateway {
  readonly pid: number;
  readonly wsUrl: string;
  readonly httpUrl: string;
  token(tenant: string): string;
  /** Exit code or signal once the process has ended without stop() being called. */
  readonly crashed: string | undefined;
  /** The last few KB of its stdout and stderr. */
  output(): string;
  /** Resident set size of the gateway and its synthesis processes, in bytes. */
  rss(): Promise<number>;
  stop(): Promise<void>;
}

/** The bench's environment with the limits set back to the gateway's defaults. */
function fuzzEnv(port: number, secret: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = gatewayEnv(port, secret, { device: 'cpu', threads: undefined, cache: true });
  for (const name of Object.keys(env)) {
    if (/^SPEECHGATE_(MAX_CONNECTIONS|MAX_CONTEXTS|CHARS_PER|MESSAGES_PER)/.test(name)) delete env[name];
  }
  return { ...env, LOG_LEVEL: 'error', NODE_ENV: 'production', ...extra };
}

export async function startFuzzGateway(extraEnv: Record<string, string> = {}): Promise<FuzzGateway> {
  const port = await freePort();
  const secret = randomBytes(32).toString('hex');
  const child = spawn(process.execPath, [defaultGatewayMain(), 'serve'], {
    cwd: projectRoot(),
    env: fuzzEnv(port, secret, extraEnv),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (d: Buffer): void => void (tail = (tail + d.toString('utf8')).slice(-8000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('error', () => undefined);
  let stopping = false;
  let crashed: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      if (!stopping) crashed = signal ?? `exit ${code}`;
      resolve();
    }),
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the gateway');
  const httpUrl = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    stopping = true;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.kill('SIGTERM');
    await exited;
    clearTimeout(kill);
  };

  for (let i = 0; ; i++) {
    if (crashed !== undefined) throw new Error(`the gateway exited before ready (${crashed}):\n${tail}`);
    try {
      const res = await fetch(`${httpUrl}/readyz`, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (i > 900) {
      await stop();
      throw new Error(`the gateway was not ready:\n${tail}`);
    }
    await sleep(200);
  }

  return {
    pid,
    httpUrl,
    wsUrl: `ws://127.0.0.1:${port}/v1/stream`,
    token: (tenant) => signBenchToken(secret, { tenant, ttlSeconds: 24 * 3600 }),
    get crashed() {
      return crashed;
    },
    output: () => tail,
    // The whole tree: synthesis runs in child processes, where most of the memory is.
    rss: async () => (await treeRss(pid)).bytes,
    stop,
  };
}
