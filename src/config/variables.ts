import { DEVICES } from './types.js';
import { usableCores } from './cpu-budget.js';

/**
 * Every environment variable speechgate reads, with its meaning and default. The loader reads
 * variables only through this table and `configHelp` renders it, so the two cannot drift apart.
 */

export interface IntRange {
  readonly default: number;
  readonly min: number;
  readonly max: number;
}

export interface Variable {
  readonly name: string;
  readonly group: string;
  readonly help: string;
  /** Default as shown in --help, for variables whose default is not a plain integer. */
  readonly defaultText?: string;
  /** Integer variables: default and inclusive range, enforced by the loader. */
  readonly int?: IntRange;
  /** Values that must never appear in errors or logs. */
  readonly secret?: boolean;
}

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

const int = (dflt: number, min: number, max: number): IntRange => ({ default: dflt, min, max });

/** One synthesis process per core: inference blocks the thread it runs on. */
export const DEFAULT_WORKERS = Math.min(8, usableCores());

/**
 * Encoding moves off the event loop from 8 cores up, one thread per 4 cores: resampling and Opus now cost
 * about 3 ms of CPU per audio second (npm run bench:cost), so a thread carries some 300 real-time streams, and a
 * 16-core host's 1,000-stream goal needs about 3 cores of it. On smaller machines a thread only competes with
 * inference.
 */
export const DEFAULT_ENCODER_THREADS = usableCores() >= 8 ? Math.floor(usableCores() / 4) : 0;

