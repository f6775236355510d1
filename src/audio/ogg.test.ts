import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { OggOpusWriter, oggCrc32 } from './ogg.js';
import { OpusEncoder, type OpusSampleRate } from './opus.js';
import { concatBytes, hasTool, runTool, sine } from './test-support.js';

interface Page {
  flags: number;
  granule: number;
  serial: number;
  sequence: number;
  packets: Uint8Array[];
  crcOk: boolean;
}

/** Independent reader: splits a byte stream into pages and packets, checking every CRC. */
function readPages(bytes: Uint8Array): Page[] {
  const pages: Page[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let offset = 0; offset < bytes.length;) {
    assert.equal(
      new TextDecoder().decode(bytes.subarray(offset, offset + 4)),
      'OggS',
      `capture at ${offset}`,
    );
    assert.equal(bytes[offset + 4], 0, 'version');
    const segments = bytes[offset + 26]!;
    const lacing = bytes.subarray(offset + 27, offset + 27 + segments);
    const bodyLength = lacing.reduce((sum, l) => sum + l, 0);
    const end = offset + 27 + segments + bodyLength;
    const copy = bytes.slice(offset, end);
    copy.fill(0, 22, 26);
    const packets: Uint8Array[] = [];
    let start = offset + 27 + segments;
    let length = 0;
    for (const lace of lacing) {
      length += lace;
      if (lace < 255) {
        packets.push(bytes.subarray(start, start + length));
        start += length;
        length = 0;
      }
    }
    assert.equal(length, 0, 'no packet continues onto another page');
    pages.push({
      flags: bytes[offset + 5]!,
      granule: view.getUint32(offset + 6, true) + view.getUint32(offset + 10, true) * 2 ** 32,
      serial: view.getUint32(offset + 14, true),
      sequence: view.getUint32(offset + 18, true),
      packets,
      crcOk: oggCrc32(copy) === view.getUint32(offset + 22, true),
    });
    offset = end;
  }
  return pages;
}

function encodeSine(rate: OpusSampleRate, seconds: number): { packets: Uint8Array[]; preSkip: number } {
  const encoder = new OpusEncoder({ sampleRate: rate });
  try {
    const input = sine(440, rate, rate * seconds, 0.4);
    const packets: Uint8Array[] = [];
    for (let offset = 0; offset < input.length; offset += 1000) {
      packets.push(...encoder.encode(input.subarray(offset, offset + 1000)));
    }
    packets.push(...encoder.flush());
    return { packets, preSkip: encoder.preSkip };
  } finally {
    encoder.destroy();
  }
}

/** Writes a stream the way a server would: header, then pages as packets arrive, then the end. */
function writeStream(packets: Uint8Array[], preSkip: number, inputRate: number, trim: number): Uint8Array {
  const writer = new OggOpusWriter({ preSkip, inputSampleRate: inputRate, serial: 0x5eec4 });
  return concatBytes([writer.header(), ...packets.map((p) => writer.packet(p)), writer.end(trim)]);
}

