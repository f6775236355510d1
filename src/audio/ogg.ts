/**
 * Incremental Ogg Opus stream writer (RFC 3533 framing, RFC 7845 mapping), mono, mapping family 0.
 *
 * Pages are emitted as soon as they fill (`maxPacketsPerPage`, default 10 = 200 ms of 20 ms packets)
 * or on `flush()`. The newest packet is always held back so that `end()` can put it on the final page:
 * Ogg has no empty end-of-stream page that still carries a meaningful granule position, and RFC 7845
 * end trimming is expressed through that final granule.
 */
import { randomInt } from 'node:crypto';
import { concatBytes } from '../util/concat.js';
import { opusPacketSamples48k } from './opus-packet.js';

const FLAG_BOS = 0x02;
const FLAG_EOS = 0x04;
const MAX_SEGMENTS = 255;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let bit = 0; bit < 8; bit++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** Ogg's CRC-32: polynomial 0x04c11db7, zero initial value, no reflection, no final xor. */
export function oggCrc32(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  return crc;
}

function laceCount(packet: Uint8Array): number {
  return Math.floor(packet.length / 255) + 1;
}

export interface OggOpusWriterOptions {
  /** Samples at 48 kHz the decoder drops at the start: the encoder's `preSkip`. */
  preSkip: number;
  /** Informational rate of the original audio, written to OpusHead; default 48000. */
  inputSampleRate?: number;
  /** Bitstream serial number; random by default. */
  serial?: number;
  /** Default 10 (200 ms of 20 ms packets). */
  maxPacketsPerPage?: number;
  /** Vendor string of the OpusTags header. */
  vendor?: string;
}

export class OggOpusWriter {
  private readonly preSkip: number;
  private readonly inputSampleRate: number;
  private readonly serial: number;
  private readonly maxPacketsPerPage: number;
  private readonly vendor: string;
  private sequence = 0;
  /** Granule position (48 kHz samples, pre-skip included) after the last packet put on a page. */
  private granule = 0;
  private pending: Uint8Array[] = [];
  private state: 'new' | 'open' | 'ended' = 'new';

  constructor(options: OggOpusWriterOptions) {
    const { preSkip } = options;
    if (!Number.isInteger(preSkip) || preSkip < 0 || preSkip > 0xffff)
      throw new RangeError('preSkip out of range');
    this.preSkip = preSkip;
    this.inputSampleRate = options.inputSampleRate ?? 48000;
    this.serial = (options.serial ?? randomInt(0, 2 ** 32 - 1)) >>> 0;
    this.maxPacketsPerPage = Math.max(1, Math.min(MAX_SEGMENTS, options.maxPacketsPerPage ?? 10));
    this.vendor = options.vendor ?? 'speechgate';
  }

  /** The two header pages (OpusHead, OpusTags); call once, before any packet. */
  header(): Uint8Array {
    if (this.state !== 'new') throw new Error('Ogg Opus header already written');
    this.state = 'open';
    return concatBytes([this.page([this.opusHead()], FLAG_BOS, 0), this.page([this.opusTags()], 0, 0)]);
  }

  /** Adds one Opus packet; returns the pages it completed (often none). */
  packet(packet: Uint8Array): Uint8Array {
    this.requireOpen();
    opusPacketSamples48k(packet); // reject malformed packets before they reach the stream
    if (laceCount(packet) > MAX_SEGMENTS) throw new RangeError('Opus packet too large for one Ogg page');
    this.pending.push(packet.slice());
    const pages: Uint8Array[] = [];
    for (;;) {
      const candidates = this.pending.length - 1; // the newest stays for a possible final page
      const count = this.fittingCount(candidates);
      if (count === candidates && count < this.maxPacketsPerPage) break;
      pages.push(this.takePage(count, 0, 0));
    }
    return concatBytes(pages);
  }

  /** Emits every pending packet but the newest (e.g. at a sentence end). */
  flush(): Uint8Array {
    this.requireOpen();
    const pages: Uint8Array[] = [];
    while (this.pending.length > 1)
      pages.push(this.takePage(this.fittingCount(this.pending.length - 1), 0, 0));
    return concatBytes(pages);
  }

