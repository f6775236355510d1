import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FrontEnd } from './frontend.js';
import { normalize } from './normalize.js';
import { lex } from './normalize/lexer.js';
import { SentenceSplitter } from './splitter.js';

/** Inputs of about n characters, of each kind that once grew faster than its input. */
const KINDS: Record<string, (n: number) => string> = {
  digits: (n) => '7'.repeat(n),
  'spaced numbers': (n) => '12345, '.repeat(Math.ceil(n / 7)),
  'dotted host': (n) => 'http://' + 'a.'.repeat(n / 2),
  word: (n) => 'b'.repeat(n),
  prose: (n) => 'Well, the quick brown fox jumps over the lazy dog. '.repeat(Math.ceil(n / 51)),
  'prose without marks': (n) => 'the quick brown fox jumps over the lazy dog '.repeat(Math.ceil(n / 44)),
  table: (n) => '| a | 1.5 | $3 |\n'.repeat(Math.ceil(n / 17)),
  symbols: (n) => '=*'.repeat(n / 2),
  code: (n) => 'f(x[i]) && g.h(); '.repeat(Math.ceil(n / 18)),
  'dots and spaces': (n) => '. a'.repeat(Math.ceil(n / 3)),
};

/** Counts of the front end's work and output on `text`. */
function measure(frontEnd: FrontEnd, text: string): Record<string, number> {
  const splitter = new SentenceSplitter();
  const segments = [...splitter.push(text), ...splitter.end()];
  let ids = 0;
  let words = 0;
  for (const segment of segments) {
    const p = frontEnd.phonemize(segment.text);
    ids += p.ids.length;
    words += p.words.length;
  }
  return {
    lexTokens: lex(text).length,
    normTokens: normalize(text).length,
    splitterScanned: splitter.scanned,
    segments: segments.length,
    ids,
    words,
  };
}

describe('the text front end is linear in its input', () => {
  const frontEnd = new FrontEnd();
  for (const [kind, make] of Object.entries(KINDS)) {
    test(`${kind}: doubling the input at most doubles each count`, () => {
      const small = measure(frontEnd, make(4000));
      const large = measure(frontEnd, make(8000));
      for (const [what, count] of Object.entries(large)) {
        const before = small[what] ?? 0;
        // Twice as much, plus a constant for the edges of the text.
        assert.ok(count <= 2 * before + 64, `${what}: ${before} -> ${count}`);
      }
      // The splitter looks at each character a bounded number of times.
      assert.ok(large.splitterScanned! <= 8 * 8000, `splitter examined ${large.splitterScanned} characters`);
    });
  }
});
