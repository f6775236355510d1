import { createHash } from 'node:crypto';

/** Bump when the key inputs or the value encoding change, so old entries are simply never read. */
export const PHRASE_CACHE_KEY_PREFIX = 'sg:v1:';

export interface PhraseKeyParts {
  /** The normalised sentence. */
  text: string;
  voiceId: string;
  /** Identifies the exact model weights, so a model update never serves stale audio. */
  modelHash: string;
  speed: number;
  /** Output format id including anything that changes the bytes (codec, sample rate, bitrate...). */
  format: string;
}

/**
 * Stable cache key: a hash, so the user's text never appears in Redis keys, logs or `KEYS` output.
 * The parts are JSON-encoded as an array, which makes the concatenation unambiguous.
 */
export function phraseCacheKey(p: PhraseKeyParts): string {
  if (!Number.isFinite(p.speed)) throw new RangeError('speed must be a finite number');
  // Rounded so that float noise (1.1 vs 1.1000000000000001) does not split the cache.
  const speed = Math.round(p.speed * 1000) / 1000;
  const canonical = JSON.stringify([p.text, p.voiceId, p.modelHash, speed, p.format]);
  return PHRASE_CACHE_KEY_PREFIX + createHash('sha256').update(canonical, 'utf8').digest('base64url');
}
