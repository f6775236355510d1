import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OpusEncoder } from '../../audio/opus.js';
import { sine } from '../../audio/test-support.js';
import { wavFile, wavHeader } from '../../audio/wav.js';
import { readOgg } from '../../../test/helpers/ogg-reader.js';
import { createContainer, GATEWAY_OPUS_PRE_SKIP, OggOpusContainer, WavContainer } from './containers.js';

void describe('say containers', () => {
  test('the assumed pre-skip is the gateway encoder delay at both Opus rates', () => {
    for (const sampleRate of [48000, 24000] as const) {
      const encoder = new OpusEncoder({ sampleRate });
      try {
        assert.equal(encoder.preSkip, GATEWAY_OPUS_PRE_SKIP);
      } finally {
        encoder.destroy();
      }
    }
  });

  test('Ogg: pages leave at sentence ends, the final granule counts every packet', () => {
    const encoder = new OpusEncoder({ sampleRate: 48000 });
    const packets = [...encoder.encode(sine(440, 48000, 48000 * 0.3)), ...encoder.flush()];
    encoder.destroy();
    assert.equal(packets.length, 16);
    const ogg = new OggOpusContainer(22050);
    const parts = [ogg.header()];
    packets.forEach((p, i) => {
      const bytes = ogg.frame(p, i === 4);
      // At the end of a sentence everything but the newest packet is out.
      if (i === 4) assert.equal(readOgg(Buffer.concat([...parts, bytes])).packets.length, 2 + 4);
      parts.push(bytes);
    });
    parts.push(ogg.trailer());
    assert.equal(ogg.finalHeader(), undefined);
    const { pages, packets: read } = readOgg(Buffer.concat(parts));
    assert.deepEqual(
      read.slice(2).map((p) => Buffer.from(p).toString('hex')),
      packets.map((p) => Buffer.from(p).toString('hex')),
    );
    const head = read[0]!;
    assert.equal(Buffer.from(head).readUInt16LE(10), GATEWAY_OPUS_PRE_SKIP);
    assert.equal(Buffer.from(head).readUInt32LE(12), 22050);
    const last = pages.at(-1)!;
    assert.equal(last.flags & 0x04, 0x04, 'end of stream');
    assert.equal(last.granule, BigInt(packets.length * 960));
  });

  test('WAV: streaming header first, the real sizes at the end, word-aligned data', () => {
    const wav = new WavContainer({ encoding: 'mulaw', sampleRate: 8000 });
    assert.deepEqual(wav.header(), wavHeader({ encoding: 'mulaw', sampleRate: 8000 }));
    const a = Uint8Array.from({ length: 160 }, (_, i) => i);
    const b = Uint8Array.of(1, 2, 3);
    assert.deepEqual(wav.frame(a), a);
    assert.deepEqual(wav.frame(b), b);
    const trailer = wav.trailer();
    assert.equal(trailer.length, 1);
    const file = Buffer.concat([wav.finalHeader(), a, b, trailer]);
    assert.deepEqual(file, Buffer.from(wavFile('mulaw', 8000, Buffer.concat([a, b]))));
  });

  test('createContainer picks by container', () => {
    assert.ok(
      createContainer('ogg', { encoding: 'opus', sampleRate: 48000 }, 22050) instanceof OggOpusContainer,
    );
    assert.ok(
      createContainer('wav', { encoding: 'pcm_s16le', sampleRate: 16000 }, 22050) instanceof WavContainer,
    );
    assert.throws(() => createContainer('wav', { encoding: 'opus', sampleRate: 48000 }, 22050), RangeError);
  });
});
