/**
 * A streaming FLAC encoder for 16-bit mono PCM, written here (no dependency): fixed-blocksize frames of
 * FIXED-predictor subframes with partitioned Rice coding (see flac-subframe.ts), inside the FLAC
 * "streamable subset". The stream header goes out with the first push; a frame with every full block.
 *
 * A stream cannot know its length up front, so its STREAMINFO says "unknown" (total samples 0, no
 * MD5), which decoders accept. When the caller holds the whole file (a cache hit, a file on disk), it can
 * overwrite the first STREAMINFO_BYTES with completeHeader(), which has the length, frame sizes and MD5.
 */
import { createHash, type Hash } from 'node:crypto';
import { BitWriter, crc16, crc8 } from './bit-writer.js';
import { SubframeCoder } from './flac-subframe.js';
import type { StreamEncoder } from './types.js';

export interface FlacEncoderOptions {
  sampleRate: number;
  /** Samples per frame (default 2048: 93 ms at 22.05 kHz, 43 ms at 48 kHz). 16..65535; <= 4608 for the subset. */
  blockSize?: number;
}

/** "fLaC" + one metadata block header + STREAMINFO. */
export const STREAMINFO_BYTES = 4 + 4 + 34;

const RATE_CODES: Record<number, number> = {
  88200: 1,
  176400: 2,
  192000: 3,
  8000: 4,
  16000: 5,
  22050: 6,
  24000: 7,
  32000: 8,
  44100: 9,
  48000: 10,
  96000: 11,
};
const BLOCK_CODES: Record<number, number> = {
  192: 1,
  576: 2,
  1152: 3,
  2304: 4,
  4608: 5,
  256: 8,
  512: 9,
  1024: 10,
  2048: 11,
  4096: 12,
  8192: 13,
  16384: 14,
  32768: 15,
};

export class FlacStreamEncoder implements StreamEncoder {
  readonly mimeType = 'audio/flac';
  readonly sampleRate: number;
  readonly blockSize: number;
  private readonly block: Int16Array;
  private filled = 0;
  private frameNumber = 0;
  private totalSamples = 0;
  private minFrameBytes = Infinity;
  private maxFrameBytes = 0;
  private headerSent = false;
  private ended = false;
  private readonly md5: Hash = createHash('md5');
  private digest: Buffer | undefined;
  private readonly coder = new SubframeCoder();

