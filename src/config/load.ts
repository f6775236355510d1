import { resolve } from 'node:path';
import { fromRoot } from '../util/paths.js';
import { readAuthConfig } from './auth-config.js';
import { EnvReader } from './env-reader.js';
import { readHttpApiConfig } from './http-config.js';
import { DEVICES, type Config, type LogLevel, type NodeEnv } from './types.js';

const NODE_ENVS: readonly NodeEnv[] = ['production', 'development', 'test'];
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const VOICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Thrown by `loadConfig`; `problems` holds one line per invalid variable, the message all of them. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    const s = problems.length === 1 ? '' : 's';
    super(
      `invalid configuration (${problems.length} problem${s}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Validates the whole environment at once and returns a deeply frozen Config, or throws ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const r = new EnvReader(env);
  const nodeEnv = r.oneOf('NODE_ENV', NODE_ENVS, 'development');
  const production = nodeEnv === 'production';

  const auth = readAuthConfig(r, production);
  const config = {
    env: { nodeEnv, production },
    log: { level: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info') },
    server: {
      host: r.raw('HOST') ?? '0.0.0.0',
      port: r.int('PORT'),
      demo: r.bool('SPEECHGATE_DEMO', !production),
      idleTimeoutSeconds: r.int('SPEECHGATE_IDLE_TIMEOUT_S'),
      shutdownGraceMs: r.int('SPEECHGATE_SHUTDOWN_GRACE_MS'),
    },
    http: readHttpApiConfig(r, production),
    redis: { url: readRedisUrl(r) },
    tts: {
      device: r.oneOf('SPEECHGATE_DEVICE', DEVICES, 'cpu'),
      threads: r.int('SPEECHGATE_THREADS'),
      workers: r.int('SPEECHGATE_WORKERS'),
      encoderThreads: r.int('SPEECHGATE_ENCODER_THREADS'),
      voicesDir: resolveVoicesDir(r),
      defaultVoice: readVoiceName(r),
    },
    limits: {
      maxConnectionsPerTenant: r.int('SPEECHGATE_MAX_CONNECTIONS_PER_TENANT'),
      maxContextsPerConnection: r.int('SPEECHGATE_MAX_CONTEXTS_PER_CONNECTION'),
      maxContextsPerTenant: r.int('SPEECHGATE_MAX_CONTEXTS_PER_TENANT'),
      charsPerMinute: r.int('SPEECHGATE_CHARS_PER_MINUTE'),
      maxMessageBytes: r.int('SPEECHGATE_MAX_MESSAGE_BYTES'),
      messagesPerSecond: r.int('SPEECHGATE_MESSAGES_PER_SECOND'),
      maxTextBufferChars: r.int('SPEECHGATE_MAX_TEXT_BUFFER_CHARS'),
    },
    cache: {
      maxBytes: r.int('SPEECHGATE_CACHE_MAX_BYTES'),
      ttlSeconds: r.int('SPEECHGATE_CACHE_TTL_S'),
    },
    backpressure: {
      highWaterBytes: r.int('SPEECHGATE_SEND_HIGH_WATER_BYTES'),
      hardLimitBytes: r.int('SPEECHGATE_SEND_HARD_LIMIT_BYTES'),
      slowConsumerTimeoutMs: r.int('SPEECHGATE_SLOW_CONSUMER_TIMEOUT_MS'),
    },
  };
  checkRelations(r, config);

  if (r.problems.length > 0 || !auth) throw new ConfigError(r.problems);
  return deepFreeze({ ...config, auth });
}

function checkRelations(r: EnvReader, c: Omit<Config, 'auth'>): void {
  if (c.backpressure.hardLimitBytes <= c.backpressure.highWaterBytes) {
    r.problem(
      'SPEECHGATE_SEND_HARD_LIMIT_BYTES',
      `must be greater than SPEECHGATE_SEND_HIGH_WATER_BYTES (${c.backpressure.highWaterBytes})`,
    );
  }
  if (c.limits.maxContextsPerTenant < c.limits.maxContextsPerConnection) {
    r.problem(
      'SPEECHGATE_MAX_CONTEXTS_PER_TENANT',
      `must be at least SPEECHGATE_MAX_CONTEXTS_PER_CONNECTION (${c.limits.maxContextsPerConnection})`,
    );
  }
}

function readRedisUrl(r: EnvReader): string | undefined {
  const value = r.raw('REDIS_URL');
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below; the URL may carry a password, so it is never echoed
  }
  if (url?.protocol !== 'redis:' && url?.protocol !== 'rediss:') {
    r.problem('REDIS_URL', 'must be a redis:// or rediss:// URL');
    return undefined;
  }
  return value;
}

function resolveVoicesDir(r: EnvReader): string {
  const value = r.raw('SPEECHGATE_VOICES_DIR');
  return value === undefined ? fromRoot('models', 'voices') : resolve(value);
}

function readVoiceName(r: EnvReader): string | undefined {
  const value = r.raw('SPEECHGATE_DEFAULT_VOICE');
  if (value !== undefined && !VOICE_NAME.test(value)) {
    r.badValue('SPEECHGATE_DEFAULT_VOICE', 'must be a voice name (letters, digits, "_", ".", "-")');
    return undefined;
  }
  return value;
}

function deepFreeze<T>(value: T): T {
  // Typed arrays cannot be frozen; the secret stays mutable but is only read.
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
