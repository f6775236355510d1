/**
 * Duration of an Opus packet from its table-of-contents byte (RFC 6716 section 3.1), which Ogg needs
 * for granule positions without decoding anything.
 */

/** Samples per frame at 48 kHz for each of the 32 TOC configurations. */
const FRAME_SAMPLES_48K: readonly number[] = [
  // SILK-only, NB/MB/WB: 10, 20, 40, 60 ms
  ...[0, 1, 2].flatMap(() => [480, 960, 1920, 2880]),
  // Hybrid, SWB/FB: 10, 20 ms
  ...[0, 1].flatMap(() => [480, 960]),
  // CELT-only, NB/WB/SWB/FB: 2.5, 5, 10, 20 ms
  ...[0, 1, 2, 3].flatMap(() => [120, 240, 480, 960]),
];

/** Samples (at 48 kHz) the packet decodes to; throws on a malformed packet. */
export function opusPacketSamples48k(packet: Uint8Array): number {
  const toc = packet[0];
  if (toc === undefined) throw new RangeError('empty Opus packet');
  const frameSamples = FRAME_SAMPLES_48K[toc >> 3]!;
  let frames: number;
  switch (toc & 0x03) {
    case 0:
      frames = 1;
      break;
    case 1:
    case 2:
      frames = 2;
      break;
    default: {
      const countByte = packet[1];
      if (countByte === undefined) throw new RangeError('Opus code-3 packet without a frame count');
      frames = countByte & 0x3f;
      if (frames === 0) throw new RangeError('Opus code-3 packet with zero frames');
    }
  }
  const samples = frames * frameSamples;
  if (samples > 5760) throw new RangeError('Opus packet longer than 120 ms');
  return samples;
}
