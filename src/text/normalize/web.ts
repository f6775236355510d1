import { isSpace } from './chars.js';
import type { Emitter } from './emitter.js';
import { inDictionary } from './lexicon.js';
import { cardinalOrDigits, spellDigits } from './numbers.js';
import { own } from './table.js';

/**
 * URLs and e-mail addresses, found whole before ordinary lexing (their dots and slashes are not
 * sentence punctuation). Reading: the scheme and a leading "www." are dropped, "." is "dot", "/" is
 * "slash", "@" is "at"; known words are said, short or vowel-less pieces are spelled.
 */

const MAX_CHUNK = 2048;
const OPENERS = '([{<"\'';
const CLOSERS = ')]}>"\'.,;:!?';
const SCHEME = /^[a-z][a-z0-9+.-]{0,15}:\/\//i;
const WWW = /^www\./i;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const ALPHA_TLD = /^[a-z]{2,24}$/i;
const LOCAL_PART = /^[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*$/i;

// Bare domains (no scheme, no www.) are only recognised with these endings, so "e.g." or
// "file.js" stay text. Deliberately short: ".py", ".md", ".sh" look like file names.
const BARE_TLDS = new Set([
  'com', 'org', 'net', 'edu', 'gov', 'mil', 'int', 'io', 'ai', 'dev', 'app', 'co', 'uk', 'us', 'ca', 'de',
  'fr', 'es', 'nl', 'eu', 'au', 'jp', 'cn', 'in', 'ru', 'br', 'info', 'biz', 'tv', 'ly', 'gg', 'xyz', 'tech',
  'online', 'site', 'store', 'blog', 'cloud', 'news', 'ch', 'se', 'no', 'fi', 'dk', 'pl', 'ie', 'nz', 'be',
  'at', 'org', 'me', 'so', 'to', 'fm',
]); // prettier-ignore

export interface WebSpan {
  kind: 'url' | 'email';
  start: number;
  end: number;
}

function validHost(host: string, bare: boolean): boolean {
  const labels = host.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return false;
  const tld = labels[labels.length - 1] ?? '';
  return bare ? BARE_TLDS.has(tld.toLowerCase()) : ALPHA_TLD.test(tld) || /^\d+$/.test(tld);
}

function hostOf(rest: string): string {
  let end = 0;
  while (end < rest.length && !'/?#'.includes(rest.charAt(end))) end++;
  const host = rest.slice(0, end);
  const colon = host.indexOf(':');
  return colon < 0 ? host : /^:\d{1,5}$/.test(host.slice(colon)) ? host.slice(0, colon) : '';
}

function isEmail(core: string): boolean {
  const at = core.indexOf('@');
  if (at <= 0 || at !== core.lastIndexOf('@')) return false;
  const domain = core.slice(at + 1);
  const tld = domain.slice(domain.lastIndexOf('.') + 1);
  return LOCAL_PART.test(core.slice(0, at)) && validHost(domain, false) && ALPHA_TLD.test(tld);
}

function isUrl(core: string): boolean {
  const scheme = SCHEME.exec(core);
  if (scheme)
    return (
      validHost(hostOf(core.slice(scheme[0].length)), false) ||
      /^localhost\b/i.test(core.slice(scheme[0].length))
    );
  if (WWW.test(core)) return validHost(hostOf(core), false);
  const host = hostOf(core);
  // A bare domain must be lowercase-ish to avoid sentences glued together ("end.Next").
  return host !== '' && host === host.toLowerCase() && validHost(host, true);
}

/** A URL or e-mail address filling the whitespace-delimited chunk at `i`, minus wrapping punctuation. */
export function detectWeb(s: string, i: number): WebSpan | undefined {
  let end = i;
  while (end < s.length && !isSpace(s.charCodeAt(end))) {
    if (end - i > MAX_CHUNK) return undefined;
    end++;
  }
  let a = i;
  let b = end;
  while (a < b && OPENERS.includes(s.charAt(a))) a++;
  while (b > a && CLOSERS.includes(s.charAt(b - 1))) b--;
  if (b - a < 4) return undefined;
  const core = s.slice(a, b);
  if (core.includes('@')) return isEmail(core) ? { kind: 'email', start: a, end: b } : undefined;
  if (!core.includes('.') && !core.includes('://')) return undefined;
  return isUrl(core) ? { kind: 'url', start: a, end: b } : undefined;
}

const SEPARATOR_WORDS: Readonly<Record<string, string>> = {
  '.': 'dot',
  '/': 'slash',
  '-': 'dash',
  _: 'underscore',
  '?': 'question mark',
  '=': 'equals',
  '&': 'and',
  '#': 'hash',
  '%': 'percent',
  '+': 'plus',
  ':': 'colon',
  '~': 'tilde',
  '@': 'at',
};

const PIECE = /[a-z]+|[0-9]+|[^a-z0-9]/gi;
const CAMEL_PART = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+/g;

// Two-letter pieces are spelled (country codes, "io"), except these that are said as words.
const SAID_SHORT = new Set(['co', 'me', 'my', 'go', 'to', 'do', 'we', 'on', 'in', 'up', 'us', 'it', 'is']);

function speakLetters(part: string, out: Emitter, start: number, end: number): void {
  const lower = part.toLowerCase();
  const known = inDictionary(lower);
  const said =
    lower.length <= 2 ? SAID_SHORT.has(lower) : known || (lower.length > 3 && /[aeiouy]/.test(lower));
  if (said) out.say(lower, start, end);
  else out.spell(lower, start, end);
}

/** Reads URL or e-mail text piece by piece; every word carries the address's whole span. */
function speakAddress(text: string, out: Emitter, start: number, end: number): void {
  for (const m of text.matchAll(PIECE)) {
    const piece = m[0];
    const c = piece.charCodeAt(0);
    if (c >= 48 && c <= 57) {
      out.say(piece.length <= 2 && c !== 48 ? cardinalOrDigits(piece) : spellDigits(piece), start, end);
    } else if (/[a-z]/i.test(piece)) {
      const parts = piece.match(CAMEL_PART) ?? [piece];
      for (const part of parts) speakLetters(part, out, start, end);
    } else {
      const word = own(SEPARATOR_WORDS, piece);
      if (word !== undefined) out.say(word, start, end);
    }
  }
}

export function speakUrl(text: string, out: Emitter, start: number, end: number): void {
  const rest = text.replace(SCHEME, '').replace(WWW, '');
  let cut = rest.length;
  while (cut > 0 && rest.charCodeAt(cut - 1) === 47) cut--; // a trailing "/" is not read
  speakAddress(rest.slice(0, cut), out, start, end);
}

export function speakEmail(text: string, out: Emitter, start: number, end: number): void {
  speakAddress(text, out, start, end);
}
