/** Speech-like test material for the codec tests: a gliding voiced tone, a formant, breath noise, a pause. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function speechLike(sampleRate: number, seconds: number, seed = 1): Int16Array {
  const n = Math.round(sampleRate * seconds);
  const x = new Int16Array(n);
  let state = seed;
  const noise = (): number => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff - 0.5;
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    // Syllables at 3 Hz, and 300 ms of digital silence in the middle.
    const pause = t > seconds / 2 && t < seconds / 2 + 0.3;
    const envelope = pause ? 0 : 0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t);
    const voiced = 8000 * Math.sin(2 * Math.PI * (120 + 40 * Math.sin(2 * Math.PI * 0.5 * t)) * t);
    const formant = 3000 * Math.sin(2 * Math.PI * 1250 * t);
    x[i] = Math.round(envelope * (voiced + formant + 800 * noise()));
  }
  return x;
}

/** Runs `command` on `input` written to a file named `name` in a fresh directory; returns the process. */
export function runOnFile(
  name: string,
  input: Uint8Array,
  command: string,
  args: (path: string) => string[],
): { status: number | null; stdout: Buffer; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'speechgate-codec-'));
  try {
    const path = join(dir, name);
    writeFileSync(path, input);
    const r = spawnSync(command, args(path), { maxBuffer: 256 * 1024 * 1024 });
    if (r.error) throw new Error(`${command} could not run (${r.error.message}): apt-get install it`);
    return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A file `command` wrote into a fresh directory: `args(inputPath, outputPath)`. */
export function convert(
  input: Uint8Array,
  inName: string,
  command: string,
  args: (inPath: string, outPath: string) => string[],
): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'speechgate-codec-'));
  try {
    const inPath = join(dir, inName);
    const outPath = join(dir, 'decoded.raw');
    writeFileSync(inPath, input);
    const r = spawnSync(command, args(inPath, outPath), { encoding: 'utf8' });
    if (r.error) throw new Error(`${command} could not run (${r.error.message}): apt-get install it`);
    if (r.status !== 0) throw new Error(`${command} failed (${r.status}): ${r.stderr}`);
    return readFileSync(outPath);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function int16(bytes: Buffer): Int16Array {
  const copy = new Uint8Array(bytes);
  return new Int16Array(copy.buffer, 0, copy.length >> 1);
}

/** The lag in [0, maxLag] at which `decoded` best matches `input`, and the normalised correlation there. */
export function bestAlignment(
  input: Int16Array,
  decoded: Int16Array,
  maxLag: number,
): { lag: number; r: number } {
  let best = { lag: 0, r: -1 };
  const n = Math.min(input.length, decoded.length - maxLag);
  for (let lag = 0; lag <= maxLag; lag++) {
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (let i = 0; i < n; i += 2) {
      const a = input[i]!;
      const b = decoded[i + lag]!;
      xy += a * b;
      xx += a * a;
      yy += b * b;
    }
    const r = xy / Math.sqrt(xx * yy || 1);
    if (r > best.r) best = { lag, r };
  }
  return best;
}

/** CPU milliseconds (user + system) this process spent per second of audio encoded by `encode`. */
export function cpuMsPerAudioSecond(audioSeconds: number, encode: () => void): number {
  const before = process.cpuUsage();
  encode();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / audioSeconds;
}
