/** The WebSocket subprotocol speechgate speaks. */
export const PROTOCOL_NAME = 'speechgate.v1';

/** Header and query values copied out of the upgrade request before any await. */
export interface TokenSources {
  authorization?: string;
  /** Raw `Sec-WebSocket-Protocol` header: a comma-separated list. */
  protocols?: string;
  /** Raw query string, with or without the leading `?`. */
  query?: string;
}

export type TokenVia = 'header' | 'protocol' | 'query';

const BEARER_HEADER = /^bearer[ \t]+(\S+)[ \t]*$/i;
const PROTOCOL_PREFIX = 'bearer.';

/**
 * Finds the bearer token: the Authorization header first, then a `bearer.<jwt>` subprotocol entry
 * (browsers cannot set headers on a WebSocket), then `?token=`.
 */
export function extractToken(src: TokenSources): { token: string; via: TokenVia } | undefined {
  const fromHeader = src.authorization?.trim().match(BEARER_HEADER)?.[1];
  if (fromHeader) return { token: fromHeader, via: 'header' };

  const fromProtocol = splitProtocols(src.protocols)
    .find((entry) => entry.toLowerCase().startsWith(PROTOCOL_PREFIX) && entry.length > PROTOCOL_PREFIX.length)
    ?.slice(PROTOCOL_PREFIX.length);
  if (fromProtocol) return { token: fromProtocol, via: 'protocol' };

  if (src.query) {
    const fromQuery = new URLSearchParams(src.query).get('token')?.trim();
    if (fromQuery) return { token: fromQuery, via: 'query' };
  }
  return undefined;
}

/** The subprotocol to echo in the upgrade response; never the token entry. */
export function selectProtocol(protocols: string): string | undefined {
  return splitProtocols(protocols).includes(PROTOCOL_NAME) ? PROTOCOL_NAME : undefined;
}

function splitProtocols(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}
