/**
 * Opus encoding and decoding over the libopus WASM build shipped in `opusscript`.
 *
 * The package's JS wrapper (`new OpusScript()`) is bypassed on purpose; it has two defects that matter
 * in a long-running server: it indexes the 16-bit heap view with byte addresses, so its PCM buffers
 * live at twice the malloc'd address (outside the allocation, over other encoders' memory), and it
 * caches heap views that detach as soon as the WASM memory grows (any instance then fails with
 * "detached ArrayBuffer"). Here the same native module and its `OpusScriptHandler` class are driven
 * directly, with correctly sized allocations and heap views looked up on every call.
 */
import { createRequire } from 'node:module';
import { SpeechgateError } from '../errors.js';
import { FrameBuffer } from './framer.js';
import { floatToInt16Sample } from './pcm.js';

interface OpusHandler {
  _encode(pcmPtr: number, sampleCount: number, outPtr: number, frameSize: number): number;
  _decode(packetPtr: number, packetBytes: number, pcmPtr: number): number;
  _encoder_ctl(request: number, value: number): number;
}

interface OpusNative {
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  HEAPU8: Uint8Array;
  HEAP16: Int16Array;
  HEAP32: Int32Array;
  OpusScriptHandler: {
    new (sampleRate: number, channels: number, application: number): OpusHandler;
    destroy_handler(handler: OpusHandler): void;
  };
}

let native: OpusNative | undefined;

function opusNative(): OpusNative {
  if (!native) {
    try {
      const require = createRequire(import.meta.url);
      const factory = require('opusscript/build/opusscript_native_wasm.js') as () => OpusNative;
      native = factory(); // instantiates synchronously (the .wasm is read with readFileSync)
    } catch (err) {
      throw new SpeechgateError('internal', 'the Opus WASM module could not be loaded', { cause: err });
    }
  }
  return native;
}

/** Current size of the Opus WASM linear memory (grows with live codecs; never shrinks). */
export function opusWasmMemoryBytes(): number {
  return opusNative().HEAPU8.buffer.byteLength;
}

/** libopus applications; 'lowdelay' is OPUS_APPLICATION_RESTRICTED_LOWDELAY: CELT only, 2.5 ms lookahead. */
const APPLICATION = { voip: 2048, audio: 2049, lowdelay: 2051 } as const;
const CTL = { setBitrate: 4002, setComplexity: 4010, setSignal: 4024, getLookahead: 4027 } as const;
const SIGNAL_VOICE = 3001;
const MAX_PACKET_BYTES = 1276 * 3; // the limit the binding passes to opus_encode
const MAX_DECODED_SAMPLES = 5760; // 120 ms at 48 kHz, the binding's decode buffer
const OPUS_RATES = [8000, 12000, 16000, 24000, 48000] as const;

export type OpusSampleRate = (typeof OPUS_RATES)[number];
export type OpusApplication = keyof typeof APPLICATION;

export interface OpusEncoderOptions {
  /** Default 48000. */
  sampleRate?: OpusSampleRate;
  /**
   * Default 'audio' (full-band fidelity); 'voip' favours intelligibility at low bitrates; 'lowdelay' runs
   * CELT alone (no SILK layer), several times cheaper to encode.
   */
  application?: OpusApplication;
  /** Bits per second, default 32000. */
  bitrate?: number;
  /** 0..10, default libopus' own (10 in this build). */
  complexity?: number;
}

/** Native resources of one handler, freed by `destroy()` or, if a caller forgets, by the GC. */
interface NativeResources {
  handler: OpusHandler;
  pointers: number[];
  freed: boolean;
}

function release(resources: NativeResources): void {
  if (resources.freed) return;
  resources.freed = true;
  const opus = opusNative();
  opus.OpusScriptHandler.destroy_handler(resources.handler);
  for (const ptr of resources.pointers) opus._free(ptr);
}

const leakGuard = new FinalizationRegistry<NativeResources>(release);

function allocate(sampleRate: number, application: number, bufferBytes: number[]): NativeResources {
  if (!(OPUS_RATES as readonly number[]).includes(sampleRate)) {
    throw new SpeechgateError('unsupported_format', `Opus cannot run at ${sampleRate} Hz`);
  }
  const opus = opusNative();
  let handler: OpusHandler;
  try {
    handler = new opus.OpusScriptHandler(sampleRate, 1, application);
  } catch (err) {
    throw new SpeechgateError('internal', 'libopus could not create a codec', { cause: err });
  }
  return { handler, pointers: bufferBytes.map((bytes) => opus._malloc(bytes)), freed: false };
}

/**
 * Mono Opus encoder that cuts its input into exact 20 ms frames and returns one packet per frame.
 * `flush()` pads with silence until every sample given so far has left the encoder, i.e. past its
 * lookahead and up to a frame boundary (6.5 to 26.5 ms of silence), so a decoder can render all of it.
 * The codec state carries on after a flush.
 */
export class OpusEncoder {
  readonly frameMs = 20;
  readonly sampleRate: OpusSampleRate;
  readonly frameSamples: number;
  /** Encoder delay in samples at `sampleRate`. */
  readonly lookahead: number;
  /** The same delay in 48 kHz samples: the pre-skip an Ogg Opus header must announce. */
  readonly preSkip: number;

  private readonly resources: NativeResources;
  private readonly framer: FrameBuffer;
  private readonly pcmPtr: number;
  private readonly packetPtr: number;
  private samplesSinceFlush = 0;

