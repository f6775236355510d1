/**
 * Streaming mono sample-rate conversion. Rate pairs with a small reduced ratio (every pair the gateway uses)
 * go through the shared-table polyphase filter in polyphase.ts: no per-stream WASM, about a quarter of the
 * CPU. Other pairs, or `engine: 'libsamplerate'`, use the WASM build of libsamplerate (sinc converters, so
 * downsampling is band-limited). Notes on that package, which shape its wrapper:
 *
 * - Each `create()` instantiates a whole WASM module (~26 MB of linear memory, mostly untouched) whose
 *   converter state is a single global, so one module serves exactly one stream. Released modules are
 *   kept in a small idle pool and re-initialised for the next stream instead of being re-instantiated.
 * - Its `full` call never sets libsamplerate's end_of_input flag, so the tail that the sinc filter holds
 *   back is drained here by feeding silence and cutting the output at round(inputCount * ratio).
 */
import libsamplerate from '@alexanderolsen/libsamplerate-js';
import { SpeechgateError } from '../errors.js';
import { PolyphaseResampler, polyphaseTable } from './polyphase.js';

export type ResamplerEngine = 'polyphase' | 'libsamplerate';
export type ResamplerQuality = 'best' | 'medium' | 'fastest';

/** libsamplerate converter ids (SRC_SINC_BEST_QUALITY, ..._MEDIUM_QUALITY, ..._FASTEST). */
const CONVERTER: Record<ResamplerQuality, 0 | 1 | 2> = { best: 0, medium: 1, fastest: 2 };

export interface Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  /** Converts one chunk; the filter holds back a short tail until more input or `flush()`. */
  process(input: Float32Array): Float32Array;
  /**
   * Emits the held-back tail so that, since the previous flush, exactly round(n * out / in) samples
   * came out for n samples in; then starts afresh (the next segment is converted independently).
   */
  flush(): Float32Array;
  /** Returns the converter to the pool; idempotent. */
  destroy(): void;
}

export interface ResamplerOptions {
  /** Default 'polyphase' where the ratio allows it, libsamplerate otherwise. */
  engine?: ResamplerEngine;
  /** libsamplerate's converter; default 'medium': full-band sinc at ~1% of a core per 48 kHz stream. */
  quality?: ResamplerQuality;
}

/** The parts of the package's WASM module this wrapper drives. */
interface SrcModule {
  init(nChannels: number, converter: 0 | 1 | 2 | 3 | 4, inRate: number, outRate: number): number | void;
  sourceArray(length: number): Float32Array;
  targetArray(length: number): Float32Array;
  full(
    length: number,
    nChannels: number,
    converter: 0 | 1 | 2 | 3 | 4,
    inRate: number,
    outRate: number,
  ): number;
  destroy(): void;
}

/** Capacity (floats) of the module's fixed input and output transfer buffers. */
const TRANSFER_FLOATS = 1_008_000;
/** Idle modules kept for reuse (about 2.4 MB resident each): a fresh one costs 5-20 ms of the event loop. */
const MAX_IDLE_MODULES = 32;
const idleModules: SrcModule[] = [];

function validateRate(rate: number): void {
  if (!Number.isInteger(rate) || rate < 1 || rate > 192_000) {
    throw new SpeechgateError('unsupported_format', 'sample rates must be integers between 1 and 192000 Hz');
  }
}

async function acquireModule(converter: 0 | 1 | 2, inRate: number, outRate: number): Promise<SrcModule> {
  const pooled = idleModules.pop();
  if (pooled) {
    const error = pooled.init(1, converter, inRate, outRate);
    if (typeof error === 'number' && error !== 0) {
      throw new SpeechgateError('internal', `libsamplerate init failed (${error})`);
    }
    return pooled;
  }
  try {
    const src = await libsamplerate.create(1, inRate, outRate, { converterType: converter });
    return src.module;
  } catch (err) {
    throw new SpeechgateError('internal', 'libsamplerate could not be created', { cause: err });
  }
}

/** Copy with NaN/±Infinity replaced by silence: one bad sample would otherwise poison the filter state. */
function sanitize(input: Float32Array): Float32Array {
  for (let i = 0; i < input.length; i++) {
    if (!Number.isFinite(input[i]!)) {
      const clean = input.slice();
      for (let j = i; j < clean.length; j++) if (!Number.isFinite(clean[j]!)) clean[j] = 0;
      return clean;
    }
  }
  return input;
}

function concat(parts: Float32Array[], total: number): Float32Array {
  if (parts.length === 1 && parts[0]!.length === total) return parts[0]!;
  const out = new Float32Array(total);
  let offset = 0;
  for (const part of parts) {
    const take = Math.min(part.length, total - offset);
    out.set(part.subarray(0, take), offset);
    offset += take;
  }
  return out;
}

