import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SYMBOLS, FRONTEND_VERSION } from '../text/phonemes.js';

/** voice.json, written by models/recipe/export.py. */
export interface VoiceManifest {
  id: string;
  name: string;
  language: string;
  sampleRate: number;
  mel: { nFft: number; hop: number; win: number; nMels: number; fMin: number; fMax: number };
  frontend: { version: string; symbols: string[] };
  files: {
    acoustic: { path: string; sha256: string };
    vocoder: { path: string; sha256: string; hop: number };
  };
}

export interface VoiceFiles {
  manifest: VoiceManifest;
  dir: string;
  acoustic: Uint8Array;
  vocoder: Uint8Array;
  /** Identifies the exact model pair; part of cache keys so a retrained voice never serves stale audio. */
  modelHash: string;
}

/** Reads a voice folder and refuses anything that does not match this front end or its own hashes. */
export async function readVoice(dir: string): Promise<VoiceFiles> {
  const manifest = JSON.parse(await readFile(join(dir, 'voice.json'), 'utf8')) as VoiceManifest;
  const problems: string[] = [];
  if (manifest.frontend?.version !== FRONTEND_VERSION) {
    problems.push(`front end ${manifest.frontend?.version} (this build has ${FRONTEND_VERSION})`);
  }
  if (JSON.stringify(manifest.frontend?.symbols) !== JSON.stringify(SYMBOLS)) {
    problems.push('its phoneme symbol table differs from this build');
  }
  const [acoustic, vocoder] = await Promise.all([
    readFile(join(dir, manifest.files.acoustic.path)),
    readFile(join(dir, manifest.files.vocoder.path)),
  ]);
  const acousticHash = sha256(acoustic);
  const vocoderHash = sha256(vocoder);
  if (acousticHash !== manifest.files.acoustic.sha256)
    problems.push('acoustic.onnx does not match its sha256');
  if (vocoderHash !== manifest.files.vocoder.sha256) problems.push('vocoder.onnx does not match its sha256');
  if (problems.length) throw new Error(`voice ${manifest.id ?? dir} cannot be used: ${problems.join('; ')}`);
  return {
    manifest,
    dir,
    acoustic,
    vocoder,
    modelHash: sha256(Buffer.from(acousticHash + vocoderHash)).slice(0, 16),
  };
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