  /**
   * Final page(s), the last one flagged end-of-stream. `trimSamples48k` lowers the final granule so
   * players drop that much trailing padding (RFC 7845 end trimming; limited to the final page's audio).
   */
  end(trimSamples48k = 0): Uint8Array {
    this.requireOpen();
    if (!Number.isInteger(trimSamples48k) || trimSamples48k < 0) throw new RangeError('trim must be >= 0');
    this.state = 'ended';
    // A stream needs at least one audio page to carry the end flag: a TOC-only packet (one empty
    // 20 ms CELT frame) is the smallest valid one, and is trimmed away entirely.
    if (this.pending.length === 0) {
      this.pending.push(Uint8Array.of(0xf8));
      trimSamples48k += 960;
    }
    const pages: Uint8Array[] = [];
    while (this.pending.length > 0) {
      const count = this.fittingCount(this.pending.length);
      const last = count === this.pending.length;
      pages.push(this.takePage(count, last ? FLAG_EOS : 0, last ? trimSamples48k : 0));
    }
    return concatBytes(pages);
  }

  private requireOpen(): void {
    if (this.state === 'new') throw new Error('write the Ogg Opus header first');
    if (this.state === 'ended') throw new Error('Ogg Opus stream already ended');
  }

  /** How many of the first `limit` pending packets fit on one page. */
  private fittingCount(limit: number): number {
    let count = 0;
    let segments = 0;
    while (count < Math.min(limit, this.maxPacketsPerPage)) {
      const next = laceCount(this.pending[count]!);
      if (segments + next > MAX_SEGMENTS) break;
      segments += next;
      count++;
    }
    return count;
  }

  private takePage(count: number, flags: number, trim: number): Uint8Array {
    const packets = this.pending.splice(0, count);
    const pageSamples = packets.reduce((sum, p) => sum + opusPacketSamples48k(p), 0);
    this.granule += pageSamples;
    // Never trim into earlier pages or the pre-skip.
    const granule = Math.max(
      this.granule - Math.min(trim, pageSamples),
      Math.min(this.granule, this.preSkip),
    );
    return this.page(packets, flags, granule);
  }

  private opusHead(): Uint8Array {
    const head = new Uint8Array(19);
    const view = new DataView(head.buffer);
    head.set(new TextEncoder().encode('OpusHead'), 0);
    head[8] = 1; // version
    head[9] = 1; // channels
    view.setUint16(10, this.preSkip, true);
    view.setUint32(12, this.inputSampleRate, true);
    view.setInt16(16, 0, true); // output gain
    head[18] = 0; // mapping family 0: mono/stereo, no channel table
    return head;
  }

  private opusTags(): Uint8Array {
    const vendor = new TextEncoder().encode(this.vendor);
    const tags = new Uint8Array(8 + 4 + vendor.length + 4);
    const view = new DataView(tags.buffer);
    tags.set(new TextEncoder().encode('OpusTags'), 0);
    view.setUint32(8, vendor.length, true);
    tags.set(vendor, 12);
    view.setUint32(12 + vendor.length, 0, true); // no user comments
    return tags;
  }

  private page(packets: Uint8Array[], flags: number, granule: number): Uint8Array {
    const lacing: number[] = [];
    for (const packet of packets) {
      for (let left = packet.length; ; left -= 255) {
        lacing.push(Math.min(left, 255));
        if (left < 255) break;
      }
    }
    const bodyLength = packets.reduce((sum, p) => sum + p.length, 0);
    const page = new Uint8Array(27 + lacing.length + bodyLength);
    const view = new DataView(page.buffer);
    page.set([0x4f, 0x67, 0x67, 0x53], 0); // "OggS"
    page[4] = 0; // stream structure version
    page[5] = flags;
    view.setUint32(6, granule % 2 ** 32, true);
    view.setUint32(10, Math.floor(granule / 2 ** 32), true);
    view.setUint32(14, this.serial, true);
    view.setUint32(18, this.sequence++, true);
    page[26] = lacing.length;
    page.set(lacing, 27);
    let offset = 27 + lacing.length;
    for (const packet of packets) {
      page.set(packet, offset);
      offset += packet.length;
    }
    view.setUint32(22, oggCrc32(page), true); // computed with the CRC field still zero
    return page;
  }
}
