/**
 * Cross-origin access to the HTTP API (SPEECHGATE_CORS_ORIGINS). The API authenticates with bearer
 * tokens, never cookies, so no credentials mode is needed; a listed origin is echoed with `Vary: Origin`.
 */
import type { Headers } from './http.js';

export type CorsOrigins = '*' | readonly string[] | undefined;

const ALLOW_METHODS = 'GET, POST, OPTIONS';
const ALLOW_HEADERS =
  'Authorization, Content-Type, OpenAI-Organization, OpenAI-Project, OpenAI-Beta, X-Stainless-Lang, X-Stainless-Package-Version, X-Stainless-OS, X-Stainless-Arch, X-Stainless-Runtime, X-Stainless-Runtime-Version, X-Stainless-Retry-Count, X-Stainless-Timeout';
const EXPOSE_HEADERS = 'Retry-After, X-Speechgate-Voice';
const MAX_AGE_SECONDS = '600';

/** Headers for an answer to a request from `origin` ('' when the request had no Origin header). */
export function corsHeaders(origins: CorsOrigins, origin: string): Headers {
  if (origins === undefined || origin === '') return {};
  if (origins === '*')
    return { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': EXPOSE_HEADERS };
  if (!origins.includes(origin)) return { Vary: 'Origin' };
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Expose-Headers': EXPOSE_HEADERS,
    Vary: 'Origin',
  };
}

/** The answer to a preflight: undefined when CORS is off or the origin is not allowed. */
export function preflightHeaders(origins: CorsOrigins, origin: string): Headers | undefined {
  const base = corsHeaders(origins, origin);
  if (!('Access-Control-Allow-Origin' in base)) return undefined;
  return {
    ...base,
    'Access-Control-Allow-Methods': ALLOW_METHODS,
    'Access-Control-Allow-Headers': ALLOW_HEADERS,
    'Access-Control-Max-Age': MAX_AGE_SECONDS,
  };
}