class SincResampler implements Resampler {
  private module: SrcModule | undefined;
  private readonly maxChunk: number;
  private inSinceFlush = 0;
  private outSinceFlush = 0;

  constructor(
    module: SrcModule,
    private readonly converter: 0 | 1 | 2,
    readonly inputRate: number,
    readonly outputRate: number,
  ) {
    this.module = module;
    // Keep the output of one call well inside the transfer buffer.
    const ratio = outputRate / inputRate;
    this.maxChunk = Math.max(1, Math.min(65_536, Math.floor(TRANSFER_FLOATS / 2 / Math.max(1, ratio))));
  }

  process(input: Float32Array): Float32Array {
    const module = this.live();
    if (input.length === 0) return new Float32Array(0);
    const clean = sanitize(input);
    const parts: Float32Array[] = [];
    let total = 0;
    for (let offset = 0; offset < clean.length; offset += this.maxChunk) {
      const part = this.convert(module, clean.subarray(offset, offset + this.maxChunk));
      parts.push(part);
      total += part.length;
    }
    this.inSinceFlush += clean.length;
    this.outSinceFlush += total;
    return concat(parts, total);
  }

  flush(): Float32Array {
    const module = this.live();
    if (this.inSinceFlush === 0) return new Float32Array(0);
    const expected = Math.round((this.inSinceFlush * this.outputRate) / this.inputRate);
    const missing = expected - this.outSinceFlush;
    const parts: Float32Array[] = [];
    let produced = 0;
    // The held-back tail is about half a filter length; a few blocks of silence always release it.
    const silence = new Float32Array(Math.min(this.maxChunk, 4096));
    for (let round = 0; produced < missing; round++) {
      if (round >= 64) throw new SpeechgateError('internal', 'resampler did not drain');
      const part = this.convert(module, silence);
      parts.push(part);
      produced += part.length;
    }
    const tail = concat(parts, Math.max(0, missing));
    this.reset(module);
    return tail;
  }

  destroy(): void {
    const module = this.module;
    if (!module) return;
    this.module = undefined;
    module.destroy();
    if (idleModules.length < MAX_IDLE_MODULES) idleModules.push(module);
  }

  private live(): SrcModule {
    if (!this.module) throw new SpeechgateError('internal', 'resampler used after destroy()');
    return this.module;
  }

  private convert(module: SrcModule, chunk: Float32Array): Float32Array {
    module.sourceArray(chunk.length).set(chunk);
    const frames = module.full(chunk.length, 1, this.converter, this.inputRate, this.outputRate);
    // Counts and libsamplerate's error codes share this return value; errors need states this class
    // never creates (no converter, bad pointers), so only sanity-check the count against the ratio.
    const limit = Math.ceil((chunk.length * this.outputRate) / this.inputRate) + 1024;
    if (frames < 0 || frames > limit)
      throw new SpeechgateError('internal', `libsamplerate failed (${frames})`);
    return module.targetArray(frames).slice();
  }

  private reset(module: SrcModule): void {
    module.destroy();
    const error = module.init(1, this.converter, this.inputRate, this.outputRate);
    if (typeof error === 'number' && error !== 0) {
      this.module = undefined;
      throw new SpeechgateError('internal', `libsamplerate init failed (${error})`);
    }
    this.inSinceFlush = 0;
    this.outSinceFlush = 0;
  }
}

/** Equal rates: no filtering, no WASM. Returns copies so callers never alias each other's buffers. */
class IdentityResampler implements Resampler {
  private destroyed = false;
  constructor(
    readonly inputRate: number,
    readonly outputRate: number,
  ) {}
  process(input: Float32Array): Float32Array {
    if (this.destroyed) throw new SpeechgateError('internal', 'resampler used after destroy()');
    return sanitize(input).slice();
  }
  flush(): Float32Array {
    if (this.destroyed) throw new SpeechgateError('internal', 'resampler used after destroy()');
    return new Float32Array(0);
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export async function createResampler(
  inputRate: number,
  outputRate: number,
  options: ResamplerOptions = {},
): Promise<Resampler> {
  validateRate(inputRate);
  validateRate(outputRate);
  if (inputRate === outputRate) return new IdentityResampler(inputRate, outputRate);
  if ((options.engine ?? 'polyphase') === 'polyphase') {
    const table = polyphaseTable(inputRate, outputRate);
    if (table) return new PolyphaseResampler(table);
  }
  const converter = CONVERTER[options.quality ?? 'medium'];
  const module = await acquireModule(converter, inputRate, outputRate);
  return new SincResampler(module, converter, inputRate, outputRate);
}
