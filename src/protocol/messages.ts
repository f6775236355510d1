/**
 * speechgate.v1 wire protocol (docs/PROTOCOL.md). JSON text frames carry control messages; binary frames
 * carry audio, one encoded 20 ms frame each, behind the header in frame-header.ts.
 */
import type { AudioEncoding } from '../audio/format.js';

export const PROTOCOL = 'speechgate.v1';

export interface FormatSpec {
  encoding: AudioEncoding;
  sample_rate: number;
}

// ── client → server ────────────────────────────────────────────────────────────────────────────────────
export interface StartMessage {
  type: 'start';
  context_id: string;
  voice?: string;
  format?: Partial<FormatSpec>;
  speed?: number;
}
export interface TextMessage {
  type: 'text';
  context_id: string;
  text: string;
}
export interface FlushMessage {
  type: 'flush';
  context_id: string;
}
export interface EndMessage {
  type: 'end';
  context_id: string;
}
export interface CancelMessage {
  type: 'cancel';
  context_id: string;
}
export type ClientMessage = StartMessage | TextMessage | FlushMessage | EndMessage | CancelMessage;

// ── server → client ────────────────────────────────────────────────────────────────────────────────────
export interface VoiceDescription {
  id: string;
  name: string;
  language: string;
  sample_rate: number;
}
export interface ReadyMessage {
  type: 'ready';
  protocol: typeof PROTOCOL;
  session_id: string;
  voices: VoiceDescription[];
  default_voice: string;
  formats: Record<AudioEncoding, number[]>;
  limits: { max_contexts: number; max_message_bytes: number; chars_per_minute: number };
}
export interface WordEvent {
  word: string;
  /** Offsets into the context's text, all text messages concatenated. */
  start: number;
  end: number;
  /** On the context's audio timeline (frame sequence × 20 ms). */
  start_ms: number;
  end_ms: number;
}
export interface SentenceMessage {
  type: 'sentence';
  context_id: string;
  index: number;
  start: number;
  end: number;
  audio_start_ms: number;
  duration_ms: number;
  cached: boolean;
  words: WordEvent[];
}
export interface FlushedMessage {
  type: 'flushed';
  context_id: string;
}
export interface DoneMessage {
  type: 'done';
  context_id: string;
  /** Milliseconds from the first text of the context to its first audio frame leaving the server. */
  time_to_first_audio_ms: number | null;
  audio_ms: number;
  characters: number;
  sentences: number;
  cache_hits: number;
  frames: number;
}
export interface CancelledMessage {
  type: 'cancelled';
  context_id: string;
}
export interface ErrorMessage {
  type: 'error';
  code: string;
  message: string;
  context_id?: string;
  /** True when the server closes the connection after this message. */
  fatal: boolean;
  retryable: boolean;
  retry_after_s?: number;
}
export type ServerMessage =
  ReadyMessage | SentenceMessage | FlushedMessage | DoneMessage | CancelledMessage | ErrorMessage;
