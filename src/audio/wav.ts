/**
 * RIFF/WAVE headers for mono 16-bit PCM, mu-law and A-law. G.711 files get the 18-byte fmt chunk and
 * the `fact` chunk the WAVE spec asks of non-PCM formats. A header for a stream of unknown length sets
 * the RIFF, data (and fact) sizes to 0xFFFFFFFF, which common readers take as "read to end of file".
 */
export type WavEncoding = 'pcm_s16le' | 'mulaw' | 'alaw';

const FORMAT_TAG: Record<WavEncoding, number> = { pcm_s16le: 1, alaw: 6, mulaw: 7 };
const BYTES_PER_SAMPLE: Record<WavEncoding, number> = { pcm_s16le: 2, alaw: 1, mulaw: 1 };
const UNKNOWN = 0xffffffff;

export interface WavHeaderOptions {
  encoding: WavEncoding;
  sampleRate: number;
  /** Bytes of audio that follow; omit for a live stream of unknown length. */
  dataBytes?: number;
}

export function wavHeader(options: WavHeaderOptions): Uint8Array {
  const { encoding, sampleRate, dataBytes } = options;
  if (!Number.isInteger(sampleRate) || sampleRate <= 0)
    throw new RangeError('sampleRate must be a positive integer');
  const bytesPerSample = BYTES_PER_SAMPLE[encoding];
  const known = dataBytes !== undefined;
  if (known && (!Number.isInteger(dataBytes) || dataBytes < 0 || dataBytes > UNKNOWN - 64)) {
    throw new RangeError('dataBytes out of range');
  }
  const pcm = encoding === 'pcm_s16le';
  const fmtSize = pcm ? 16 : 18;
  const headerSize = 12 + 8 + fmtSize + (pcm ? 0 : 12) + 8;
  const header = new Uint8Array(headerSize);
  const view = new DataView(header.buffer);
  const ascii = (offset: number, text: string): void => {
    for (let i = 0; i < text.length; i++) header[offset + i] = text.charCodeAt(i);
  };
  // RIFF chunk sizes exclude the 8-byte chunk header; an odd data chunk is followed by a pad byte.
  const padded = known ? dataBytes + (dataBytes % 2) : 0;
  ascii(0, 'RIFF');
  view.setUint32(4, known ? headerSize - 8 + padded : UNKNOWN, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, fmtSize, true);
  view.setUint16(20, FORMAT_TAG[encoding], true);
  view.setUint16(22, 1, true); // channels
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * bytesPerSample, true); // byte rate
  view.setUint16(32, bytesPerSample, true); // block align
  view.setUint16(34, bytesPerSample * 8, true); // bits per sample
  let offset = 36;
  if (!pcm) {
    view.setUint16(offset, 0, true); // cbSize: no extension
    offset += 2;
    ascii(offset, 'fact');
    view.setUint32(offset + 4, 4, true);
    view.setUint32(offset + 8, known ? dataBytes / bytesPerSample : UNKNOWN, true);
    offset += 12;
  }
  ascii(offset, 'data');
  view.setUint32(offset + 4, known ? dataBytes : UNKNOWN, true);
  return header;
}

/** A complete WAV file around already-encoded audio bytes (pad byte included when needed). */
export function wavFile(encoding: WavEncoding, sampleRate: number, data: Uint8Array): Uint8Array {
  const header = wavHeader({ encoding, sampleRate, dataBytes: data.length });
  const file = new Uint8Array(header.length + data.length + (data.length % 2));
  file.set(header, 0);
  file.set(data, header.length);
  return file;
}
