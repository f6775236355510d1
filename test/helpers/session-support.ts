/**
 * Session tests without a network: an in-memory socket, a deterministic synthesizer, and the real
 * cache, limits, metrics and encoders.
 */
import { LocalEncoders } from '../../src/audio/frame-encoder.js';
import { Writable } from 'node:stream';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { MemoryPhraseCache } from '../../src/cache/memory.js';
import { loadConfig } from '../../src/config/index.js';
import { createLimits } from '../../src/limits/index.js';
import { createMetrics } from '../../src/metrics/index.js';
import { decodeAudioFrame, type AudioFrameHeader } from '../../src/protocol/frame-header.js';
import type { ServerMessage } from '../../src/protocol/messages.js';
import type { PhonemizedWord } from '../../src/text/frontend.js';
import {
  abortError,
  type PreparedPhrase,
  type SynthesisChunk,
  type Synthesizer,
  type SynthesizeOptions,
} from '../../src/tts/engine.js';
import { VoiceRegistry } from '../../src/tts/registry.js';
import { Session } from '../../src/session/session.js';
import type { SessionTuning } from '../../src/session/host.js';
import type { GatewayDeps } from '../../src/gateway-deps.js';
import type { SessionSocket } from '../../src/session/types.js';

export type Frame = AudioFrameHeader & { payload: Uint8Array };
export type SocketEvent = { kind: 'message'; message: ServerMessage } | { kind: 'frame'; frame: Frame };

/** Records everything sent; `bufferedAmount` is whatever the test makes it. */
export class MemorySocket implements SessionSocket {
  readonly events: SocketEvent[] = [];
  closed: { code: number; reason: string } | undefined;
  buffered = 0;
  /** Bytes each send adds to `buffered`: a client that does not read. */
  growth = 0;
  private listeners = new Set<() => void>();

  sendText(text: string): boolean {
    this.events.push({ kind: 'message', message: JSON.parse(text) as ServerMessage });
    return this.sent(text.length);
  }

  sendBinary(bytes: Uint8Array): boolean {
    this.events.push({ kind: 'frame', frame: decodeAudioFrame(bytes) });
    return this.sent(bytes.length);
  }

  bufferedAmount(): number {
    return this.buffered;
  }

  close(code: number, reason: string): void {
    this.closed ??= { code, reason };
    this.notify();
  }

  messages(type?: ServerMessage['type']): ServerMessage[] {
    return this.events.flatMap((e) =>
      e.kind === 'message' && (type === undefined || e.message.type === type) ? [e.message] : [],
    );
  }

  frames(contextId?: string): Frame[] {
    return this.events.flatMap((e) =>
      e.kind === 'frame' && (contextId === undefined || e.frame.contextId === contextId) ? [e.frame] : [],
    );
  }

