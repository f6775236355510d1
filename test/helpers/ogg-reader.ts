/** Reads an Ogg stream back into pages and packets, checking each page's CRC (tests only). */
import { oggCrc32 } from '../../src/audio/ogg.js';

export interface OggPage {
  flags: number;
  granule: bigint;
  sequence: number;
}

export function readOgg(data: Uint8Array): { pages: OggPage[]; packets: Uint8Array[] } {
  const pages: OggPage[] = [];
  const packets: Uint8Array[] = [];
  let partial: Uint8Array[] = [];
  let offset = 0;
  while (offset < data.length) {
    const view = new DataView(data.buffer, data.byteOffset + offset);
    if (String.fromCharCode(...data.subarray(offset, offset + 4)) !== 'OggS')
      throw new Error(`no page at ${offset}`);
    const segments = data[offset + 26]!;
    const lacing = data.subarray(offset + 27, offset + 27 + segments);
    const bodyLength = lacing.reduce((sum, l) => sum + l, 0);
    const pageLength = 27 + segments + bodyLength;
    const page = data.slice(offset, offset + pageLength);
    const crc = view.getUint32(22, true);
    page.fill(0, 22, 26);
    if (oggCrc32(page) !== crc) throw new Error(`bad CRC in page ${pages.length}`);
    pages.push({
      flags: data[offset + 5]!,
      granule: view.getBigUint64(6, true),
      sequence: view.getUint32(18, true),
    });
    let body = offset + 27 + segments;
    for (const l of lacing) {
      partial.push(data.subarray(body, body + l));
      body += l;
      if (l < 255) {
        packets.push(Buffer.concat(partial));
        partial = [];
      }
    }
    offset += pageLength;
  }
  if (partial.length > 0) throw new Error('stream ends inside a packet');
  return { pages, packets };
}
