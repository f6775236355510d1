/** The HTTP API's settings: which browser origins may call it, and what OpenAI voice names mean. */
import type { EnvReader } from './env-reader.js';

export interface HttpApiConfig {
  /** '*' (any origin), a list of exact origins, or undefined: no CORS headers at all. */
  readonly corsOrigins: '*' | readonly string[] | undefined;
  /** Lower-case alias (e.g. "alloy") → voice id. */
  readonly voiceAliases: Readonly<Record<string, string>>;
}

const VOICE_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

export function readHttpApiConfig(r: EnvReader, production: boolean): HttpApiConfig {
  return { corsOrigins: readCorsOrigins(r, production), voiceAliases: readVoiceAliases(r) };
}

function readCorsOrigins(r: EnvReader, production: boolean): HttpApiConfig['corsOrigins'] {
  const name = 'SPEECHGATE_CORS_ORIGINS';
  const value = r.raw(name)?.trim();
  if (value === undefined) return production ? undefined : '*';
  if (value === '' || value === 'off') return undefined;
  if (value === '*') return '*';
  const origins = value.split(',').map((o) => o.trim());
  for (const origin of origins) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (url === undefined || url.origin !== origin) {
      r.badValue(name, 'must be "*", "off" or a comma list of origins like https://app.example.com');
      return undefined;
    }
  }
  return origins;
}

function readVoiceAliases(r: EnvReader): Record<string, string> {
  const name = 'SPEECHGATE_VOICE_ALIASES';
  const value = r.raw(name)?.trim();
  const aliases: Record<string, string> = {};
  if (value === undefined || value === '') return aliases;
  for (const pair of value.split(',')) {
    const [alias, voice, extra] = pair.split('=').map((p) => p.trim());
    if (!alias || !voice || extra !== undefined || !VOICE_NAME.test(alias) || !VOICE_NAME.test(voice)) {
      r.badValue(name, 'must be a comma list of alias=voice pairs, e.g. alloy=slt-en-us,nova=slt-en-us');
      return {};
    }
    aliases[alias.toLowerCase()] = voice;
  }
  return aliases;
}
