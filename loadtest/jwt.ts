/** HS256 tokens for the gateway the bench starts itself, signed with node:crypto. */
import { createHmac } from 'node:crypto';

export interface BenchTokenOptions {
  tenant: string;
  ttlSeconds: number;
  /** Unix seconds; default now. */
  now?: number;
}

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT with scope 'tts', the tenant, iat and exp, signed with `secret` (the gateway's HS256 secret). */
export function signBenchToken(secret: string, options: BenchTokenOptions): string {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const claims = {
    sub: options.tenant,
    tenant: options.tenant,
    scope: 'tts',
    iat: now,
    exp: now + options.ttlSeconds,
  };
  const body = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