const workDir = mkdtempSync(join(tmpdir(), 'speechgate-ogg-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

describe('oggCrc32', () => {
  test('matches the CRC-32 check value for polynomial 0x04c11db7 with zero init and no xor', () => {
    // CRC-32/CKSUM (same polynomial and init, final xor 0xffffffff) of "123456789" is 0x765e7680.
    assert.equal(oggCrc32(new TextEncoder().encode('123456789')), ~0x765e7680 >>> 0);
    assert.equal(oggCrc32(new Uint8Array(0)), 0);
  });
});

describe('OggOpusWriter', () => {
  test('lays out headers, granules, flags and page sizes per RFC 7845', () => {
    const { packets, preSkip } = encodeSine(48000, 1);
    const pages = readPages(writeStream(packets, preSkip, 22050, 0));
    assert.ok(
      pages.every((p) => p.crcOk),
      'CRC of every page',
    );
    assert.ok(pages.every((p) => p.serial === 0x5eec4));
    assert.deepEqual(
      pages.map((p) => p.sequence),
      pages.map((_, i) => i),
    );
    const [head, tags, ...audio] = pages;
    assert.ok(head && tags && audio.length > 0);
    assert.equal(head.flags, 0x02, 'BOS on the first page only');
    assert.equal(head.packets.length, 1);
    const opusHead = head.packets[0]!;
    const headView = new DataView(opusHead.buffer, opusHead.byteOffset, opusHead.byteLength);
    assert.equal(new TextDecoder().decode(opusHead.subarray(0, 8)), 'OpusHead');
    assert.deepEqual([opusHead[8], opusHead[9], opusHead[18]], [1, 1, 0]); // version, mono, family 0
    assert.equal(headView.getUint16(10, true), 312);
    assert.equal(headView.getUint32(12, true), 22050);
    assert.equal(new TextDecoder().decode(tags.packets[0]!.subarray(0, 8)), 'OpusTags');
    assert.equal(head.granule + tags.granule, 0);

    let samples = 0;
    for (const [i, page] of audio.entries()) {
      assert.ok(page.packets.length >= 1 && page.packets.length <= 10, 'at most 200 ms per page');
      samples += page.packets.length * 960;
      assert.equal(page.granule, samples, 'granule = 48 kHz samples so far, pre-skip included');
      assert.equal(page.flags, i === audio.length - 1 ? 0x04 : 0, 'EOS on the last page only');
    }
    assert.deepEqual(
      audio.flatMap((p) => p.packets),
      packets,
    );
  });

  test('emits pages while packets arrive and holds back only the newest packet', () => {
    const writer = new OggOpusWriter({ preSkip: 312, maxPacketsPerPage: 3 });
    writer.header();
    const packet = Uint8Array.of(0xf8, 1, 2, 3);
    const sizes = Array.from({ length: 7 }, () => writer.packet(packet).length);
    assert.deepEqual(
      sizes.map((s) => s > 0),
      [false, false, false, true, false, false, true],
    );
    const flushed = readPages(writer.flush());
    assert.equal(flushed.length, 0, 'only the newest packet is pending');
    writer.packet(packet);
    assert.equal(readPages(writer.flush())[0]?.packets.length, 1);
    const last = readPages(writer.end());
    assert.equal(last.length, 1);
    assert.equal(last[0]!.granule, 8 * 960);
    assert.throws(() => writer.packet(packet));
    assert.throws(() => writer.end());
  });

  test('requires the header first and rejects malformed packets', () => {
    const writer = new OggOpusWriter({ preSkip: 312 });
    assert.throws(() => writer.packet(Uint8Array.of(0xf8)));
    writer.header();
    assert.throws(() => writer.header());
    assert.throws(() => writer.packet(new Uint8Array(0)));
    assert.throws(() => new OggOpusWriter({ preSkip: -1 }), RangeError);
  });

  test('splits pages before the 255-segment limit', () => {
    const writer = new OggOpusWriter({ preSkip: 0, maxPacketsPerPage: 255 });
    writer.header();
    const big = new Uint8Array(1200).fill(7); // 5 lacing values each
    big[0] = 0xf8;
    const out = concatBytes([...Array.from({ length: 60 }, () => writer.packet(big)), writer.end()]);
    const pages = readPages(out);
    assert.ok(pages.every((p) => p.crcOk));
    assert.ok(pages.length >= 2);
    assert.equal(
      pages.reduce((sum, p) => sum + p.packets.length, 0),
      60,
    );
  });

  const toolsMissing = !hasTool('opusinfo') || !hasTool('opusdec');
  const skip = toolsMissing ? 'opus-tools (opusinfo/opusdec) not installed' : false;

  for (const rate of [48000, 24000] as OpusSampleRate[]) {
    test(`a 1 s sine encoded at ${rate} Hz passes opusinfo and opusdec decodes 1 s`, { skip }, () => {
      const { packets, preSkip } = encodeSine(rate, 1);
      const total48k = packets.length * 960;
      const trimmed = join(workDir, `sine-${rate}.ogg`);
      writeFileSync(trimmed, writeStream(packets, preSkip, rate, total48k - preSkip - 48000));
      const untrimmed = join(workDir, `sine-${rate}-padded.ogg`);
      writeFileSync(untrimmed, writeStream(packets, preSkip, rate, 0));

      const info = runTool('opusinfo', [trimmed]);
      assert.doesNotMatch(info, /WARNING|ERROR/, info);
      assert.match(info, /Pre-skip: 312/);
      assert.match(info, /Playback length: 0m:01\.000s/);
      assert.match(info, /Logical stream 1 ended/);
      assert.doesNotMatch(runTool('opusinfo', [untrimmed]), /WARNING|ERROR/);

      for (const [file, expected, tolerance] of [
        [trimmed, 48000, 0],
        [untrimmed, 48000, 960],
      ] as const) {
        const wav = `${file}.wav`;
        runTool('opusdec', ['--quiet', '--rate', '48000', file, wav]);
        const samples = (readFileSync(wav).length - 44) / 2;
        assert.ok(Math.abs(samples - expected) <= tolerance, `${file}: ${samples} samples`);
      }
    });
  }

  test('an empty stream is still a valid, ended Ogg Opus file', { skip }, () => {
    const writer = new OggOpusWriter({ preSkip: 312 });
    const file = join(workDir, 'empty.ogg');
    writeFileSync(file, concatBytes([writer.header(), writer.end()]));
    const info = runTool('opusinfo', [file]);
    assert.doesNotMatch(info, /WARNING|ERROR/, info);
    assert.match(info, /Playback length: 0m:00\.000s/);
  });
});
