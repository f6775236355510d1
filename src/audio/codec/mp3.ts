/**
 * Streaming MP3 for 16-bit mono PCM through LAME 3.100 compiled to WebAssembly (npm `wasm-media-encoders`:
 * MIT wrapper, LAME itself LGPL, used unmodified as a separate package; its WASM binary ships in the package,
 * so nothing is downloaded at install or run time). The module is compiled once per process; each stream
 * gets its own instance. Constant bit rate, so a byte offset maps to a time without a seek table.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createEncoder, type WasmMediaEncoder } from 'wasm-media-encoders';
import type { StreamEncoder } from './types.js';

/** Rates LAME encodes without resampling (MPEG-1 and MPEG-2). */
export const MP3_SAMPLE_RATES = [16000, 22050, 24000, 32000, 44100, 48000] as const;
export type Mp3SampleRate = (typeof MP3_SAMPLE_RATES)[number];
const BITRATES = [32, 40, 48, 64, 80, 96, 112, 128, 160] as const;
export type Mp3Bitrate = (typeof BITRATES)[number];

export interface Mp3EncoderOptions {
  sampleRate: number;
  /** Constant bit rate in kbit/s (default 64: transparent enough for a speech voice at 22-24 kHz). */
  bitrateKbps?: Mp3Bitrate;
}

let compiled: Promise<WebAssembly.Module> | undefined;

/** The package's LAME WebAssembly binary, compiled on first use and shared by every encoder. */
function lameModule(): Promise<WebAssembly.Module> {
  compiled ??= readFile(createRequire(import.meta.url).resolve('wasm-media-encoders/wasm/mp3')).then(
    (bytes) => WebAssembly.compile(bytes),
  );
  return compiled;
}

class Mp3StreamEncoder implements StreamEncoder {
  readonly mimeType = 'audio/mpeg';
  private scratch = new Float32Array(0);
  private ended = false;

  constructor(
    private readonly lame: WasmMediaEncoder<'audio/mpeg'>,
    readonly sampleRate: number,
  ) {}

  push(pcm: Int16Array): Uint8Array {
    if (this.ended) throw new Error('MP3 encoder: push after end');
    if (pcm.length === 0) return new Uint8Array(0);
    if (this.scratch.length < pcm.length) this.scratch = new Float32Array(pcm.length);
    const floats = this.scratch.subarray(0, pcm.length);
    for (let i = 0; i < pcm.length; i++) floats[i] = pcm[i]! / 32768;
    // The returned view points into the WASM heap and is overwritten by the next call.
    return this.lame.encode([floats]).slice();
  }

  end(): Uint8Array {
    if (this.ended) return new Uint8Array(0);
    this.ended = true;
    return this.lame.finalize().slice();
  }
}

export async function createMp3Encoder(options: Mp3EncoderOptions): Promise<StreamEncoder> {
  const { sampleRate } = options;
  if (!(MP3_SAMPLE_RATES as readonly number[]).includes(sampleRate)) {
    throw new RangeError(`MP3 supports ${MP3_SAMPLE_RATES.join(', ')} Hz, not ${sampleRate}`);
  }
  const bitrate = options.bitrateKbps ?? 64;
  if (!(BITRATES as readonly number[]).includes(bitrate)) {
    throw new RangeError(`MP3 bit rate must be one of ${BITRATES.join(', ')} kbit/s`);
  }
  const lame = await createEncoder('audio/mpeg', await lameModule());
  lame.configure({ sampleRate, channels: 1, bitrate, outputSampleRate: sampleRate as Mp3SampleRate });
  return new Mp3StreamEncoder(lame, sampleRate);
}
