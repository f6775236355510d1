import { createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ASYMMETRIC_ALGORITHMS, algorithmsForKey } from './key-algorithms.js';
import type { EnvReader } from './env-reader.js';
import type { AuthConfig } from './types.js';

const SECRET = 'SPEECHGATE_JWT_SECRET';
const PUBLIC_KEY = 'SPEECHGATE_JWT_PUBLIC_KEY';
const JWKS_URL = 'SPEECHGATE_JWKS_URL';
const KEY_SOURCES = [SECRET, PUBLIC_KEY, JWKS_URL];
const MIN_SECRET_BYTES = 32;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Reads the authentication section; key material is parsed here so a bad key stops the start. */
export function readAuthConfig(env: EnvReader, production: boolean): AuthConfig | undefined {
  const common = {
    audience: env.raw('SPEECHGATE_JWT_AUDIENCE'),
    issuer: env.raw('SPEECHGATE_JWT_ISSUER'),
    clockSkewSeconds: env.int('SPEECHGATE_JWT_CLOCK_SKEW_S'),
    devTokenTtlSeconds: env.int('SPEECHGATE_DEV_TOKEN_TTL_S'),
    jwks: {
      cooldownSeconds: env.int('SPEECHGATE_JWKS_COOLDOWN_S'),
      cacheMaxAgeSeconds: env.int('SPEECHGATE_JWKS_CACHE_MAX_AGE_S'),
      timeoutMs: env.int('SPEECHGATE_JWKS_TIMEOUT_MS'),
    },
  };

  const given = KEY_SOURCES.filter((name) => env.raw(name) !== undefined);
  if (given.length > 1) {
    env.problem(given.join(' + '), 'set only one source of key material');
    return undefined;
  }
  switch (given[0]) {
    case SECRET: {
      const secret = readSecret(env);
      return secret && { ...common, mode: 'secret', secret };
    }
    case PUBLIC_KEY: {
      const key = readPublicKey(env);
      return key && { ...common, mode: 'public_key', ...key };
    }
    case JWKS_URL: {
      const url = readJwksUrl(env, production);
      return url === undefined
        ? undefined
        : { ...common, mode: 'jwks', jwksUrl: url, algorithms: ASYMMETRIC_ALGORITHMS };
    }
    default:
      if (production) {
        env.problem(
          KEY_SOURCES.join(' / '),
          'NODE_ENV=production refuses to start without real key material; set one of them',
        );
        return undefined;
      }
      return { ...common, mode: 'dev', secret: new Uint8Array(randomBytes(MIN_SECRET_BYTES)) };
  }
}

function readSecret(env: EnvReader): Uint8Array | undefined {
  const bytes = new TextEncoder().encode(env.raw(SECRET));
  if (bytes.length < MIN_SECRET_BYTES) {
    env.problem(SECRET, `must be at least ${MIN_SECRET_BYTES} bytes long (it has ${bytes.length})`);
    return undefined;
  }
  return bytes;
}

/** Accepts PEM text (literal `\n` escapes allowed, as env files often carry them) or a file path. */
function readPublicKey(
  env: EnvReader,
): Pick<Extract<AuthConfig, { mode: 'public_key' }>, 'publicKeyPem' | 'algorithms'> | undefined {
  const value = env.raw(PUBLIC_KEY) ?? '';
  let pem: string;
  if (value.includes('-----BEGIN')) {
    pem = value.replaceAll('\\n', '\n');
  } else {
    try {
      pem = readFileSync(value, 'utf8');
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      env.badValue(PUBLIC_KEY, `is neither PEM text nor a readable file (${why})`);
      return undefined;
    }
  }
  if (pem.includes('PRIVATE KEY')) {
    env.problem(PUBLIC_KEY, 'holds a private key; configure only the public key (BEGIN PUBLIC KEY)');
    return undefined;
  }
  let key;
  try {
    key = createPublicKey(pem);
  } catch {
    env.problem(PUBLIC_KEY, 'is not a valid PEM public key or certificate');
    return undefined;
  }
  const algorithms = algorithmsForKey(key);
  if ('problem' in algorithms) {
    env.problem(PUBLIC_KEY, algorithms.problem);
    return undefined;
  }
  return { publicKeyPem: key.export({ type: 'spki', format: 'pem' }).toString(), algorithms };
}

function readJwksUrl(env: EnvReader, production: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(env.raw(JWKS_URL) ?? '');
  } catch {
    env.badValue(JWKS_URL, 'is not a valid URL');
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    env.badValue(JWKS_URL, 'must be an http(s) URL');
    return undefined;
  }
  if (production && url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    env.badValue(JWKS_URL, 'must use https in production (plain http is allowed only on loopback)');
    return undefined;
  }
  return url.href;
}
