import { createHash } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { AuthError } from './errors.js';

export interface Principal {
  /** Sanitised: safe as a metrics label and as part of a cache or rate-limit key. */
  tenant: string;
  subject: string;
  scopes: ReadonlySet<string>;
  /** Token expiry in milliseconds since the epoch (comparable with Date.now()). */
  expiresAt?: number;
}

/** Scope required for the streaming WebSocket. */
export const SCOPE_STREAM = 'tts:stream';
/** Scope required for POST /v1/audio/speech. */
export const SCOPE_SPEECH = 'tts:speech';

const MAX_TENANT_LENGTH = 64;
const TENANT_SAFE = /^[A-Za-z0-9_.:-]+$/;
/** Hashed tenants carry this prefix; raw tenants that start with it are hashed too, so none collide. */
const HASHED_PREFIX = 'h:';

/**
 * Maps a tenant claim onto [A-Za-z0-9_.:-]{1,64}. Safe names pass unchanged; anything else becomes
 * `h:` plus 40 hex digits of its SHA-256, so distinct tenants stay distinct.
 */
export function sanitizeTenant(raw: string): string {
  const safe = raw.length <= MAX_TENANT_LENGTH && TENANT_SAFE.test(raw) && !raw.startsWith(HASHED_PREFIX);
  if (safe) return raw;
  return HASHED_PREFIX + createHash('sha256').update(raw, 'utf8').digest('hex').slice(0, 40);
}

/** `required` is granted by itself or by its parent scope: 'tts' grants 'tts:stream' and 'tts:speech'. */
export function hasScope(scopes: ReadonlySet<string>, required: string): boolean {
  if (scopes.has(required)) return true;
  for (let i = required.indexOf(':'); i > 0; i = required.indexOf(':', i + 1)) {
    if (scopes.has(required.slice(0, i))) return true;
  }
  return false;
}

/** Builds the principal from verified claims; throws AuthError('malformed') on unusable claims. */
export function principalFromClaims(payload: JWTPayload): Principal {
  const subject = optionalString(payload, 'sub');
  const tenant = optionalString(payload, 'tenant') ?? subject;
  if (tenant === undefined) throw new AuthError('malformed', { detail: 'no tenant or sub claim' });
  if (typeof payload.exp !== 'number') throw new AuthError('malformed', { detail: 'no exp claim' });
  return {
    tenant: sanitizeTenant(tenant),
    subject: subject ?? tenant,
    scopes: new Set([...scopeList(payload, 'scope'), ...scopeList(payload, 'scp')]),
    expiresAt: payload.exp * 1000,
  };
}

function optionalString(payload: JWTPayload, claim: string): string | undefined {
  const value = payload[claim];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string')
    throw new AuthError('malformed', { detail: `claim ${claim} is not a string` });
  return value;
}

/** Providers disagree: `scope` is usually a space-separated string, `scp` an array (Azure: a string). */
function scopeList(payload: JWTPayload, claim: string): string[] {
  const value = payload[claim];
  if (value === undefined) return [];
  if (typeof value === 'string') return value.split(' ').filter((s) => s !== '');
  if (Array.isArray(value) && value.every((s) => typeof s === 'string')) return value;
  throw new AuthError('malformed', { detail: `claim ${claim} is neither a string nor a list of strings` });
}
