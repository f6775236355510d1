import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpeechgateError } from '../errors.js';
import { seededRandom } from '../util/random.js';
import { SentenceSplitter, type Segment, type SplitterOptions } from './splitter.js';

type Reason = Segment['reason'];
type Expected = [text: string, reason: Reason];

/** Seeded, so property-test failures can be replayed. */
const prng = seededRandom;

function splitWhole(text: string, options?: SplitterOptions): Segment[] {
  const splitter = new SentenceSplitter(options);
  return [...splitter.push(text), ...splitter.end()];
}

/** Pushes `text` in pieces of 1..maxPiece chars (1: char by char), then ends. */
function splitStreamed(text: string, options: SplitterOptions | undefined, seed: number, maxPiece: number) {
  const random = prng(seed);
  const splitter = new SentenceSplitter(options);
  const out: Segment[] = [];
  for (let i = 0; i < text.length;) {
    const size = 1 + Math.floor(random() * maxPiece);
    out.push(...splitter.push(text.slice(i, i + size)));
    i += size;
  }
  out.push(...splitter.end());
  return out;
}

/**
 * Segments lie in order, are exactly the text at their offsets, together hold every non-space char,
 * respect maxChars unless one word is longer, and end at word boundaries unless the caller forced a cut.
 */
function assertWellFormed(text: string, segments: Segment[], maxChars = 300): void {
  let covered = 0;
  for (const seg of segments) {
    assert.ok(seg.start >= covered, `segment at ${seg.start} overlaps the previous one`);
    assert.equal(text.slice(covered, seg.start).trim(), '', 'text skipped between segments');
    assert.equal(text.slice(seg.start, seg.end), seg.text);
    assert.equal(seg.text, seg.text.trim());
    assert.notEqual(seg.text, '');
    assert.ok(seg.text.length <= maxChars || !/\s/.test(seg.text), `over-long segment: ${seg.text}`);
    if (seg.reason !== 'flush' && seg.reason !== 'stall') {
      const next = text[seg.end];
      const endsAtMark = /[\u2014\u2015\u3001\u3002\uff01\uff0c\uff1a\uff1b\uff1f]$/.test(seg.text);
      assert.ok(next === undefined || /\s/.test(next) || endsAtMark, `cut mid-word: ${seg.text}`);
    }
    covered = seg.end;
  }
  assert.equal(text.slice(covered).trim(), '', 'text left over after the last segment');
}

interface Case {
  name: string;
  text: string;
  expect: Expected[];
  options?: SplitterOptions;
}

const S = 'sentence';
const E = 'end';
const NO_EARLY: SplitterOptions = { firstFragmentMinWords: Infinity };
const long = (words: number, word = 'word') => Array.from({ length: words }, () => word).join(' ');

