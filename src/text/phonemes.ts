/**
 * The model's input alphabet. The order of SYMBOLS is the contract between the front end and a trained
 * acoustic model: ids are indices into it. Never reorder; append only, and bump FRONTEND_VERSION when the
 * mapping of text to symbols changes, so a voice trained on another version is refused.
 */
export const FRONTEND_VERSION = 'en-us-1';

export const PAD = '<pad>';
export const BOS = '<bos>';
export const EOS = '<eos>';
/** Between two words. Carries no sound of its own; its predicted duration is a pause when phrasing wants one. */
export const WORD_BOUNDARY = '_';

export const PUNCTUATION = [',', '.', '?', '!', ';', ':', '—', '…'] as const;
export type Punctuation = (typeof PUNCTUATION)[number];

export const CONSONANTS = [
  'B', 'CH', 'D', 'DH', 'F', 'G', 'HH', 'JH', 'K', 'L', 'M', 'N', 'NG', 'P', 'R', 'S', 'SH', 'T', 'TH', 'V',
  'W', 'Y', 'Z', 'ZH',
] as const; // prettier-ignore

export const VOWELS = [
  'AA', 'AE', 'AH', 'AO', 'AW', 'AY', 'EH', 'ER', 'EY', 'IH', 'IY', 'OW', 'OY', 'UH', 'UW',
] as const; // prettier-ignore

const STRESSED_VOWELS = VOWELS.flatMap((v) => [`${v}0`, `${v}1`, `${v}2`]);

export const SYMBOLS: readonly string[] = [
  PAD,
  BOS,
  EOS,
  WORD_BOUNDARY,
  ...PUNCTUATION,
  ...CONSONANTS,
  ...STRESSED_VOWELS,
];

const ID_OF = new Map(SYMBOLS.map((s, i) => [s, i]));

export function symbolId(symbol: string): number {
  const id = ID_OF.get(symbol);
  if (id === undefined) throw new Error(`unknown phoneme symbol ${JSON.stringify(symbol)}`);
  return id;
}

const PHONEMES = new Set<string>([...CONSONANTS, ...STRESSED_VOWELS]);

/** True for a sounding phoneme (not a boundary, punctuation or sentence marker). */
export function isPhoneme(symbol: string): boolean {
  return PHONEMES.has(symbol);
}

/** Normalises a CMU-style phoneme: vowels without a stress digit get 0, unknown symbols are rejected. */
export function canonicalPhoneme(p: string): string {
  const upper = p.toUpperCase();
  if (PHONEMES.has(upper)) return upper;
  if ((VOWELS as readonly string[]).includes(upper)) return `${upper}0`;
  throw new Error(`not an ARPAbet phoneme: ${JSON.stringify(p)}`);
}
