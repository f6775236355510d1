import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fromRoot } from '../util/paths.js';
import { FrontEnd } from '../text/frontend.js';
import { PATHOLOGICAL_TEXTS } from '../text/pathological.js';
import { SentenceSplitter } from '../text/splitter.js';
import { MAX_ACOUSTIC_TOKENS, acousticLimit, joinAcoustic, splitForAcoustic } from './acoustic-pieces.js';
import { DEFAULT_CHUNKING, planChunks } from './chunking.js';
import { OnnxVoice } from './onnx-voice.js';

/** A vocoder call reads at most a chunk, its folded tail and context on both sides. */
const MAX_VOCODER_FRAMES =
  DEFAULT_CHUNKING.maxFrames + Math.ceil(DEFAULT_CHUNKING.maxFrames / 4) + 2 * DEFAULT_CHUNKING.context;

/** Segments as a session makes them: the whole text pushed, then ended. */
function segments(text: string): string[] {
  const splitter = new SentenceSplitter();
  return [...splitter.push(text), ...splitter.end()].map((s) => s.text);
}

describe('bounded work per inference step, whatever the text', () => {
  const frontEnd = new FrontEnd();

  for (const [name, text] of Object.entries(PATHOLOGICAL_TEXTS)) {
    test(`${name}: every acoustic run holds at most ${MAX_ACOUSTIC_TOKENS} tokens`, () => {
      let totalIds = 0;
      for (const segment of segments(text)) {
        const { ids } = frontEnd.phonemize(segment);
        totalIds += ids.length;
        for (const speed of [0.33, 1, 3]) {
          const limit = acousticLimit(speed);
          const pieces = splitForAcoustic(ids, limit);
          for (const piece of pieces) assert.ok(piece.ids.length <= limit, `${piece.ids.length} > ${limit}`);
          // The pieces read every token of the phrase once, in order, and nothing else.
          const read = pieces.flatMap((p) => ids.slice(p.from, p.to));
          assert.ok(read.length >= ids.length - 2 - pieces.length + 1 && read.length <= ids.length - 2);
        }
      }
      // Output grows at most linearly with the input: a few tokens per written character, whatever it is.
      assert.ok(totalIds <= 12 * text.length + 64, `${totalIds} ids for ${text.length} characters`);
    });
  }

  test('long sentences are cut after a sentence or clause mark where there is one', () => {
    const { ids, symbols } = frontEnd.phonemize(
      PATHOLOGICAL_TEXTS['a long sentence of clauses']!.slice(0, 600),
    );
    const pieces = splitForAcoustic(ids);
    assert.ok(pieces.length >= 2);
    for (const piece of pieces.slice(0, -1)) {
      assert.equal(piece.addedComma, false);
      assert.equal(symbols[piece.to - 1], ',', 'the piece ends on the clause mark');
    }
    const plain = frontEnd.phonemize(PATHOLOGICAL_TEXTS['a long sentence without marks']!.slice(0, 900));
    const cut = splitForAcoustic(plain.ids);
    assert.ok(cut.length >= 2);
    for (const piece of cut.slice(0, -1)) {
      assert.equal(piece.addedComma, true, 'a cut between words ends on a pause');
      assert.equal(plain.symbols[piece.to], '_', 'and falls on a word boundary');
    }
  });

  test('joined pieces give every frame to one token of the phrase', () => {
    const ids = frontEnd.phonemize(PATHOLOGICAL_TEXTS['a long sentence without marks']!.slice(0, 900)).ids;
    const pieces = splitForAcoustic(ids, 100);
    const outputs = pieces.map((p, k) => ({
      mel: new Float32Array(2 * p.ids.length).fill(k),
      frames: p.ids.length,
      durations: p.ids.map(() => 1),
    }));
    const joined = joinAcoustic(pieces, outputs, 2, ids.length);
    const frames = outputs.reduce((s, o) => s + o.frames, 0);
    assert.equal(joined.frames, frames);
    assert.equal(joined.durations.length, ids.length);
    assert.equal(
      joined.durations.reduce((a, b) => a + b, 0),
      frames,
    );
    // Mel rows are laid side by side: row 1 of the join holds each piece's row 1 in order.
    assert.equal(joined.mel[frames + outputs[0]!.frames], 1);
  });

  test(`vocoder calls read at most ${MAX_VOCODER_FRAMES} frames, whatever the phrase's length`, () => {
    for (const frames of [1, 7, 8, 9, 100, 1000, 12_345, 100_000]) {
      const spans = planChunks(frames);
      for (const s of spans) assert.ok(s.inputEnd - s.inputStart <= MAX_VOCODER_FRAMES);
      assert.equal(spans.at(-1)?.end, frames);
    }
  });
});

describe('bounded work on the real model', () => {
  let voice: OnnxVoice;
  const runs: { tokens: number; frames: number }[] = [];
  const calls: number[] = [];
  before(async () => {
    voice = await OnnxVoice.load(fromRoot('models', 'voices', 'slt-en-us'), { device: 'cpu', threads: 1 });
    const acoustic = voice.acousticModel.bind(voice);
    voice.acousticModel = async (phrase, speed) => {
      const out = await acoustic(phrase, speed);
      runs.push({ tokens: phrase.ids.length, frames: out.frames });
      return out;
    };
    const vocode = voice.vocodeBatch.bind(voice);
    voice.vocodeBatch = (mels, frames) => {
      calls.push(frames);
      return vocode(mels, frames);
    };
  });
  after(async () => {
    await voice.close();
  });

  for (const name of [
    'a 3,000-digit number',
    'an endless dotted host',
    '800 comma-separated numbers',
    'code',
  ]) {
    test(`${name}: its first sentence in bounded runs and bounded audio`, async () => {
      runs.length = 0;
      calls.length = 0;
      const first = segments(PATHOLOGICAL_TEXTS[name]!)[0]!;
      let samples = 0;
      for await (const chunk of voice.synthesize(voice.prepare(first))) samples += chunk.pcm.length;
      assert.ok(runs.length >= 1);
      for (const run of runs) {
        assert.ok(run.tokens <= MAX_ACOUSTIC_TOKENS);
        // About 5.6 frames per token in the training data; 12 leaves room for long pauses.
        assert.ok(run.frames <= 12 * run.tokens, `${run.frames} frames for ${run.tokens} tokens`);
      }
      for (const frames of calls)
        assert.ok(frames <= MAX_VOCODER_FRAMES, `a vocoder call of ${frames} frames`);
      // A 300-character segment is read in well under a minute.
      assert.ok(samples / voice.sampleRate < 60, `${samples / voice.sampleRate} s of audio`);
      assert.equal(samples, runs.reduce((s, r) => s + r.frames, 0) * 256);
    });
  }
});