const cases: Case[] = [
  // Plain sentence ends.
  {
    name: 'two sentences',
    text: 'Hello world. How are you?',
    expect: [
      ['Hello world.', S],
      ['How are you?', E],
    ],
  },
  { name: 'no terminator', text: 'just some words', expect: [['just some words', E]] },
  {
    name: 'exclamation',
    text: 'Stop! Go now.',
    expect: [
      ['Stop!', S],
      ['Go now.', E],
    ],
  },
  {
    name: 'multiple terminators',
    text: 'Really?! Yes.',
    expect: [
      ['Really?!', S],
      ['Yes.', E],
    ],
  },
  {
    name: 'question then digit',
    text: 'Why? 42 is why.',
    expect: [
      ['Why?', S],
      ['42 is why.', E],
    ],
  },
  { name: 'lowercase after ?', text: '"Who?" she asked.', expect: [['"Who?" she asked.', E]] },
  {
    name: 'extra whitespace',
    text: '  One.   \t Two.  ',
    expect: [
      ['One.', S],
      ['Two.', E],
    ],
  },
  { name: 'whitespace only', text: ' \n\t  ', expect: [] },
  {
    name: 'pronoun I ends',
    text: 'So do I. Then we go.',
    expect: [
      ['So do I.', S],
      ['Then we go.', E],
    ],
  },
  {
    name: 'number ends sentence',
    text: 'Born in 1990. Then moved.',
    expect: [
      ['Born in 1990.', S],
      ['Then moved.', E],
    ],
  },
  // Abbreviations and initials.
  {
    name: 'Dr. Smith',
    text: 'I met Dr. Smith today. Nice.',
    expect: [
      ['I met Dr. Smith today.', S],
      ['Nice.', E],
    ],
  },
  { name: 'Mr. and Mrs.', text: 'Mr. and Mrs. Jones came.', expect: [['Mr. and Mrs. Jones came.', E]] },
  {
    name: 'Prof. and St.',
    text: 'Prof. Lee lives in St. Louis. Ok.',
    expect: [
      ['Prof. Lee lives in St. Louis.', S],
      ['Ok.', E],
    ],
  },
  {
    name: 'initials',
    text: 'J. R. R. Tolkien wrote it. Yes.',
    expect: [
      ['J. R. R. Tolkien wrote it.', S],
      ['Yes.', E],
    ],
  },
  {
    name: 'U.S. Army',
    text: 'The U.S. Army won. Then peace.',
    expect: [
      ['The U.S. Army won.', S],
      ['Then peace.', E],
    ],
  },
  {
    name: 'e.g. and i.e.',
    text: 'Fruit, e.g. Apples, i.e. Food. Yes.',
    expect: [
      ['Fruit, e.g. Apples, i.e. Food.', S],
      ['Yes.', E],
    ],
    options: NO_EARLY,
  },
  {
    name: 'vs.',
    text: 'Cats vs. Dogs is old. Yes.',
    expect: [
      ['Cats vs. Dogs is old.', S],
      ['Yes.', E],
    ],
  },
  { name: 'Roe v. Wade', text: 'See Roe v. Wade for that.', expect: [['See Roe v. Wade for that.', E]] },
  {
    name: 'etc. then capital splits',
    text: 'Pens, ink, etc. The rest is gone.',
    expect: [
      ['Pens, ink, etc.', S],
      ['The rest is gone.', E],
    ],
  },
  {
    name: 'etc. then lowercase',
    text: 'Pens, ink, etc. are here.',
    expect: [['Pens, ink, etc. are here.', E]],
  },
  {
    name: 'Inc. then capital',
    text: 'I work at Acme Inc. It is fine.',
    expect: [
      ['I work at Acme Inc.', S],
      ['It is fine.', E],
    ],
  },
  {
    name: 'Jr. then capital',
    text: 'He is Sammy Davis Jr. He sings.',
    expect: [
      ['He is Sammy Davis Jr.', S],
      ['He sings.', E],
    ],
  },
  {
    name: 'p.m. then capital',
    text: 'Meet at 5 p.m. Then eat.',
    expect: [
      ['Meet at 5 p.m.', S],
      ['Then eat.', E],
    ],
  },
  {
    name: 'p.m. then lowercase',
    text: 'Meet at 5 p.m. tomorrow.',
    expect: [['Meet at 5 p.m. tomorrow.', E]],
  },
  { name: 'No. before number', text: 'Room No. 5 is free.', expect: [['Room No. 5 is free.', E]] },
  {
    name: 'No. as an answer',
    text: 'No. I will not.',
    expect: [
      ['No.', S],
      ['I will not.', E],
    ],
  },
  {
    name: 'Jan. before number',
    text: 'On Jan. 5 we met. Fine.',
    expect: [
      ['On Jan. 5 we met.', S],
      ['Fine.', E],
    ],
  },
  {
    name: 'approx.',
    text: 'It is approx. 5 km. Far.',
    expect: [
      ['It is approx. 5 km.', S],
      ['Far.', E],
    ],
  },
  {
    name: 'Ph.D. ends',
    text: 'She has a Ph.D. The end.',
    expect: [
      ['She has a Ph.D.', S],
      ['The end.', E],
    ],
  },
  {
    name: 'Co. Ltd. Corp.',
    text: 'Ask Foo Co. Ltd. Corp. Then go.',
    expect: [
      ['Ask Foo Co.', S],
      ['Ltd.', S],
      ['Corp.', S],
      ['Then go.', E],
    ],
  },
  // Numbers, URLs, e-mail.
  {
    name: 'decimal',
    text: 'Pi is 3.14 roughly. Yes.',
    expect: [
      ['Pi is 3.14 roughly.', S],
      ['Yes.', E],
    ],
  },
  {
    name: 'version',
    text: 'Use v2.0.1 now. Ok.',
    expect: [
      ['Use v2.0.1 now.', S],
      ['Ok.', E],
    ],
  },
  {
    name: 'price',
    text: 'It costs $3.50. Cheap.',
    expect: [
      ['It costs $3.50.', S],
      ['Cheap.', E],
    ],
  },
  {
    name: 'url',
    text: 'Open example.com/a.b now. Ok.',
    expect: [
      ['Open example.com/a.b now.', S],
      ['Ok.', E],
    ],
  },
  {
    name: 'url at sentence end',
    text: 'Visit example.com. Then wait.',
    expect: [
      ['Visit example.com.', S],
      ['Then wait.', E],
    ],
  },
  {
    name: 'e-mail',
    text: 'Mail john.doe@mail.com today. Ok.',
    expect: [
      ['Mail john.doe@mail.com today.', S],
      ['Ok.', E],
    ],
  },
  {
    name: 'thousands and clock',
    text: 'We had 1,000 cats at 10:30 today.',
    expect: [['We had 1,000 cats at 10:30 today.', E]],
  },
  // Ellipses.
  {
    name: 'ellipsis then lowercase',
    text: 'Wait... what? Ok.',
    expect: [
      ['Wait... what?', S],
      ['Ok.', E],
    ],
  },
  {
    name: 'ellipsis then capital',
    text: 'I wonder... Maybe not.',
    expect: [
      ['I wonder...', S],
      ['Maybe not.', E],
    ],
  },
  {
    name: 'unicode ellipsis',
    text: 'Hmm\u2026 Fine.',
    expect: [
      ['Hmm\u2026', S],
      ['Fine.', E],
    ],
  },
  { name: 'ellipsis inside word', text: 'Wait...what now.', expect: [['Wait...what now.', E]] },
  // Quotes and brackets.
  {
    name: 'quote after terminator',
    text: 'He said "Hi." Then left.',
    expect: [
      ['He said "Hi."', S],
      ['Then left.', E],
    ],
  },
  {
    name: 'curly quote',
    text: 'She said \u201cNo!\u201d Then left.',
    expect: [
      ['She said \u201cNo!\u201d', S],
      ['Then left.', E],
    ],
  },
  {
    name: 'bracket',
    text: 'Done (see above.) Next one.',
    expect: [
      ['Done (see above.)', S],
      ['Next one.', E],
    ],
  },
  {
    name: 'markdown bold',
    text: '**Done.** Next step.',
    expect: [
      ['**Done.**', S],
      ['Next step.', E],
    ],
  },
  {
    name: 'opening quote starts',
    text: 'Ok. "Yes," he said.',
    expect: [
      ['Ok.', S],
      ['"Yes," he said.', E],
    ],
  },
  // Newlines.
  {
    name: 'blank line always splits',
    text: 'a title\n\nsome text',
    expect: [
      ['a title', S],
      ['some text', E],
    ],
  },
  {
    name: 'blank line after Dr.',
    text: 'Call Dr.\n\nSmith later',
    expect: [
      ['Call Dr.', S],
      ['Smith later', E],
    ],
  },
  {
    name: 'newline before capital',
    text: 'Heading\nBody text',
    expect: [
      ['Heading', S],
      ['Body text', E],
    ],
  },
  {
    name: 'hard-wrapped line',
    text: 'this line is\nwrapped here',
    expect: [['this line is\nwrapped here', E]],
  },
  { name: 'newline after comma', text: 'Dear John,\nThanks.', expect: [['Dear John,\nThanks.', E]] },
  {
    name: 'numbered list',
    text: 'Steps:\n1. Open it.\n2. Close it.',
    expect: [
      ['Steps:', S],
      ['1. Open it.', S],
      ['2. Close it.', E],
    ],
  },
  {
    name: 'bullet list',
    text: 'Items:\n- one\n- two',
    expect: [
      ['Items:', S],
      ['- one', S],
      ['- two', E],
    ],
  },
  {
    name: 'punctuation-only is not a sentence',
    text: 'Hi.\n\n---\n\nBye.',
    expect: [
      ['Hi.', S],
      ['---\n\nBye.', E],
    ],
  },
  {
    name: 'CJK full stops',
    text: '\u4f60\u597d\u3002\u6211\u5f88\u597d\u3002',
    expect: [
      ['\u4f60\u597d\u3002', S],
      ['\u6211\u5f88\u597d\u3002', E],
    ],
  },
  // Early first fragment.
  {
    name: 'first fragment',
    text: 'Well, I think that we should, maybe, go. Then, we can, eat.',
    expect: [
      ['Well, I think that we should,', 'clause'],
      ['maybe, go.', S],
      ['Then, we can, eat.', E],
    ],
  },
  {
    name: 'first fragment needs words',
    text: 'Yes, I do. Fine.',
    expect: [
      ['Yes, I do.', S],
      ['Fine.', E],
    ],
  },
  {
    name: 'first fragment at em dash',
    text: 'I really do believe\u2014no doubt about it.',
    expect: [
      ['I really do believe\u2014', 'clause'],
      ['no doubt about it.', E],
    ],
  },
  {
    name: 'first fragment at spaced dash',
    text: 'We went out there - it was cold.',
    expect: [
      ['We went out there -', 'clause'],
      ['it was cold.', E],
    ],
  },
  {
    name: 'first fragment at semicolon',
    text: 'It rained all day; we stayed in.',
    expect: [
      ['It rained all day;', 'clause'],
      ['we stayed in.', E],
    ],
  },
  {
    name: 'first fragment min words option',
    text: 'Hi there, friend.',
    options: { firstFragmentMinWords: 2 },
    expect: [
      ['Hi there,', 'clause'],
      ['friend.', E],
    ],
  },
  {
    name: 'first fragment after a quoted clause',
    text: '"Yes, sir," he said.',
    options: { firstFragmentMinWords: 2 },
    expect: [
      ['"Yes, sir,"', 'clause'],
      ['he said.', E],
    ],
  },
  {
    name: 'first fragment disabled',
    text: 'Well, I think that we should, go.',
    options: NO_EARLY,
    expect: [['Well, I think that we should, go.', E]],
  },
  {
    name: 'first fragment only after first sentence start',
    text: 'Ok. Then I think that we should, go.',
    expect: [
      ['Ok.', S],
      ['Then I think that we should, go.', E],
    ],
  },
  // Long sentences.
  {
    name: 'length cut at last clause',
    text: 'alpha beta gamma, delta epsilon zeta; eta theta iota kappa lambda mu nu xi.',
    options: { maxChars: 50, ...NO_EARLY },
    expect: [
      ['alpha beta gamma, delta epsilon zeta;', 'length'],
      ['eta theta iota kappa lambda mu nu xi.', E],
    ],
  },
  {
    name: 'length cut before conjunction',
    text: 'we walked along the bank and talked for hours but then it rained a lot again.',
    options: { maxChars: 50 },
    expect: [
      ['we walked along the bank and talked for hours', 'length'],
      ['but then it rained a lot again.', E],
    ],
  },
  {
    name: 'length cut at last space',
    text: `${long(12)}.`,
    options: { maxChars: 30 },
    expect: [
      [long(6), 'length'],
      [`${long(6)}.`, E],
    ],
  },
  {
    name: 'clause too near the start is ignored',
    text: 'ok, aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii',
    options: { maxChars: 40, ...NO_EARLY },
    expect: [
      ['ok, aaaa bbbb cccc dddd eeee ffff gggg', 'length'],
      ['hhhh iiii', E],
    ],
  },
  {
    name: 'never mid-word',
    text: `go ${'x'.repeat(45)} now.`,
    options: { maxChars: 20 },
    expect: [
      ['go', 'length'],
      ['x'.repeat(45), 'length'],
      ['now.', E],
    ],
  },
];

