/** Debian's audio tools as a reader of the gateway's files: durations as ffprobe, soxi, flac and mpg123 see them. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Writes `bytes` to a temporary file named `name`, runs `use` on its path, removes it. */
export async function withFile<T>(
  name: string,
  bytes: Uint8Array,
  use: (path: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'sg-audio-'));
  try {
    const path = join(dir, name);
    await writeFile(path, bytes);
    return await use(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** ffprobe's format duration in seconds, and the codec name of the first stream. */
export async function ffprobe(path: string): Promise<{ seconds: number; codec: string; sampleRate: number }> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'format=duration:stream=codec_name,sample_rate',
    '-of',
    'json',
    path,
  ]);
  const info = JSON.parse(stdout) as {
    format: { duration: string };
    streams: { codec_name: string; sample_rate: string }[];
  };
  return {
    seconds: Number(info.format.duration),
    codec: info.streams[0]?.codec_name ?? '',
    sampleRate: Number(info.streams[0]?.sample_rate),
  };
}

/** Samples counted by decoding the whole file with ffmpeg (what a player really plays). */
export async function decodedSeconds(path: string): Promise<number> {
  const { stdout } = await run(
    'ffmpeg',
    ['-v', 'error', '-i', path, '-f', 's16le', '-ac', '1', '-ar', '24000', '-'],
    {
      encoding: 'buffer',
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  return stdout.length / 2 / 24000;
}

/** soxi -D: the duration sox reads from the header. */
export async function soxiSeconds(path: string): Promise<number> {
  const { stdout } = await run('soxi', ['-D', path]);
  return Number(stdout.trim());
}

/** `flac -t` verifies every frame's CRC and, when STREAMINFO has one, the MD5 of the decoded audio. */
export async function flacTest(path: string): Promise<void> {
  await run('flac', ['-s', '-t', path]);
}

/** mpg123 decodes to raw samples: the seconds it decoded. */
export async function mpg123Seconds(path: string): Promise<number> {
  const { stdout } = await run('mpg123', ['-q', '-s', '-m', path], {
    encoding: 'buffer',
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout.length / 2 / 24000;
}
