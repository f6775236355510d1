import type { Config } from './types.js';

const REDACTED = '[redacted]';

/**
 * A JSON-safe copy of the config for the startup log: the HMAC secret and any Redis password are
 * replaced, so logging the whole object is safe.
 */
export function describeConfig(config: Config): unknown {
  const { auth, redis } = config;
  const safeAuth = 'secret' in auth ? { ...auth, secret: REDACTED } : auth;
  return {
    ...config,
    auth: safeAuth,
    redis: { url: redis.url === undefined ? undefined : redactUrl(redis.url) },
  };
}

function redactUrl(value: string): string {
  const url = new URL(value);
  if (url.password) url.password = REDACTED;
  return url.href;
}
