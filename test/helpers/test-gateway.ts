/**
 * The real gateway in-process on a free loopback port, for end-to-end tests: real config loading, real
 * auth (HS256 with a test secret), limits, cache, metrics and voices; logs captured in memory.
 */
import { SignJWT, type JWTPayload } from 'jose';
import type { DestinationStream } from 'pino';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/app/gateway.js';
import { openRuntime, type Runtime } from '../../src/app/runtime.js';
import type { GatewayDeps } from '../../src/gateway-deps.js';
import type { VoiceRegistry } from '../../src/tts/registry.js';

export const TEST_SECRET = 'speechgate-e2e-test-secret-0123456789abcdef';
const SECRET_BYTES = new TextEncoder().encode(TEST_SECRET);

/** Every log line the gateway wrote, as raw JSON text. */
export class LogCapture implements DestinationStream {
  readonly lines: string[] = [];
  write(msg: string): void {
    this.lines.push(msg);
  }
  records(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  get text(): string {
    return this.lines.join('');
  }
}

export interface TokenOptions {
  scope?: string;
  tenant?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  audience?: string;
  claims?: JWTPayload;
}

/** An HS256 token signed with the test secret. */
export function signToken(options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({
    scope: options.scope ?? 'tts',
    tenant: options.tenant ?? 'acme',
    ...options.claims,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('e2e')
    .setIssuedAt(now - 120)
    .setExpirationTime(now + (options.expiresIn ?? 300));
  if (options.audience !== undefined) jwt.setAudience(options.audience);
  return jwt.sign(SECRET_BYTES);
}

export interface TestGateway {
  readonly port: number;
  readonly httpUrl: string;
  readonly wsUrl: string;
  readonly gateway: Gateway;
  readonly deps: GatewayDeps;
  readonly config: Config;
  readonly logs: LogCapture;
  /** Shuts the gateway down (grace 0 by default) and closes its runtime (not the shared voices). */
  close(graceMs?: number): Promise<void>;
}

export interface StartOptions extends Omit<GatewayOptions, 'verifier'> {
  /** Extra environment variables for loadConfig. */
  env?: Record<string, string>;
  warmUp?: boolean;
}

export async function startTestGateway(
  voices: VoiceRegistry,
  options: StartOptions = {},
): Promise<TestGateway> {
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'debug',
    SPEECHGATE_JWT_SECRET: TEST_SECRET,
    SPEECHGATE_DEMO: 'false',
    ...options.env,
  });
  const logs = new LogCapture();
  const logger = createLogger({ level: config.log.level, destination: logs });
  let runtime: Runtime | undefined;
  try {
    runtime = await openRuntime(config, logger, {
      voices,
      defaultMetrics: false,
      redisConnectTimeoutMs: 1000,
    });
    const gateway = createGateway(runtime.deps, options);
    const port = await gateway.listen(0, '127.0.0.1');
    if (options.warmUp !== false) await gateway.warmUp();
    const opened = runtime;
    return {
      port,
      httpUrl: `http://127.0.0.1:${port}`,
      wsUrl: `ws://127.0.0.1:${port}/v1/stream`,
      gateway,
      deps: runtime.deps,
      config,
      logs,
      close: async (graceMs = 0) => {
        await gateway.shutdown(graceMs);
        await opened.close();
      },
    };
  } catch (err) {
    await runtime?.close();
    throw err;
  }
}
