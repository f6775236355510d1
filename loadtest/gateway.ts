/**
 * The gateway the bench starts itself: `node <cli> serve` as an operator runs it, on a free loopback
 * port, with an HS256 secret of its own, the cache off unless asked, and limits high enough that the
 * limiter never refuses the load being measured.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { freePort } from '../test/helpers/free-port.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { fromRoot, projectRoot } from '../src/util/paths.js';
import { signBenchToken } from './jwt.js';

export interface OwnGatewayOptions {
  /** The CLI entry point, run with the argument `serve`. */
  main?: string;
  device: string;
  threads: number | undefined;
  cache: boolean;
  readyTimeoutMs?: number;
  signal?: AbortSignal;
  /** Variables set over the bench's own (e.g. NODE_ENV=production with a known secret). */
  env?: NodeJS.ProcessEnv;
}

export interface OwnGateway {
  readonly pid: number;
  readonly wsUrl: string;
  readonly httpUrl: string;
  /** A fresh token (scope 'tts', tenant 'bench') valid for `ttlSeconds`. */
  token(ttlSeconds: number): string;
  /** SIGTERM, then SIGKILL if it has not exited after 15 s. */
  stop(): Promise<void>;
}

const GENEROUS = '1000000';
const TAIL_CHARS = 4000;

export function defaultGatewayMain(): string {
  return fromRoot('dist', 'src', 'cli', 'main.js');
}

export function gatewayEnv(port: number, secret: string, options: OwnGatewayOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    SPEECHGATE_DEMO: 'false',
    SPEECHGATE_JWT_SECRET: secret,
    SPEECHGATE_DEVICE: options.device,
    SPEECHGATE_SHUTDOWN_GRACE_MS: '2000',
    SPEECHGATE_MAX_CONNECTIONS_PER_TENANT: GENEROUS,
    SPEECHGATE_MAX_CONTEXTS_PER_CONNECTION: '1024',
    SPEECHGATE_MAX_CONTEXTS_PER_TENANT: GENEROUS,
    SPEECHGATE_CHARS_PER_MINUTE: '1000000000',
    SPEECHGATE_MESSAGES_PER_SECOND: '100000',
  };
  if (!options.cache) env.SPEECHGATE_CACHE_MAX_BYTES = '0';
  if (options.threads !== undefined) env.SPEECHGATE_THREADS = String(options.threads);
  // Settings of the caller's own environment must not change what is measured.
  delete env.REDIS_URL;
  delete env.SPEECHGATE_JWT_PUBLIC_KEY;
  delete env.SPEECHGATE_JWKS_URL;
  delete env.SPEECHGATE_JWT_AUDIENCE;
  delete env.SPEECHGATE_JWT_ISSUER;
  return env;
}

export async function startOwnGateway(options: OwnGatewayOptions): Promise<OwnGateway> {
  const main = options.main ?? defaultGatewayMain();
  if (!existsSync(main))
    throw new Error(`the gateway is not built (${main} missing): run "npm run build" first`);
  const port = await freePort();
  const secret = randomBytes(32).toString('hex');
  const child = spawn(process.execPath, [main, 'serve'], {
    cwd: projectRoot(),
    env: { ...gatewayEnv(port, secret, options), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (data: Buffer): void => {
    output = (output + data.toString('utf8')).slice(-TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('error', () => undefined); // a failed spawn leaves pid undefined, reported just below
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the gateway process');

  const httpUrl = `http://127.0.0.1:${port}`;
  const stop = (): Promise<void> => stopChild(child, exited);
  try {
    await waitReady(child, httpUrl, options.readyTimeoutMs ?? 180_000, options.signal);
  } catch (err) {
    await stop();
    throw new Error(
      `${err instanceof Error ? err.message : String(err)}\n--- gateway output ---\n${output}`,
      {
        cause: err,
      },
    );
  }
  return {
    pid,
    httpUrl,
    wsUrl: `ws://127.0.0.1:${port}/v1/stream`,
    token: (ttlSeconds) => signBenchToken(secret, { tenant: 'bench', ttlSeconds }),
    stop,
  };
}

async function waitReady(
  child: ChildProcess,
  httpUrl: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the gateway exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    try {
      const res = await fetch(`${httpUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the gateway was not ready within ${timeoutMs} ms`);
    await sleep(200);
  }
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
  child.kill('SIGTERM');
  await exited;
  clearTimeout(kill);
}
