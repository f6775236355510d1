import type { Principal } from '../auth/index.js';
import type { GatewayDeps } from '../gateway-deps.js';

export type { GatewayDeps };

/**
 * What a session needs of its connection. uWS's WebSocket is adapted to this in src/server; tests use an
 * in-memory implementation, so session logic is tested without a network.
 */
export interface SessionSocket {
  /** Queue a text frame; false means it was buffered above the socket's limit (backpressure), not dropped. */
  sendText(text: string): boolean;
  sendBinary(bytes: Uint8Array): boolean;
  /** Bytes accepted but not yet written to the network. */
  bufferedAmount(): number;
  /** Close with a WebSocket close code; idempotent. */
  close(code: number, reason: string): void;
}

export interface SessionInit {
  id: string;
  principal: Principal;
  socket: SessionSocket;
  deps: GatewayDeps;
}
