/**
 * The part of the WebSocket API the client uses. The browser's WebSocket and the `ws` package's both
 * fit it, so Node applications inject `ws` and browsers use the global one.
 */
import { PROTOCOL } from './protocol.js';

export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly protocol: string;
  readonly bufferedAmount: number;
  // `never` parameters accept any handler signature (DOM events, ws events); the client reads `data`,
  // `code` and `reason` defensively.
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** How the token travels: a `bearer.<jwt>` subprotocol (default; kept out of URLs and logs) or `?token=`. */
export type TokenTransport = 'protocol' | 'query';

export interface SocketTarget {
  url: string;
  protocols: string[];
}

/** The URL and subprotocols to open, with the token placed as `via` says. */
export function socketTarget(url: string, token: string | undefined, via: TokenTransport): SocketTarget {
  const protocols = [PROTOCOL];
  if (token === undefined || token === '') return { url, protocols };
  if (via === 'protocol') return { url, protocols: [PROTOCOL, `bearer.${token}`] };
  const parsed = new URL(url);
  parsed.searchParams.set('token', token);
  return { url: parsed.toString(), protocols };
}

export function defaultWebSocket(): WebSocketConstructor | undefined {
  const ctor = (globalThis as { WebSocket?: unknown }).WebSocket;
  return typeof ctor === 'function' ? (ctor as WebSocketConstructor) : undefined;
}

/** Binary message payload as bytes, whatever the implementation delivered (ArrayBuffer, view, Buffer). */
export function binaryData(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

export const OPEN = 1;
