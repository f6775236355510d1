import type { Logger } from 'pino';
import type { EncoderService } from '../audio/frame-encoder.js';
import type { Config } from '../config/index.js';
import type { PhraseCache } from '../cache/index.js';
import type { Limits } from '../limits/index.js';
import type { Metrics } from '../metrics/index.js';
import type { Principal } from '../auth/index.js';
import type { VoiceRegistry } from '../tts/registry.js';

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

/** Everything shared by all sessions of one gateway process. */
export interface GatewayDeps {
  config: Config;
  voices: VoiceRegistry;
  encoders: EncoderService;
  cache: PhraseCache;
  limits: Limits;
  metrics: Metrics;
  logger: Logger;
}

export interface SessionInit {
  id: string;
  principal: Principal;
  socket: SessionSocket;
  deps: GatewayDeps;
}
