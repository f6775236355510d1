/**
 * The speechgate.v1 wire protocol (docs/PROTOCOL.md): the one definition of its messages. JSON text frames
 * carry control messages; binary frames carry audio (frame.ts). The gateway imports these types through
 * `@speechgate/client/protocol`, so server and client cannot drift; keep this file free of dependencies.
 */

export const PROTOCOL = 'speechgate.v1';

/**
 * 'mp3': MPEG audio (LAME, 64 kbit/s CBR, mono) at 16, 22.05, 24 (default) or 48 kHz. Each binary frame still
 * stands for 20 ms of the timeline but carries the MP3 bytes the encoder completed meanwhile (often none);
 * the payloads concatenated are one MP3 stream. See docs/PROTOCOL.md, "MP3".
 */
export type AudioEncoding = 'opus' | 'pcm_s16le' | 'mulaw' | 'alaw' | 'mp3';

export interface FormatSpec {
  encoding: AudioEncoding;
  sample_rate: number;
}

// ── client → server ─────────────────────────────────────────────────────────────────────────────
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

// ── server → client ─────────────────────────────────────────────────────────────────────────────
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
  /** Rates per encoding, the default first. */
  formats: Record<AudioEncoding, number[]>;
  limits: { max_contexts: number; max_message_bytes: number; chars_per_minute: number };
}
export interface WireWord {
  word: string;
  /** Offsets into the context's text, all text messages concatenated. */
  start: number;
  end: number;
  /** On the context's audio timeline (frame sequence × 20 ms). */
  start_ms: number;
  end_ms: number;
}
/** The gateway's name for a word of a `sentence` message. */
export type WordEvent = WireWord;
export interface SentenceMessage {
  type: 'sentence';
  context_id: string;
  index: number;
  start: number;
  end: number;
  audio_start_ms: number;
  duration_ms: number;
  cached: boolean;
  words: WireWord[];
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

const SERVER_TYPES: ReadonlySet<string> = new Set([
  'ready',
  'sentence',
  'flushed',
  'done',
  'cancelled',
  'error',
]);

/** Parses a text frame; undefined when it is not JSON or not a message type this client knows. */
export function parseServerMessage(text: string): ServerMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' && SERVER_TYPES.has(type) ? (value as ServerMessage) : undefined;
}

/** The audio frame duration every format uses. */
export const FRAME_MS = 20;