void describe('SentenceSplitter: table', () => {
  for (const c of cases) {
    void test(c.name, () => {
      const whole = splitWhole(c.text, c.options);
      assert.deepEqual(
        whole.map((s) => [s.text, s.reason]),
        c.expect,
      );
      assertWellFormed(c.text, whole, c.options?.maxChars);
      assert.deepEqual(splitStreamed(c.text, c.options, 1, 1), whole, 'char by char');
      assert.deepEqual(splitStreamed(c.text, c.options, 2, 4), whole, 'small tokens');
    });
  }
});

/** Random text built from pieces that exercise every rule, with the separators that matter. */
function randomText(random: () => number): string {
  const words = ['the', 'cat', 'Sat', 'on', 'a', 'mat', 'I', 'and', 'which', 'because', 'Then', 'It', 'ok'];
  const tricky = [
    ...[
      'Dr.',
      'Mr.',
      'etc.',
      'e.g.',
      'i.e.',
      'U.S.',
      'No.',
      'Jan.',
      'p.m.',
      'J.',
      'Inc.',
      'vs.',
      '1.',
      '12.',
    ],
    ...['3.14', '1,000', '10:30', '$3.50', 'v2.0.1', 'example.com/a.b', 'john.doe@mail.com', '1990.'],
    ...['-', '\u2014', '\u2026', '...', '"Hi."', '(see.)', '**Done.**', '\ud83d\ude00', '\u4f60\u597d\u3002'],
    ...['supercalifragilisticexpialidocious', 'x'.repeat(70)],
  ];
  const attach = ['', '', '', '', ',', ';', ':', '.', '.', '?', '!', '?!', '...', '."', '.)', '\u2014'];
  const gaps = [' ', ' ', ' ', ' ', ' ', '  ', '\n', '\n\n', '\t', ' \n '];
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
  let text = random() < 0.2 ? pick(gaps) : '';
  const count = Math.floor(random() * 120);
  for (let i = 0; i < count; i++) {
    text += (random() < 0.25 ? pick(tricky) : pick(words)) + pick(attach) + pick(gaps);
  }
  return random() < 0.5 ? text.trimEnd() : text;
}

