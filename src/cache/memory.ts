import {
  CacheEvents,
  type CachedPhrase,
  type CacheStats,
  type PhraseCache,
  type PhraseCacheHooks,
} from './types.js';

/** Rough per-object costs of the JS side of an entry, so many tiny phrases still respect the cap. */
const ENTRY_OVERHEAD_BYTES = 256;
const FRAME_OVERHEAD_BYTES = 80;
const WORD_OVERHEAD_BYTES = 64;

interface Entry {
  value: CachedPhrase;
  bytes: number;
}

export interface MemoryPhraseCacheOptions {
  /** Upper bound for the sum of entry sizes (frame bytes plus estimated object overhead). */
  maxBytes: number;
  hooks?: PhraseCacheHooks;
}

/**
 * In-process LRU bounded by bytes. A Map keeps insertion order, so re-inserting on every hit makes
 * its first key the least recently used one.
 */
export class MemoryPhraseCache implements PhraseCache {
  readonly backend = 'memory' as const;
  private readonly entries = new Map<string, Entry>();
  private readonly events: CacheEvents;
  private readonly maxBytes: number;
  private usedBytes = 0;

  constructor(options: MemoryPhraseCacheOptions) {
    if (!(options.maxBytes >= 0)) throw new RangeError('maxBytes must be >= 0');
    this.maxBytes = options.maxBytes;
    this.events = new CacheEvents('memory', options.hooks);
  }

  get stats(): CacheStats {
    return this.events.stats;
  }

  /** Current accounted size, for tests and health output. */
  get sizeBytes(): number {
    return this.usedBytes;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, signal?: AbortSignal): Promise<CachedPhrase | undefined> {
    const entry = signal?.aborted ? undefined : this.entries.get(key);
    if (entry === undefined) {
      this.events.miss();
      return Promise.resolve(undefined);
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.events.hit();
    return Promise.resolve(entry.value);
  }

  set(key: string, value: CachedPhrase): Promise<void> {
    this.remove(key);
    const bytes = estimateBytes(key, value);
    if (bytes > this.maxBytes) return Promise.resolve();
    this.entries.set(key, { value: compact(value), bytes });
    this.usedBytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.usedBytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.usedBytes -= entry.bytes;
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.entries.clear();
    this.usedBytes = 0;
    return Promise.resolve();
  }

  private remove(key: string): void {
    const existing = this.entries.get(key);
    if (existing === undefined) return;
    this.entries.delete(key);
    this.usedBytes -= existing.bytes;
  }
}

function estimateBytes(key: string, value: CachedPhrase): number {
  let bytes = ENTRY_OVERHEAD_BYTES + key.length * 2;
  for (const frame of value.frames) bytes += frame.byteLength + FRAME_OVERHEAD_BYTES;
  for (const w of value.words) bytes += WORD_OVERHEAD_BYTES + w.word.length * 2;
  return bytes;
}

/**
 * Copies all frames into one fresh buffer. Frames handed in may be slices of a pooled or larger
 * buffer (Node's 8 KiB Buffer pool, an encoder's scratch space): keeping those alive would hold far
 * more memory than accounted, and the producer could overwrite them later.
 */
function compact(value: CachedPhrase): CachedPhrase {
  let total = 0;
  for (const frame of value.frames) total += frame.byteLength;
  const store = new Uint8Array(total);
  let at = 0;
  const frames = value.frames.map((frame) => {
    store.set(frame, at);
    const view = store.subarray(at, at + frame.byteLength);
    at += frame.byteLength;
    return view;
  });
  return { frames, words: value.words.map((w) => ({ ...w })), durationMs: value.durationMs };
}
