import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { wavFile, wavHeader } from '../../audio/wav.js';
import { AudioFile } from './audio-file.js';
import { WavContainer } from '../../audio/container/index.js';
import { openOutput } from './output.js';

void describe('say output file', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sg-say-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a regular file is opened on the first frame and gets the real WAV sizes at the end', async () => {
    const path = join(dir, 'a.wav');
    const file = new AudioFile(new WavContainer({ encoding: 'pcm_s16le', sampleRate: 24000 }), () =>
      openOutput(path, new PassThrough()),
    );
    assert.equal(file.started, false);
    assert.equal(existsSync(path), false);
    const frame = new Uint8Array(960).fill(7);
    await file.frame(frame, false);
    // Streamed so far: a header a reader takes as "read to the end".
    const partial = await readFile(path);
    assert.deepEqual(
      partial.subarray(0, 44),
      Buffer.from(wavHeader({ encoding: 'pcm_s16le', sampleRate: 24000 })),
    );
    assert.equal(partial.length, 44 + 960);
    await file.frame(frame, true);
    assert.equal(await file.finish(), 44 + 1920);
    assert.deepEqual(
      await readFile(path),
      Buffer.from(wavFile('pcm_s16le', 24000, Buffer.concat([frame, frame]))),
    );
  });

  test('no frame at all still gives a complete, empty file', async () => {
    const path = join(dir, 'empty.wav');
    const file = new AudioFile(new WavContainer({ encoding: 'alaw', sampleRate: 8000 }), () =>
      openOutput(path, new PassThrough()),
    );
    await file.finish();
    assert.deepEqual(await readFile(path), Buffer.from(wavFile('alaw', 8000, new Uint8Array(0))));
  });

  test('stdout is written in order and never patched', async () => {
    const stdout = new PassThrough();
    const chunks: Buffer[] = [];
    stdout.on('data', (c: Buffer) => chunks.push(c));
    const file = new AudioFile(new WavContainer({ encoding: 'pcm_s16le', sampleRate: 16000 }), () =>
      openOutput('-', stdout),
    );
    const frame = new Uint8Array(640).fill(3);
    await file.frame(frame, false);
    assert.equal(await file.finish(), 44 + 640);
    assert.deepEqual(
      Buffer.concat(chunks),
      Buffer.concat([wavHeader({ encoding: 'pcm_s16le', sampleRate: 16000 }), frame]),
    );
  });

  test('a character device is not seekable', async () => {
    const sink = await openOutput('/dev/null', new PassThrough());
    try {
      assert.equal(sink.seekable, false);
      await sink.write(Uint8Array.of(1, 2));
      await assert.rejects(sink.writeAt(0, Uint8Array.of(1)), /not seekable/);
    } finally {
      await sink.close();
    }
  });
});