const optionSets: (SplitterOptions | undefined)[] = [
  undefined,
  { maxChars: 40 },
  { maxChars: 25, firstFragmentMinWords: 2 },
  { maxChars: 60, firstFragmentMinWords: Infinity },
];

void describe('SentenceSplitter: streaming equivalence', () => {
  void test('token-by-token pushes give the same segments as one push', () => {
    const random = prng(20240611);
    const reasons = new Set<Reason>();
    for (let n = 0; n < 250; n++) {
      const text = randomText(random);
      for (const options of optionSets) {
        const whole = splitWhole(text, options);
        assertWellFormed(text, whole, options?.maxChars);
        for (const seg of whole) reasons.add(seg.reason);
        for (const [seed, maxPiece] of [
          [n, 1],
          [n + 1, 5],
          [n + 2, 40],
        ] as const) {
          const streamed = splitStreamed(text, options, seed, maxPiece);
          assert.deepEqual(streamed, whole, `text #${n} ${JSON.stringify(text)} pieces<=${maxPiece}`);
        }
      }
    }
    assert.deepEqual(
      [...reasons].sort(),
      ['clause', 'end', 'length', 'sentence'],
      'the texts exercise every rule',
    );
  });

  void test('each pushed piece only returns segments that lie before its end', () => {
    const random = prng(7);
    for (let n = 0; n < 50; n++) {
      const text = randomText(random);
      const splitter = new SentenceSplitter({ maxChars: 40 });
      let pushed = 0;
      for (let i = 0; i < text.length; i += 3) {
        const piece = text.slice(i, i + 3);
        pushed += piece.length;
        for (const seg of splitter.push(piece)) assert.ok(seg.end <= pushed);
      }
    }
  });

  void test('a sentence end waits for the next characters', () => {
    const splitter = new SentenceSplitter();
    assert.deepEqual(splitter.push('I met Dr.'), []);
    assert.deepEqual(splitter.push(' '), []);
    assert.deepEqual(splitter.push('Smith'), []);
    assert.deepEqual(splitter.push('. '), []);
    assert.deepEqual(splitter.push('It is 3.'), [
      { text: 'I met Dr. Smith.', start: 0, end: 16, reason: 'sentence' },
    ]);
    assert.deepEqual(splitter.push('14'), []);
    assert.deepEqual(splitter.push('.'), []);
    assert.deepEqual(splitter.end(), [{ text: 'It is 3.14.', start: 17, end: 28, reason: 'end' }]);
  });
});

