/**
 * The voice and model catalogues of the HTTP API: GET /v1/voices (what a voice picker needs) and
 * GET /v1/models (OpenAI's list shape, which its SDKs read first). Optional manifest fields (`gender`,
 * `description`) are read from each voice folder's voice.json once; a manifest without them still serves.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GatewayDeps } from '../gateway-deps.js';
import { OPENAI_VOICE_NAMES, type VoiceCatalog } from './request.js';

/** OpenAI model names the speech route accepts as `model` (every value is accepted; these are listed). */
export const OPENAI_MODEL_ALIASES = ['tts-1', 'tts-1-hd', 'gpt-4o-mini-tts'] as const;

export interface VoiceEntry {
  id: string;
  name: string;
  language: string | null;
  gender: string | null;
  sample_rate: number;
  description: string;
  default: boolean;
  /** OpenAI voice names that select this voice. */
  aliases: string[];
}

interface ManifestExtras {
  language?: unknown;
  gender?: unknown;
  description?: unknown;
}

const extrasByDir = new Map<string, Promise<ReadonlyMap<string, ManifestExtras>>>();

/** id → the optional fields of its voice.json, read once per voices folder. */
function manifestExtras(voicesDir: string): Promise<ReadonlyMap<string, ManifestExtras>> {
  let found = extrasByDir.get(voicesDir);
  if (found === undefined) {
    found = readExtras(voicesDir);
    extrasByDir.set(voicesDir, found);
  }
  return found;
}

async function readExtras(voicesDir: string): Promise<ReadonlyMap<string, ManifestExtras>> {
  const out = new Map<string, ManifestExtras>();
  const entries = await readdir(voicesDir).catch(() => [] as string[]);
  for (const entry of entries) {
    try {
      const manifest = JSON.parse(await readFile(join(voicesDir, entry, 'voice.json'), 'utf8')) as {
        id?: unknown;
      } & ManifestExtras;
      if (typeof manifest.id === 'string') out.set(manifest.id, manifest);
    } catch {
      // Not a voice folder, or not one this gateway loaded: the registry decides what is served.
    }
  }
  return out;
}

/** What the request parser needs to resolve `voice`. */
export function voiceCatalog(deps: GatewayDeps): VoiceCatalog {
  const ids = deps.voices.list().map((v) => v.id);
  return {
    ids,
    defaultVoice: deps.voices.defaultVoice,
    aliases: new Map(Object.entries(deps.config.http.voiceAliases)),
  };
}

/** The voice an OpenAI name resolves to. */
function aliasTarget(name: string, catalog: VoiceCatalog): string {
  return catalog.aliases?.get(name) ?? catalog.defaultVoice;
}

export async function listVoices(deps: GatewayDeps): Promise<VoiceEntry[]> {
  const extras = await manifestExtras(deps.config.tts.voicesDir);
  const catalog = voiceCatalog(deps);
  const names = new Set([...OPENAI_VOICE_NAMES, ...(catalog.aliases?.keys() ?? [])]);
  return deps.voices.list().map((voice) => {
    const extra = extras.get(voice.id) ?? {};
    return {
      id: voice.id,
      name: voice.name,
      language: voice.language ?? (typeof extra.language === 'string' ? extra.language : null),
      gender: typeof extra.gender === 'string' ? extra.gender : null,
      sample_rate: voice.sampleRate,
      description: typeof extra.description === 'string' ? extra.description : voice.name,
      default: voice.id === catalog.defaultVoice,
      aliases: [...names].filter((n) => aliasTarget(n, catalog) === voice.id).sort(),
    };
  });
}

export function listModels(deps: GatewayDeps): { object: 'list'; data: unknown[] } {
  const ids = [...deps.voices.list().map((v) => v.id), ...OPENAI_MODEL_ALIASES];
  return {
    object: 'list',
    data: ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'speechgate' })),
  };
}
