/**
 * The 39 CMU phonemes. Kept local to the letter-to-sound model so its output contract does not move
 * when the front end's symbol table grows.
 */
export const CONSONANTS: readonly string[] = [
  'B', 'CH', 'D', 'DH', 'F', 'G', 'HH', 'JH', 'K', 'L', 'M', 'N', 'NG', 'P', 'R', 'S', 'SH', 'T', 'TH', 'V',
  'W', 'Y', 'Z', 'ZH',
]; // prettier-ignore

export const VOWELS: readonly string[] = [
  'AA', 'AE', 'AH', 'AO', 'AW', 'AY', 'EH', 'ER', 'EY', 'IH', 'IY', 'OW', 'OY', 'UH', 'UW',
]; // prettier-ignore

/** Stress-free inventory: consonants then vowels. */
export const BASE_PHONEMES: readonly string[] = [...CONSONANTS, ...VOWELS];

const VOWEL_SET = new Set(VOWELS);
const CONSONANT_SET = new Set(CONSONANTS);

/** True for a consonant, or a vowel carrying a 0/1/2 stress digit. */
export function isArpabet(symbol: string): boolean {
  if (CONSONANT_SET.has(symbol)) return true;
  const digit = symbol.at(-1);
  return (digit === '0' || digit === '1' || digit === '2') && VOWEL_SET.has(symbol.slice(0, -1));
}

export function stripStress(symbol: string): string {
  const last = symbol.at(-1);
  return last !== undefined && last >= '0' && last <= '9' ? symbol.slice(0, -1) : symbol;
}
