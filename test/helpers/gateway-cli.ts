/**
 * A real gateway as its own process (`<main> serve`, as an operator runs it) on a chosen or free loopback
 * port, with an HS256 secret: for tests that kill, restart or install the gateway. Unlike
 * test/browser/gateway-process.ts the caller sets the environment (Redis, limits) and the binary.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { freePort } from './free-port.js';
import { fromRoot, projectRoot } from '../../src/util/paths.js';

export interface GatewayCliOptions {
  /** The CLI entry point (default: this checkout's dist/src/cli/main.js). */
  main?: string;
  /** Working directory (default: the project root). */
  cwd?: string;
  port?: number;
  /** HS256 secret shared by replicas (default: random). */
  secret?: string;
  /** Extra environment. */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

export interface GatewayCli {
  readonly port: number;
  readonly httpUrl: string;
  readonly wsUrl: string;
  readonly secret: string;
  readonly child: ChildProcess;
  /** The last 8 KB of stdout + stderr. */
  output(): string;
  readonly exited: Promise<number | null>;
  /** SIGTERM (drain), SIGKILL after `killAfterMs`. Resolves on exit. */
  stop(killAfterMs?: number): Promise<void>;
  /** SIGKILL now. Resolves on exit. */
  kill(): Promise<void>;
}

/** An HS256 JWT for `secret`, scope tts, for `tenant`, valid 15 minutes. */
export function signHs256(secret: string, tenant = 'e2e', extra: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const enc = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const claims = { sub: tenant, tenant, scope: 'tts', iat: now, exp: now + 900, ...extra };
  const body = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startGatewayCli(options: GatewayCliOptions = {}): Promise<GatewayCli> {
  const port = options.port ?? (await freePort());
  const secret = options.secret ?? randomBytes(32).toString('hex');
  const child = spawn(
    process.execPath,
    [options.main ?? fromRoot('dist', 'src', 'cli', 'main.js'), 'serve'],
    {
      cwd: options.cwd ?? projectRoot(),
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        SPEECHGATE_JWT_SECRET: secret,
        SPEECHGATE_WORKERS: '1',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.add(child);
  let output = '';
  const keep = (d: Buffer): void => {
    output = (output + d.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const httpUrl = `http://127.0.0.1:${port}`;
  const ended = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const stop = async (killAfterMs = 20_000): Promise<void> => {
    if (ended()) return;
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.kill('SIGTERM');
    await exited;
    clearTimeout(timer);
  };
  const kill = async (): Promise<void> => {
    if (ended()) return;
    child.kill('SIGKILL');
    await exited;
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  for (;;) {
    if (ended()) throw new Error(`the gateway exited (${child.exitCode ?? child.signalCode}):\n${output}`);
    try {
      const res = await fetch(`${httpUrl}/readyz`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await kill();
      throw new Error(`the gateway was not ready in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    port,
    httpUrl,
    wsUrl: `ws://127.0.0.1:${port}/v1/stream`,
    secret,
    child,
    output: () => output,
    exited,
    stop,
    kill,
  };
}