  constructor(options: OpusEncoderOptions = {}) {
    this.sampleRate = options.sampleRate ?? 48000;
    this.frameSamples = (this.sampleRate * this.frameMs) / 1000;
    const bitrate = options.bitrate ?? 32000;
    if (!Number.isInteger(bitrate) || bitrate < 6000 || bitrate > 510_000) {
      throw new SpeechgateError('unsupported_format', 'Opus bitrate must be an integer in 6000..510000');
    }
    const complexity = options.complexity;
    if (complexity !== undefined && !(Number.isInteger(complexity) && complexity >= 0 && complexity <= 10)) {
      throw new SpeechgateError('unsupported_format', 'Opus complexity must be an integer in 0..10');
    }
    // The binding reads each sample as two 16-bit slots (low byte, high byte): 4 bytes per sample.
    this.resources = allocate(this.sampleRate, APPLICATION[options.application ?? 'audio'], [
      this.frameSamples * 4,
      MAX_PACKET_BYTES,
    ]);
    [this.pcmPtr, this.packetPtr] = this.resources.pointers as [number, number];
    leakGuard.register(this, this.resources, this);
    try {
      this.ctl(CTL.setBitrate, bitrate);
      this.ctl(CTL.setSignal, SIGNAL_VOICE);
      if (complexity !== undefined) this.ctl(CTL.setComplexity, complexity);
      this.ctl(CTL.getLookahead, this.packetPtr); // GET requests write through a pointer
      this.lookahead = opusNative().HEAP32[this.packetPtr >> 2]!;
    } catch (err) {
      this.destroy();
      throw err;
    }
    this.preSkip = (this.lookahead * 48000) / this.sampleRate;
    this.framer = new FrameBuffer(this.frameSamples);
  }

  /** Zero or more packets, one per completed 20 ms frame. */
  encode(pcm: Float32Array): Uint8Array[] {
    this.live();
    this.samplesSinceFlush += pcm.length;
    return this.framer.push(pcm).map((frame) => this.encodeFrame(frame));
  }

  /** Packets that drain the frame buffer and the encoder's lookahead; [] if nothing new since the last flush. */
  flush(): Uint8Array[] {
    this.live();
    if (this.samplesSinceFlush === 0) return [];
    this.samplesSinceFlush = 0;
    const frames = this.framer.push(new Float32Array(this.lookahead));
    const last = this.framer.drainPadded();
    if (last) frames.push(last);
    return frames.map((frame) => this.encodeFrame(frame));
  }

  /** Frees the WASM encoder; idempotent. */
  destroy(): void {
    if (this.resources.freed) return;
    leakGuard.unregister(this);
    release(this.resources);
  }

  private live(): void {
    if (this.resources.freed) throw new SpeechgateError('internal', 'Opus encoder used after destroy()');
  }

  private ctl(request: number, value: number): void {
    const result = this.resources.handler._encoder_ctl(request, value);
    if (result < 0)
      throw new SpeechgateError('internal', `Opus encoder control ${request} failed (${result})`);
  }

  private encodeFrame(frame: Float32Array): Uint8Array {
    const opus = opusNative();
    const heap16 = opus.HEAP16; // looked up per call: memory growth replaces the buffer
    const base = this.pcmPtr >> 1;
    for (let i = 0; i < frame.length; i++) {
      const sample = floatToInt16Sample(frame[i]!);
      heap16[base + 2 * i] = sample & 0xff;
      heap16[base + 2 * i + 1] = (sample >> 8) & 0xff;
    }
    const length = this.resources.handler._encode(
      this.pcmPtr,
      this.frameSamples,
      this.packetPtr,
      this.frameSamples,
    );
    if (length < 0) throw new SpeechgateError('internal', `Opus encoding failed (${length})`);
    return opus.HEAPU8.slice(this.packetPtr, this.packetPtr + length);
  }
}

/** Mono Opus decoder (for tests and clients): packets in, 16-bit samples at `sampleRate` out. */
export class OpusDecoder {
  private readonly resources: NativeResources;
  private readonly packetPtr: number;
  private readonly pcmPtr: number;

  constructor(readonly sampleRate: OpusSampleRate = 48000) {
    // The binding writes each decoded sample as two 16-bit slots (low byte, high byte).
    this.resources = allocate(sampleRate, APPLICATION.audio, [MAX_PACKET_BYTES, MAX_DECODED_SAMPLES * 4]);
    [this.packetPtr, this.pcmPtr] = this.resources.pointers as [number, number];
    leakGuard.register(this, this.resources, this);
  }

  decode(packet: Uint8Array): Int16Array {
    if (this.resources.freed) throw new SpeechgateError('internal', 'Opus decoder used after destroy()');
    if (packet.length === 0 || packet.length > MAX_PACKET_BYTES) {
      throw new SpeechgateError('bad_request', 'Opus packet size out of range');
    }
    const opus = opusNative();
    opus.HEAPU8.set(packet, this.packetPtr);
    const count = this.resources.handler._decode(this.packetPtr, packet.length, this.pcmPtr);
    if (count < 0) throw new SpeechgateError('bad_request', `Opus decoding failed (${count})`);
    const heap16 = opus.HEAP16;
    const base = this.pcmPtr >> 1;
    const out = new Int16Array(count);
    for (let i = 0; i < count; i++)
      out[i] = (heap16[base + 2 * i]! & 0xff) | (heap16[base + 2 * i + 1]! << 8);
    return out;
  }

  destroy(): void {
    if (this.resources.freed) return;
    leakGuard.unregister(this);
    release(this.resources);
  }
}
