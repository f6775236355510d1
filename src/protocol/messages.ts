/**
 * speechgate.v1 message types. The definition lives in the client package (client/src/protocol.ts), which
 * the gateway imports, so the two sides share one contract; see docs/PROTOCOL.md.
 */
export { PROTOCOL } from '@speechgate/client/protocol';
export type {
  CancelledMessage,
  CancelMessage,
  ClientMessage,
  DoneMessage,
  EndMessage,
  ErrorMessage,
  FlushedMessage,
  FlushMessage,
  FormatSpec,
  ReadyMessage,
  SentenceMessage,
  ServerMessage,
  StartMessage,
  TextMessage,
  VoiceDescription,
  WordEvent,
} from '@speechgate/client/protocol';