  /** Resolves once `ready()` holds, checked after every send and close; rejects after `timeoutMs`. */
  until(ready: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!ready()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
    });
  }

  /** Waits for a message of `type` (for `contextId`, if given) and returns it. */
  async next<T extends ServerMessage['type']>(
    type: T,
    contextId?: string,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const find = () =>
      this.messages(type).find(
        (m) => contextId === undefined || ('context_id' in m && m.context_id === contextId),
      );
    await this.until(() => find() !== undefined, `${type} ${contextId ?? ''}`);
    return find() as Extract<ServerMessage, { type: T }>;
  }

  private sent(bytes: number): boolean {
    this.buffered += this.growth > 0 ? this.growth + bytes : 0;
    this.notify();
    return true;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

export interface FakeVoiceOptions {
  id?: string;
  sampleRate?: number;
  /** Audio per word at speed 1. */
  wordMs?: number;
  /** Wait before each chunk; 0 yields to the event loop only. */
  delayMs?: number;
  /** A word (lower case, no punctuation) that makes synthesis throw. */
  failOn?: string;
}

/**
 * Deterministic stand-in for a voice: one chunk per word, a sine whose pitch depends on the word,
 * word timings on the first chunk. Honours the AbortSignal during its waits and counts its work.
 */
export class FakeVoice implements Synthesizer {
  readonly id: string;
  readonly name = 'Fake voice';
  readonly sampleRate: number;
  readonly modelHash = 'fake-model-1';
  chunksProduced = 0;
  synthesizeCalls = 0;
  /** What isOverloaded() answers: lets a test play a machine over capacity. */
  overloaded = false;
  abortedCalls = 0;
  private readonly wordMs: number;
  private readonly delayMs: number;

  constructor(private readonly options: FakeVoiceOptions = {}) {
    this.id = options.id ?? 'fake';
    this.sampleRate = options.sampleRate ?? 16000;
    this.wordMs = options.wordMs ?? 90;
    this.delayMs = options.delayMs ?? 0;
  }

  isOverloaded(): boolean {
    return this.overloaded;
  }

  prepare(text: string): PreparedPhrase {
    const words: PhonemizedWord[] = [];
    for (const match of text.matchAll(/\S+/g)) {
      const spoken = match[0].toLowerCase().replace(/[^a-z0-9']/g, '');
      if (spoken === '') continue;
      const start = match.index;
      const i = words.length;
      words.push({
        text: spoken,
        start,
        end: start + match[0].length,
        phonemes: [],
        source: 'dictionary',
        tokenStart: i + 1,
        tokenEnd: i + 2,
      });
    }
    return {
      text,
      spoken: words.map((w) => w.text).join(' '),
      ids: [0, ...words.map((_, i) => i + 1), 0],
      words,
    };
  }

  async *synthesize(phrase: PreparedPhrase, options: SynthesizeOptions = {}): AsyncIterable<SynthesisChunk> {
    this.synthesizeCalls++;
    const { signal } = options;
    const wordMs = this.wordMs / (options.speed ?? 1);
    const samples = Math.round((wordMs * this.sampleRate) / 1000);
    try {
      for (const [i, word] of phrase.words.entries()) {
        if (this.delayMs > 0) await sleep(this.delayMs, undefined, { signal });
        else await nextTurn(undefined, { signal });
        if (signal?.aborted) throw abortError(signal);
        if (word.text === this.options.failOn) throw new Error(`cannot say ${word.text}`);
        const frequency = 200 + (hash(word.text) % 600);
        const pcm = new Float32Array(samples);
        for (let n = 0; n < samples; n++)
          pcm[n] = 0.4 * Math.sin((2 * Math.PI * frequency * n) / this.sampleRate);
        this.chunksProduced++;
        const timing = {
          words: phrase.words.map((w, k) => ({
            word: w.text,
            start: w.start,
            end: w.end,
            startMs: k * wordMs,
            endMs: (k + 1) * wordMs,
          })),
          durationMs: phrase.words.length * wordMs,
        };
        yield i === 0 ? { pcm, timing } : { pcm };
      }
    } catch (err) {
      if (signal?.aborted) this.abortedCalls++;
      throw err;
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function hash(text: string): number {
  let h = 7;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
}

export interface Gateway {
  deps: GatewayDeps;
  cache: MemoryPhraseCache;
  logLines: string[];
  session(
    socket?: MemorySocket,
    tuning?: Partial<SessionTuning>,
    tenant?: string,
  ): { session: Session; socket: MemorySocket };
  close(): Promise<void>;
}

/** Real config (from `env`), cache, limits and metrics around the given voices. */
export function createGateway(voices: Synthesizer[], env: Record<string, string> = {}): Gateway {
  const config = loadConfig({ NODE_ENV: 'test', ...env });
  const metrics = createMetrics({ defaultMetrics: false });
  const cache = new MemoryPhraseCache({ maxBytes: config.cache.maxBytes, hooks: metrics.cacheHooks() });
  const limits = createLimits(config.limits, undefined, metrics.limitHooks());
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const deps: GatewayDeps = {
    config,
    voices: VoiceRegistry.of(voices),
    encoders: new LocalEncoders(),
    cache,
    limits,
    metrics,
    logger,
  };
  const sessions: Session[] = [];
  let n = 0;
  return {
    deps,
    cache,
    logLines,
    session(socket = new MemorySocket(), tuning = {}, tenant = 't1') {
      const principal = { tenant, subject: 'tester', scopes: new Set(['tts:stream']) };
      const session = new Session({ id: `s${++n}`, principal, socket, deps }, tuning);
      sessions.push(session);
      session.open();
      return { session, socket };
    },
    async close() {
      for (const s of sessions) s.close();
      await limits.close();
      await cache.close();
      metrics.close();
    },
  };
}

export function send(session: Session, message: unknown): void {
  session.handleMessage(new TextEncoder().encode(JSON.stringify(message)), false);
}

/** Lets pending callbacks and a few timer turns run. */
export async function settle(ms = 20): Promise<void> {
  await sleep(ms);
}