  constructor(options: FlacEncoderOptions) {
    const { sampleRate } = options;
    const blockSize = options.blockSize ?? 2048;
    if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 655350) {
      throw new RangeError(`FLAC cannot carry a sample rate of ${sampleRate} Hz`);
    }
    if (!Number.isInteger(blockSize) || blockSize < 16 || blockSize > 65535) {
      throw new RangeError('FLAC block size must be 16..65535 samples');
    }
    this.sampleRate = sampleRate;
    this.blockSize = blockSize;
    this.block = new Int16Array(blockSize);
  }

  push(pcm: Int16Array): Uint8Array {
    if (this.ended) throw new Error('FLAC encoder: push after end');
    this.md5.update(littleEndian(pcm));
    this.totalSamples += pcm.length;
    const out = new BitWriter(this.headerSent ? 1024 : STREAMINFO_BYTES + 1024);
    this.writeHeaderOnce(out);
    let offset = 0;
    while (offset < pcm.length) {
      const take = Math.min(this.blockSize - this.filled, pcm.length - offset);
      this.block.set(pcm.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === this.blockSize) this.writeFrame(out, this.block);
    }
    return out.bytes().slice();
  }

  end(): Uint8Array {
    if (this.ended) return new Uint8Array(0);
    this.ended = true;
    const out = new BitWriter();
    this.writeHeaderOnce(out);
    if (this.filled > 0) this.writeFrame(out, this.block.subarray(0, this.filled));
    this.digest = this.md5.digest();
    return out.bytes().slice();
  }

  /** After end(): a STREAMINFO with the real length, frame sizes and MD5, to replace the stream's first bytes. */
  completeHeader(): Uint8Array {
    if (!this.digest) throw new Error('FLAC encoder: completeHeader() before end()');
    const w = new BitWriter(STREAMINFO_BYTES);
    const frames = this.frameNumber > 0;
    this.writeStreamInfo(w, {
      minFrame: frames ? this.minFrameBytes : 0,
      maxFrame: this.maxFrameBytes,
      total: this.totalSamples,
      md5: this.digest,
    });
    return w.bytes().slice();
  }

  private writeHeaderOnce(w: BitWriter): void {
    if (this.headerSent) return;
    this.headerSent = true;
    this.writeStreamInfo(w, { minFrame: 0, maxFrame: 0, total: 0, md5: Buffer.alloc(16) });
  }

  private writeStreamInfo(
    w: BitWriter,
    info: { minFrame: number; maxFrame: number; total: number; md5: Uint8Array },
  ): void {
    w.appendBytes(new TextEncoder().encode('fLaC'));
    w.write(1, 1); // last metadata block
    w.write(0, 7); // STREAMINFO
    w.write(34, 24);
    w.write(this.blockSize, 16); // minimum block size (the last block may be shorter)
    w.write(this.blockSize, 16);
    w.write(info.minFrame, 24);
    w.write(info.maxFrame, 24);
    w.write(this.sampleRate, 20);
    w.write(0, 3); // channels - 1
    w.write(15, 5); // bits per sample - 1
    w.writeLong(info.total, 36);
    w.appendBytes(info.md5);
  }

  private writeFrame(out: BitWriter, samples: Int16Array): void {
    const w = new BitWriter(samples.length * 2 + 32);
    w.write(0xfff8, 16); // sync code, reserved bit, fixed-blocksize stream
    const blockCode = BLOCK_CODES[samples.length] ?? (samples.length <= 256 ? 6 : 7);
    const rateCode =
      RATE_CODES[this.sampleRate] ??
      (this.sampleRate % 1000 === 0 && this.sampleRate <= 255_000 ? 12 : this.sampleRate <= 65535 ? 13 : 14);
    w.write(blockCode, 4);
    w.write(rateCode, 4);
    w.write(0, 4); // one channel
    w.write(0b100, 3); // 16 bits per sample
    w.write(0, 1);
    writeUtf8Number(w, this.frameNumber);
    if (blockCode === 6) w.write(samples.length - 1, 8);
    if (blockCode === 7) w.write(samples.length - 1, 16);
    if (rateCode === 12) w.write(this.sampleRate / 1000, 8);
    if (rateCode === 13) w.write(this.sampleRate, 16);
    if (rateCode === 14) w.write(this.sampleRate / 10, 16);
    w.write(crc8(w.bytes()), 8);
    this.coder.write(w, samples);
    w.alignToByte();
    w.write(crc16(w.bytes()), 16);
    const frame = w.bytes();
    out.appendBytes(frame);
    this.minFrameBytes = Math.min(this.minFrameBytes, frame.length);
    this.maxFrameBytes = Math.max(this.maxFrameBytes, frame.length);
    this.frameNumber++;
    this.filled = 0;
  }
}

/** FLAC's UTF-8-like variable-length coding of the frame number (up to 31 bits). */
function writeUtf8Number(w: BitWriter, n: number): void {
  if (n < 0x80) {
    w.write(n, 8);
    return;
  }
  let continuation = 1;
  while (n >= 2 ** (6 * continuation + (6 - continuation))) continuation++;
  const lead = (0xff << (7 - continuation)) & 0xff;
  w.write(lead | Math.floor(n / 2 ** (6 * continuation)), 8);
  for (let i = continuation - 1; i >= 0; i--) w.write(0x80 | (Math.floor(n / 2 ** (6 * i)) & 0x3f), 8);
}

/** The samples as little-endian bytes, as FLAC's MD5 is defined (no copy on little-endian hosts). */
function littleEndian(pcm: Int16Array): Uint8Array {
  if (BIG_ENDIAN_HOST) {
    const bytes = new Uint8Array(pcm.length * 2);
    const view = new DataView(bytes.buffer);
    pcm.forEach((v, i) => view.setInt16(i * 2, v, true));
    return bytes;
  }
  return new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
}

const BIG_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;
