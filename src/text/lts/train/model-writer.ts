import { gzipSync } from 'node:zlib';
import { ByteWriter, type Graphone, MAGIC, PHONEME_CODES, PROB_SCALE } from '../model-format.js';
import type { BackoffTrie } from './joint-ngram.js';

const PHONEME_CODE = new Map(PHONEME_CODES.map((p, i) => [p, i]));

/** Serialises a trained model; `graphones` are the tokens from FIRST_GRAPHONE on, in token order. */
export function writeModel(trie: BackoffTrie, graphones: readonly Graphone[]): Uint8Array {
  const out = new ByteWriter();
  for (const ch of MAGIC) out.u8(ch.charCodeAt(0));
  out.u8(trie.order);
  out.varint(graphones.length);
  for (const { letter, phonemes } of graphones) {
    out.u8(letter);
    out.u8(phonemes.length);
    for (const p of phonemes) {
      const code = PHONEME_CODE.get(p);
      if (code === undefined) throw new Error(`cannot store phoneme ${p}`);
      out.u8(code);
    }
  }
  const nodes = trie.token.length;
  out.varint(nodes);
  const children = (n: number): [number, number] => [trie.childStart[n] ?? 0, trie.childStart[n + 1] ?? 0];
  for (let n = 0; n < nodes; n++) {
    const [from, to] = children(n);
    out.varint(to - from);
  }
  for (let n = 0; n < nodes; n++) {
    const [from, to] = children(n);
    let previous = 0;
    for (let c = from; c < to; c++) {
      const t = trie.token[c] ?? 0;
      out.varint(t - previous);
      previous = t;
    }
  }
  const quantise = (v: number, lo: number, hi: number): number =>
    Math.min(Math.max(Math.round(v * PROB_SCALE), lo), hi);
  const probabilities: number[] = [];
  const backoffs: number[] = [];
  for (let n = 1; n < nodes; n++) {
    probabilities.push(quantise(-(trie.logProb[n] ?? 0), 0, 0xffff));
    const [from, to] = children(n);
    if (to > from) backoffs.push(quantise(trie.logBackoff[n] ?? 0, -0x8000, 0x7fff) & 0xffff);
  }
  out.u16Column(probabilities);
  out.u16Column(backoffs);
  return gzipSync(out.bytes(), { level: 9 });
}
