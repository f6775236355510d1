/**
 * Runs the REAL gateway as its own process, the way an operator starts it (`node dist/src/cli/main.js
 * serve`), on a free loopback port with an HS256 secret, and signs tokens for it with node:crypto.
 * The gateway must have been built at the repository root first (`npm run build` there).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface GatewayProcess {
  port: number;
  httpUrl: string;
  wsUrl: string;
  secret: string;
  /** An HS256 token the gateway accepts. */
  token(claims?: Record<string, unknown>): string;
  stop(): Promise<void>;
}

/** The speechgate repository root: the nearest ancestor whose package.json is named "speechgate". */
export function repositoryRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'speechgate')
      return dir;
  }
  throw new Error('speechgate repository root not found above the test file');
}

/** A port that was free a moment ago (bound to port 0, then released for the gateway to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

export function signHs256(secret: string, claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(
    JSON.stringify({
      sub: 'client-test',
      tenant: 'client-test',
      scope: 'tts',
      iat: now,
      exp: now + 600,
      ...claims,
    }),
  );
  const signature = b64url(createHmac('sha256', secret).update(`${header}.${payload}`).digest());
  return `${header}.${payload}.${signature}`;
}

export async function startGateway(
  env: Record<string, string> = {},
  readyTimeoutMs = 90_000,
): Promise<GatewayProcess> {
  const root = repositoryRoot();
  // SPEECHGATE_GATEWAY_MAIN points at another build of the CLI (it is run with the argument `serve`).
  const main = process.env.SPEECHGATE_GATEWAY_MAIN ?? join(root, 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(main))
    throw new Error(`the gateway is not built (${main} missing): run "npm run build" at the repository root`);
  const port = await freePort();
  const secret = randomBytes(32).toString('hex');
  const child = spawn(process.execPath, [main, 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      SPEECHGATE_JWT_SECRET: secret,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer): void => {
    output = (output + d.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const httpUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(child, `${httpUrl}/readyz`, readyTimeoutMs, () => output);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return {
    port,
    httpUrl,
    wsUrl: `ws://127.0.0.1:${port}/v1/stream`,
    secret,
    token: (claims = {}) => signHs256(secret, claims),
    stop: () => stopChild(child),
  };
}

async function waitUntilReady(
  child: ChildProcess,
  url: string,
  timeoutMs: number,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `the gateway exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output()}`,
      );
    }
    try {
      const res = await fetch(url);
      await res.arrayBuffer(); // drained, so no connection lingers
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`the gateway was not ready within ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