void describe('SentenceSplitter: offsets', () => {
  void test('offsets count every char pushed, including whitespace and earlier segments', () => {
    const text = '  First one.\n\n  Second, with a clause, here!  Third?  ';
    const segments = splitStreamed(text, undefined, 3, 2);
    assert.deepEqual(
      segments.map((s) => [s.start, s.end, s.reason]),
      [
        [2, 12, 'sentence'],
        [16, 44, 'sentence'],
        [46, 52, 'end'],
      ],
    );
    for (const seg of segments) assert.equal(text.slice(seg.start, seg.end), seg.text);
  });

  void test('offsets stay right across flush and stall cuts', () => {
    const random = prng(99);
    for (let n = 0; n < 60; n++) {
      const text = randomText(random);
      const splitter = new SentenceSplitter({ maxChars: 50 });
      const segments: Segment[] = [];
      for (let i = 0; i < text.length;) {
        const size = 1 + Math.floor(random() * 8);
        segments.push(...splitter.push(text.slice(i, i + size)));
        i += size;
        const roll = random();
        if (roll < 0.1) {
          const seg = splitter.flushStalled();
          if (seg) segments.push(seg);
        } else if (roll < 0.13) segments.push(...splitter.flush());
      }
      segments.push(...splitter.end());
      assertWellFormed(text, segments, 50);
    }
  });

  void test('buffered counts waiting chars from the first non-space one', () => {
    const splitter = new SentenceSplitter();
    assert.equal(splitter.buffered, 0);
    splitter.push('   ');
    assert.equal(splitter.buffered, 0);
    splitter.push('Hi there.');
    assert.equal(splitter.buffered, 'Hi there.'.length);
    splitter.push(' Yo');
    assert.equal(splitter.buffered, 'Yo'.length);
    splitter.push(' u');
    assert.equal(splitter.buffered, 'Yo u'.length);
    splitter.end();
    assert.equal(splitter.buffered, 0);
  });
});

