import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { advance, scoreToken } from '../model.js';
import { parseModel } from '../model-reader.js';
import { FIRST_GRAPHONE, type Graphone } from '../model-format.js';
import { BOS, EOS, trainBackoffTrie } from './joint-ngram.js';
import { writeModel } from './model-writer.js';

/** A small corpus over tokens 2..6, deterministic. */
function corpus(): Int32Array[] {
  const sequences: Int32Array[] = [];
  let state = 12345;
  for (let i = 0; i < 400; i++) {
    const length = 1 + (i % 6);
    const body: number[] = [];
    for (let j = 0; j < length; j++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      // Skewed so that some n-grams repeat and others are rare.
      body.push(FIRST_GRAPHONE + ((state >>> 16) % 5 === 4 ? 4 : (state >>> 16) % 3));
    }
    sequences.push(Int32Array.from([BOS, ...body, EOS]));
  }
  return sequences;
}

const graphones: Graphone[] = [0, 1, 2, 3, 4].map((i) => ({ letter: i, phonemes: i === 4 ? [] : ['K'] }));
const VOCABULARY = FIRST_GRAPHONE + graphones.length;
const PREDICTABLE = [EOS, ...graphones.map((_, i) => FIRST_GRAPHONE + i)];

describe('Kneser-Ney graphone n-gram', () => {
  for (const minCount of [[1], [1, 1, 2]]) {
    test(`every history's distribution sums to one (count cut-offs ${minCount.join(',')})`, () => {
      const model = parseModel(
        writeModel(trainBackoffTrie(corpus(), VOCABULARY, { order: 4, minCount }), graphones),
      );
      // Walk histories reachable from the start: after BOS, then after each extension.
      const histories = new Set<number>([advance(model, 0, BOS)]);
      for (let round = 0; round < 3; round++) {
        for (const h of [...histories])
          for (const t of PREDICTABLE.slice(1)) histories.add(advance(model, h, t));
      }
      assert.ok(histories.size > 5);
      for (const h of histories) {
        const total = PREDICTABLE.reduce((sum, t) => sum + Math.exp(scoreToken(model, h, t)), 0);
        // Quantised log probabilities (1/256 nat) leave a small error.
        assert.ok(Math.abs(total - 1) < 0.01, `history ${h}: ${total}`);
      }
    });
  }

  test('frequent continuations outscore rare ones', () => {
    const model = parseModel(
      writeModel(trainBackoffTrie(corpus(), VOCABULARY, { order: 3, minCount: [1] }), graphones),
    );
    const start = advance(model, 0, BOS);
    assert.ok(scoreToken(model, start, FIRST_GRAPHONE) > scoreToken(model, start, FIRST_GRAPHONE + 3));
  });
});