export const VARIABLES: readonly Variable[] = [
  // Server
  {
    name: 'PORT',
    group: 'Server',
    help: 'TCP port to listen on (0 picks a free port).',
    int: int(8080, 0, 65535),
  },
  { name: 'HOST', group: 'Server', help: 'Interface address to bind.', defaultText: '0.0.0.0' },
  {
    name: 'NODE_ENV',
    group: 'Server',
    help: 'production | development | test. Production requires real key material.',
    defaultText: 'development',
  },
  {
    name: 'LOG_LEVEL',
    group: 'Server',
    help: 'fatal | error | warn | info | debug | trace | silent.',
    defaultText: 'info',
  },
  {
    name: 'SPEECHGATE_DEMO',
    group: 'Server',
    help: 'Serve the demo page (true/false).',
    defaultText: 'true outside production, false in production',
  },
  {
    name: 'SPEECHGATE_CORS_ORIGINS',
    group: 'Server',
    help: 'Browser origins allowed to call the HTTP API: "*", a comma list of origins, or "off".',
    defaultText: '* outside production, off in production',
  },
  {
    name: 'SPEECHGATE_IDLE_TIMEOUT_S',
    group: 'Server',
    help: 'Close a connection after this many seconds without text in or audio out (0 disables).',
    int: int(120, 0, 3600),
  },
  {
    name: 'SPEECHGATE_SHUTDOWN_GRACE_MS',
    group: 'Server',
    help: 'On SIGTERM, time allowed for streams in progress to finish before connections are closed.',
    int: int(10_000, 0, 600_000),
  },

  // Authentication
  {
    name: 'SPEECHGATE_JWT_SECRET',
    group: 'Authentication',
    help: 'HS256 shared secret, at least 32 bytes. Set at most one of SECRET / PUBLIC_KEY / JWKS_URL.',
    defaultText: 'unset',
    secret: true,
  },
  {
    name: 'SPEECHGATE_JWT_PUBLIC_KEY',
    group: 'Authentication',
    help: 'PEM public key (RSA, EC P-256/384/521 or Ed25519) or a path to a .pem file; algorithms follow from the key type.',
    defaultText: 'unset',
  },
  {
    name: 'SPEECHGATE_JWKS_URL',
    group: 'Authentication',
    help: 'URL of a JSON Web Key Set (https in production, except on loopback).',
    defaultText: 'unset',
  },
  {
    name: 'SPEECHGATE_JWT_AUDIENCE',
    group: 'Authentication',
    help: 'Required "aud" claim; not checked when unset.',
    defaultText: 'unset',
  },
  {
    name: 'SPEECHGATE_JWT_ISSUER',
    group: 'Authentication',
    help: 'Required "iss" claim; not checked when unset.',
    defaultText: 'unset',
  },
  {
    name: 'SPEECHGATE_JWT_CLOCK_SKEW_S',
    group: 'Authentication',
    help: 'Tolerance in seconds when checking "exp" and "nbf".',
    int: int(30, 0, 600),
  },
  {
    name: 'SPEECHGATE_JWKS_COOLDOWN_S',
    group: 'Authentication',
    help: 'Minimum seconds between JWKS refetches triggered by an unknown "kid".',
    int: int(30, 0, 3600),
  },
  {
    name: 'SPEECHGATE_JWKS_CACHE_MAX_AGE_S',
    group: 'Authentication',
    help: 'Seconds after which cached JWKS keys are refetched.',
    int: int(600, 1, 86_400),
  },
  {
    name: 'SPEECHGATE_JWKS_TIMEOUT_MS',
    group: 'Authentication',
    help: 'Timeout for one JWKS request.',
    int: int(5000, 100, 60_000),
  },
  {
    name: 'SPEECHGATE_DEV_TOKEN_TTL_S',
    group: 'Authentication',
    help: 'Lifetime of the token printed at start when no key is configured (development only).',
    int: int(86_400, 60, 30 * 86_400),
  },

  // Redis
  {
    name: 'REDIS_URL',
    group: 'Redis',
    help: 'redis:// or rediss:// URL for the shared cache and limits; unset keeps them in process.',
    defaultText: 'unset',
    secret: true,
  },

  // Synthesis
  {
    name: 'SPEECHGATE_DEVICE',
    group: 'Synthesis',
    help: `ONNX execution provider: ${DEVICES.join(' | ')}.`,
    defaultText: 'cpu',
  },
  {
    name: 'SPEECHGATE_THREADS',
    group: 'Synthesis',
    help: 'ONNX Runtime intra-op threads per session.',
    int: int(1, 1, 256),
  },
  {
    name: 'SPEECHGATE_WORKERS',
    group: 'Synthesis',
    help:
      'Synthesis processes, each with its own ONNX sessions (a crash fails only its steps; it is replaced); on a ' +
      'GPU one drives the GPU and the others run the acoustic model on the CPU (0 runs inference on the main thread).',
    defaultText: `the usable CPU cores (affinity, cgroup quota), at most 8 (here ${DEFAULT_WORKERS})`,
    int: int(DEFAULT_WORKERS, 0, 64),
  },
  {
    name: 'SPEECHGATE_ENCODER_THREADS',
    group: 'Synthesis',
    help: 'Threads that resample and encode audio (0 encodes on the main thread).',
    defaultText: `a quarter of the CPU cores from 8 cores up, else 0 (here ${DEFAULT_ENCODER_THREADS})`,
    int: int(DEFAULT_ENCODER_THREADS, 0, 64),
  },
  {
    name: 'SPEECHGATE_VOICES_DIR',
    group: 'Synthesis',
    help: 'Directory holding the voice models.',
    defaultText: '<package root>/models/voices',
  },
  {
    name: 'SPEECHGATE_DEFAULT_VOICE',
    group: 'Synthesis',
    help: 'Voice used when a request names none (required when the voices folder holds several voices and no lj-en-us).',
    defaultText: 'lj-en-us, or the only voice',
  },
  {
    name: 'SPEECHGATE_VOICE_ALIASES',
    group: 'Synthesis',
    help: 'OpenAI voice names mapped to voices, e.g. "alloy=slt-en-us,nova=other"; unmapped OpenAI names use the default voice.',
    defaultText: 'none',
  },

  // Limits
  {
    name: 'SPEECHGATE_MAX_CONNECTIONS_PER_TENANT',
    group: 'Limits',
    help: 'Concurrent WebSocket connections per tenant.',
    int: int(20, 1, 1_000_000),
  },
  {
    name: 'SPEECHGATE_MAX_CONTEXTS_PER_CONNECTION',
    group: 'Limits',
    help: 'Concurrent synthesis contexts on one connection.',
    int: int(8, 1, 1024),
  },
  {
    name: 'SPEECHGATE_MAX_CONTEXTS_PER_TENANT',
    group: 'Limits',
    help: 'Concurrent synthesis contexts across all connections of a tenant.',
    int: int(64, 1, 1_000_000),
  },
  {
    name: 'SPEECHGATE_CHARS_PER_MINUTE',
    group: 'Limits',
    help: 'Characters of text a tenant may submit per minute.',
    int: int(50_000, 1, 1_000_000_000),
  },
  {
    name: 'SPEECHGATE_MAX_MESSAGE_BYTES',
    group: 'Limits',
    help: 'Largest accepted client message or HTTP body, in bytes.',
    int: int(64 * KiB, 1 * KiB, 16 * MiB),
  },
  {
    name: 'SPEECHGATE_MESSAGES_PER_SECOND',
    group: 'Limits',
    help: 'Client messages per second per connection.',
    int: int(200, 1, 100_000),
  },
  {
    name: 'SPEECHGATE_MAX_TEXT_BUFFER_CHARS',
    group: 'Limits',
    help: 'Unspoken text a context may buffer before new text is refused.',
    int: int(20_000, 1, 10_000_000),
  },

  // Cache
  {
    name: 'SPEECHGATE_CACHE_MAX_BYTES',
    group: 'Cache',
    help: 'Audio cache size in bytes (0 disables the cache).',
    int: int(64 * MiB, 0, 1024 * GiB),
  },
  {
    name: 'SPEECHGATE_CACHE_TTL_S',
    group: 'Cache',
    help: 'Lifetime of a cached audio entry in seconds.',
    int: int(86_400, 1, 365 * 86_400),
  },

  // Backpressure
  {
    name: 'SPEECHGATE_SEND_HIGH_WATER_BYTES',
    group: 'Backpressure',
    help: 'Buffered outgoing bytes per connection above which synthesis pauses.',
    int: int(256 * KiB, 1 * KiB, 1 * GiB),
  },
  {
    name: 'SPEECHGATE_SEND_HARD_LIMIT_BYTES',
    group: 'Backpressure',
    help: 'Buffered outgoing bytes at which the connection is closed as a slow consumer; above the high-water mark.',
    int: int(4 * MiB, 1 * KiB, 1 * GiB),
  },
  {
    name: 'SPEECHGATE_SLOW_CONSUMER_TIMEOUT_MS',
    group: 'Backpressure',
    help: 'How long a connection may stay above the high-water mark before it is closed.',
    int: int(10_000, 100, 600_000),
  },
];

const byName = new Map(VARIABLES.map((v) => [v.name, v]));

/** The table entry for a variable; a name missing from the table is a programming error. */
export function variable(name: string): Variable {
  const found = byName.get(name);
  if (!found) throw new Error(`config: variable ${name} is not declared in VARIABLES`);
  return found;
}

/** SPEECHGATE_* variables set in the environment that speechgate does not know (likely typos). */
export function unknownVariables(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env)
    .filter((name) => name.startsWith('SPEECHGATE_') && !byName.has(name))
    .sort();
}