void describe('SentenceSplitter: flushStalled', () => {
  void test('keeps a partial last word and needs stallMinWords words', () => {
    const splitter = new SentenceSplitter();
    splitter.push('Hel');
    assert.equal(splitter.flushStalled(), undefined);
    splitter.push('lo my fri');
    assert.equal(splitter.flushStalled(), undefined, 'only two complete words');
    splitter.push('end, how');
    assert.deepEqual(splitter.flushStalled(), {
      text: 'Hello my friend,',
      start: 0,
      end: 16,
      reason: 'stall',
    });
    assert.equal(splitter.buffered, 3);
    splitter.push(' are you?');
    assert.deepEqual(splitter.end(), [{ text: 'how are you?', start: 17, end: 29, reason: 'end' }]);
  });

  void test('trailing whitespace means the last word is complete', () => {
    const splitter = new SentenceSplitter();
    splitter.push('one two three ');
    assert.equal(splitter.flushStalled()?.text, 'one two three');
    assert.equal(splitter.buffered, 0);
    assert.equal(splitter.flushStalled(), undefined);
  });

  void test('a finished sentence at the buffer end goes whole', () => {
    const splitter = new SentenceSplitter();
    splitter.push('How are you?');
    assert.equal(splitter.flushStalled()?.text, 'How are you?');
  });

  void test('words that bind to the next one stay buffered', () => {
    for (const [pushed, spoken, kept] of [
      ['I went to see Dr.', 'I went to see', 'Dr.'],
      ['I went to see Dr. ', 'I went to see', 'Dr. '],
      ['we paid about $3.', 'we paid about', '$3.'],
      ['this was written by J. R. R.', 'this was written by', 'J. R. R.'],
      ['look at page No. ', 'look at page', 'No. '],
      ['and that was it etc.', 'and that was it etc.', ''],
    ] as const) {
      const splitter = new SentenceSplitter();
      splitter.push(pushed);
      assert.equal(splitter.flushStalled()?.text, spoken, pushed);
      assert.equal(splitter.buffered, kept.length, pushed);
    }
  });

  void test('stallMinWords option', () => {
    const splitter = new SentenceSplitter({ stallMinWords: 1 });
    splitter.push('Yes.');
    assert.equal(splitter.flushStalled()?.text, 'Yes.');
    splitter.push(' Mayb');
    assert.equal(splitter.flushStalled(), undefined);
  });

  void test('after a stall the first-fragment rule no longer applies', () => {
    const splitter = new SentenceSplitter();
    splitter.push('So here we ');
    assert.equal(splitter.flushStalled()?.reason, 'stall');
    assert.deepEqual(splitter.push('are now, in the end, happy'), []);
    assert.deepEqual(
      splitter.end().map((s) => s.text),
      ['are now, in the end, happy'],
    );
  });
});

