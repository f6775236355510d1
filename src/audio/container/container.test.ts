import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readOgg } from '../../../test/helpers/ogg-reader.js';
import { OpusEncoder } from '../opus.js';
import { sine } from '../test-support.js';
import { wavFile, wavHeader } from '../wav.js';
import { OggOpusContainer, RawContainer, WavContainer } from './index.js';

const PRE_SKIP = 312;

void describe('audio containers', () => {
  test('Ogg: pages leave at sentence ends, the final granule counts every packet', () => {
    const encoder = new OpusEncoder({ sampleRate: 48000 });
    const packets = [...encoder.encode(sine(440, 48000, 48000 * 0.3)), ...encoder.flush()];
    encoder.destroy();
    assert.equal(packets.length, 16);
    const ogg = new OggOpusContainer(22050, PRE_SKIP);
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
    assert.equal(Buffer.from(head).readUInt16LE(10), PRE_SKIP);
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

  test('Ogg: flush() puts every packet but the newest on a page; raw frames pass through', () => {
    const encoder = new OpusEncoder({ sampleRate: 48000 });
    const packets = [...encoder.encode(sine(440, 48000, 48000 * 0.1))];
    encoder.destroy();
    const ogg = new OggOpusContainer(22050, PRE_SKIP);
    const parts = [ogg.header(), ...packets.map((p) => ogg.frame(p))];
    parts.push(ogg.flush());
    assert.equal(readOgg(Buffer.concat(parts)).packets.length, 2 + packets.length - 1);
    const raw = new RawContainer();
    const a = Uint8Array.of(1, 2, 3, 4);
    assert.equal(raw.header().length + raw.flush().length + raw.trailer().length, 0);
    assert.deepEqual(raw.frame(a), a);
  });
});
