/**
 * Character-level helpers. Folding maps each UTF-16 unit to exactly one unit, so offsets into the
 * folded text are offsets into the caller's input: spans never need re-mapping.
 */

const FOLD: Readonly<Record<string, string>> = {
  '\u00ab': '"',
  '\u00bb': '"',
  '\u00b4': "'",
  '\u02bc': "'",
  '`': "'",
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2015': '—',
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201b': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u201f': '"',
  '\u2024': '.',
  '\u2028': '\n',
  '\u2029': '\n',
  '\u2032': "'",
  '\u2033': '"',
  '\u2039': '"',
  '\u203a': '"',
  '\u2212': '-',
  '\u3001': ',',
  '\u3002': '.',
  '\ufe63': '-',
};

// Everything FOLD knows, fullwidth ASCII (U+FF01-FF5E) and the exotic spaces (which fold to ' ').
const FOLD_RE =
  /[\t\v\f\r\u00a0\u00ab\u00b4\u00bb\u02bc`\u2000-\u200a\u2010-\u2012\u2015\u2018-\u201f\u2024\u2028\u2029\u202f\u2032\u2033\u2039\u203a\u205f\u2212\u3000-\u3002\ufe63\uff01-\uff5e]/g;

export function fold(input: string): string {
  return input.replace(FOLD_RE, (ch) => {
    const code = ch.charCodeAt(0);
    if (code >= 0xff01 && code <= 0xff5e) return String.fromCharCode(code - 0xfee0);
    return FOLD[ch] ?? ' ';
  });
}

const LETTER = /\p{L}/u;
const MARK = /\p{M}/u;
const SPACE = /\s/u;

export function isLetter(cp: number): boolean {
  if (cp < 128) return (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122);
  return LETTER.test(String.fromCodePoint(cp));
}

/** Combining marks, the soft hyphen and zero-width joiners: kept inside a word, dropped when spoken. */
export function isWordInner(cp: number): boolean {
  if (cp < 128) return false;
  return cp === 0xad || cp === 0x200c || cp === 0x200d || MARK.test(String.fromCodePoint(cp));
}

export function isDigit(cp: number): boolean {
  return cp >= 48 && cp <= 57;
}

export function isSpace(cp: number): boolean {
  if (cp === 32 || (cp >= 9 && cp <= 13)) return true;
  if (cp < 128) return false;
  return cp === 0x200b || cp === 0x2060 || cp === 0xfeff || SPACE.test(String.fromCodePoint(cp));
}

// Latin letters that NFD does not decompose into a base letter plus marks.
const LATIN_SPECIAL: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  Æ: 'ae',
  œ: 'oe',
  Œ: 'oe',
  ø: 'o',
  Ø: 'o',
  đ: 'd',
  Đ: 'd',
  ð: 'd',
  Ð: 'd',
  þ: 'th',
  Þ: 'th',
  ł: 'l',
  Ł: 'l',
  ı: 'i',
};
const LATIN_SPECIAL_RE = /[ßæÆœŒøØđĐðÐþÞłŁı]/g;
const PLAIN_WORD = /^[a-z']+$/;
const MARKS_RE = /\p{M}/gu;
const NOT_WORD_CHAR = /[^a-z']/g;

/**
 * The spoken form of written letters: diacritics stripped, lowercase, only [a-z'], no apostrophe at
 * either end. Letters of other scripts vanish (the voice cannot say them); the result may be ''.
 */
export function toWordText(raw: string): string {
  let s = raw.toLowerCase();
  if (!PLAIN_WORD.test(s)) {
    s = s
      .normalize('NFD')
      .replace(MARKS_RE, '')
      .replace(LATIN_SPECIAL_RE, (ch) => LATIN_SPECIAL[ch] ?? '')
      .replace(NOT_WORD_CHAR, '');
  }
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) === 39) a++;
  while (b > a && s.charCodeAt(b - 1) === 39) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

export function hasUpper(s: string): boolean {
  return s !== s.toLowerCase();
}

/** Every cased letter is uppercase and there is at least one. */
export function isAllCaps(s: string): boolean {
  return s === s.toUpperCase() && s !== s.toLowerCase();
}

export function startsUpper(s: string): boolean {
  const first = s.charAt(0);
  return first !== first.toLowerCase();
}

export function startsLower(s: string): boolean {
  const first = s.charAt(0);
  return first !== first.toUpperCase();
}