void describe('SentenceSplitter: flush and end', () => {
  void test('flush speaks everything, even an unsettled ending', () => {
    const splitter = new SentenceSplitter();
    assert.deepEqual(splitter.push('Call Dr.'), []);
    assert.deepEqual(splitter.flush(), [{ text: 'Call Dr.', start: 0, end: 8, reason: 'flush' }]);
    assert.deepEqual(splitter.flush(), []);
    assert.deepEqual(splitter.push(' Smith now. Ok'), [
      { text: 'Smith now.', start: 9, end: 19, reason: 'sentence' },
    ]);
    assert.deepEqual(splitter.end(), [{ text: 'Ok', start: 20, end: 22, reason: 'end' }]);
  });

  void test('end is final', () => {
    const splitter = new SentenceSplitter();
    splitter.push('Bye.');
    assert.equal(splitter.end().length, 1);
    assert.deepEqual(splitter.end(), []);
    assert.equal(splitter.flushStalled(), undefined);
    assert.throws(
      () => splitter.push('more'),
      (err: unknown) => err instanceof SpeechgateError && err.code === 'bad_request',
    );
    assert.throws(() => splitter.flush(), SpeechgateError);
  });

  void test('invalid options are rejected', () => {
    for (const options of [
      { maxChars: 5 },
      { maxChars: 12.5 },
      { stallMinWords: 0 },
      { firstFragmentMinWords: -1 },
      { maxChars: NaN },
    ]) {
      assert.throws(() => new SentenceSplitter(options), SpeechgateError, JSON.stringify(options));
    }
  });

  void test('a long stream pushed char by char stays in small segments', () => {
    const sentence =
      'The quick brown fox, which was fast, jumped over the lazy dog near St. Louis at 5 p.m. ';
    const splitter = new SentenceSplitter();
    let count = 0;
    for (let n = 0; n < 2000; n++) {
      for (const ch of sentence) count += splitter.push(ch).length;
    }
    count += splitter.end().length;
    assert.equal(count, 2001, 'first fragment + 2000 sentence tails');
    assert.ok(splitter.buffered === 0);
  });
});
