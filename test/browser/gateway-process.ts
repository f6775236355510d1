/**
 * The REAL gateway as its own process (`node dist/src/cli/main.js serve`, as an operator runs it) on a
 * free loopback port, with an HS256 secret; tokens are signed here with node:crypto.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { freePort } from '../helpers/free-port.js';
import { fromRoot, projectRoot } from '../../src/util/paths.js';

export interface GatewayProcess {
  port: number;
  httpUrl: string;
  /** An HS256 token with scope 'tts' that the gateway accepts. */
  token(): string;
  stop(): Promise<void>;
}

function signHs256(secret: string): string {
  const now = Math.floor(Date.now() / 1000);
  const enc = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const body = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ sub: 'browser-test', tenant: 'browser-test', scope: 'tts', iat: now, exp: now + 900 })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

export async function startGateway(readyTimeoutMs = 90_000): Promise<GatewayProcess> {
  // SPEECHGATE_GATEWAY_MAIN points at another build of the CLI (it is run with the argument `serve`).
  const main = process.env.SPEECHGATE_GATEWAY_MAIN ?? fromRoot('dist', 'src', 'cli', 'main.js');
  if (!existsSync(main))
    throw new Error(`the gateway is not built (${main} missing): run "npm run build" first`);
  const port = await freePort();
  const secret = randomBytes(32).toString('hex');
  const child = spawn(process.execPath, [main, 'serve'], {
    cwd: projectRoot(),
    env: {
      ...process.env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      SPEECHGATE_DEMO: 'true',
      SPEECHGATE_JWT_SECRET: secret,
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
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `the gateway exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`,
      );
    }
    try {
      const res = await fetch(`${httpUrl}/readyz`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop(child);
      throw new Error(`the gateway was not ready within ${readyTimeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { port, httpUrl, token: () => signHs256(secret), stop: () => stop(child) };
}

function stop(child: ChildProcess): Promise<void> {
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
