/** The client's public data types: the wire messages in camelCase, as the API hands them out. */
import type { SpeechgateError } from './errors.js';
import type { AudioFrame } from './frame.js';
import type { AudioEncoding, DoneMessage, ReadyMessage, SentenceMessage, WireWord } from './protocol.js';

export interface AudioFormat {
  encoding: AudioEncoding;
  sampleRate: number;
}

export interface Voice {
  id: string;
  name: string;
  language: string;
  sampleRate: number;
}

/** What the gateway announced in `ready`. */
export interface ReadyInfo {
  protocol: string;
  sessionId: string;
  voices: Voice[];
  defaultVoice: string;
  /** Sample rates per encoding; the first is the one used when a context names none. */
  formats: Record<AudioEncoding, number[]>;
  limits: { maxContexts: number; maxMessageBytes: number; charsPerMinute: number };
}

export interface WordTiming {
  word: string;
  /** Offsets into the context's text (all sendText calls concatenated), end exclusive. */
  start: number;
  end: number;
  /** On the context's audio timeline. */
  startMs: number;
  endMs: number;
}

export interface AudioEvent extends AudioFrame {
  type: 'audio';
}

export interface SentenceEvent {
  type: 'sentence';
  index: number;
  start: number;
  end: number;
  audioStartMs: number;
  durationMs: number;
  cached: boolean;
  words: WordTiming[];
}

export interface FlushedEvent {
  type: 'flushed';
}

export interface DoneEvent {
  type: 'done';
  /** Measured by the server: first text of the context to its first audio frame leaving. */
  timeToFirstAudioMs: number | null;
  audioMs: number;
  characters: number;
  sentences: number;
  cacheHits: number;
  frames: number;
}

export interface CancelledEvent {
  type: 'cancelled';
}

/**
 * The gateway refused one message of a still-running context (e.g. `rate_limited` text: that text is
 * not spoken; send it again after `error.retryAfterSeconds`).
 */
export interface RefusedEvent {
  type: 'refused';
  error: SpeechgateError;
}

export type ContextEvent =
  AudioEvent | SentenceEvent | FlushedEvent | DoneEvent | CancelledEvent | RefusedEvent;

export function readyInfo(m: ReadyMessage): ReadyInfo {
  return {
    protocol: m.protocol,
    sessionId: m.session_id,
    voices: m.voices.map((v) => ({
      id: v.id,
      name: v.name,
      language: v.language,
      sampleRate: v.sample_rate,
    })),
    defaultVoice: m.default_voice,
    formats: m.formats,
    limits: {
      maxContexts: m.limits.max_contexts,
      maxMessageBytes: m.limits.max_message_bytes,
      charsPerMinute: m.limits.chars_per_minute,
    },
  };
}

export function wordTiming(w: WireWord): WordTiming {
  return { word: w.word, start: w.start, end: w.end, startMs: w.start_ms, endMs: w.end_ms };
}

export function sentenceEvent(m: SentenceMessage): SentenceEvent {
  return {
    type: 'sentence',
    index: m.index,
    start: m.start,
    end: m.end,
    audioStartMs: m.audio_start_ms,
    durationMs: m.duration_ms,
    cached: m.cached,
    words: m.words.map(wordTiming),
  };
}

export function doneEvent(m: DoneMessage): DoneEvent {
  return {
    type: 'done',
    timeToFirstAudioMs: m.time_to_first_audio_ms,
    audioMs: m.audio_ms,
    characters: m.characters,
    sentences: m.sentences,
    cacheHits: m.cache_hits,
    frames: m.frames,
  };
}
