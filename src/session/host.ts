import type { ServerMessage } from '../protocol/messages.js';
import type { SendGate } from './backpressure.js';
import type { GatewayDeps } from '../gateway-deps.js';

export interface SessionTuning {
  /** Text silent this long lets a context speak its buffered words before the sentence ends. */
  stallMs: number;
  /** Sentences synthesized ahead of the one being sent (their PCM is held in memory). */
  lookahead: number;
}

export const DEFAULT_TUNING: Readonly<SessionTuning> = { stallMs: 150, lookahead: 1 };

/** What a context needs of its session: the shared dependencies and the one outgoing socket. */
export interface ContextHost {
  readonly sessionId: string;
  readonly tenant: string;
  readonly deps: GatewayDeps;
  readonly gate: SendGate;
  readonly tuning: Readonly<SessionTuning>;
  sendMessage(message: ServerMessage): void;
  sendFrame(frame: Uint8Array): void;
  /** Counts, logs and reports an error to the client; never fatal for the connection. */
  reportError(err: unknown, contextId?: string): void;
  /** The context is over (done, cancelled, failed or closed) and holds nothing any more. */
  contextEnded(contextId: string): void;
}
