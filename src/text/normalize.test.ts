import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normalize, type NormToken, type PunctMark } from './normalize.js';
import { PUNCTUATION, type Punctuation } from './phonemes.js';

// The marks emitted must be exactly the model's punctuation symbols (compile-time check).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const punctuationMatchesModel: Same<PunctMark, Punctuation> = true;

/**
 * Renders tokens as one line: words as they are, letters to be spelled (spell: true) in UPPERCASE
 * (word text is always lowercase, so this is unambiguous), punctuation marks as themselves.
 */
function show(tokens: readonly NormToken[]): string {
  return tokens.map((t) => (t.kind === 'word' && t.spell ? t.text.toUpperCase() : t.text)).join(' ');
}

const say = (input: string): string => show(normalize(input));

type Case = readonly [input: string, expected: string];

const CASES: Record<string, readonly Case[]> = {
  'plain text and punctuation': [
    ['Hello, world!', 'hello , world !'],
    ['Is it? Yes; no: maybe.', 'is it ? yes ; no : maybe .'],
    ['What?!', 'what ?'],
    ['Hi!!! ...', 'hi !'],
    ['ok... sure?!', 'ok … sure ?'],
    ['The ... end…', 'the … end …'],
    ['wait -- what — no – yes - ok', 'wait — what — no — yes — ok'],
    ['I—you', 'i — you'],
    ['(hello) world', 'hello , world'],
    ['hello (world).', 'hello , world .'],
    ['hello (world)', 'hello , world'],
    ['He said "hi" and \u2018bye\u2019', 'he said hi and bye'],
    ['she said: \u201cgo\u201d', 'she said : go'],
    ['\u00bfQu\u00e9 tal? \u00a1Hola!', 'que tal ? hola !'],
    ['. , ; hello', 'hello'],
    ['a\nb c', 'a , B C'],
    ['para one\n\npara two', 'para one . para two'],
    ['- item one\n- item two\n', 'item one — item two'],
    ['Home | About | Contact', 'home , about , contact'],
  ],
  'words, contractions, hyphens, diacritics': [
    ["don't it's I'm y'all o'clock", "don't it's i'm y'all o'clock"],
    ['Don\u2019t', "don't"],
    ["the dogs' bowls", 'the dogs bowls'],
    ['well-known x-ray T-shirt', 'well known X ray T shirt'],
    ['pre- and post-war', 'pre and post war'],
    ['caf\u00e9 na\u00efve Zo\u00eb fa\u00e7ade r\u00e9sum\u00e9', 'cafe naive zoe facade resume'],
    ['Stra\u00dfe \u00d8resund \u00c6sir', 'strasse oresund aesir'],
    ['cafe\u0301', 'cafe'],
    ['soft\u00adhyphen', 'softhyphen'],
    ['\uff28\uff45\uff4c\uff4c\uff4f \uff11\uff12', 'hello twelve'],
    ['hmm shh', 'hmm shh'],
    ['kg xyz', 'K G X Y Z'],
    ['a b x I', 'a B X i'],
    ['vitamin A.', 'vitamin A .'],
    ['A dog', 'a dog'],
  ],
  cardinals: [
    ['0', 'zero'],
    ['7', 'seven'],
    ['42', 'forty two'],
    ['100', 'one hundred'],
    ['1,234', 'one thousand two hundred thirty four'],
    ['1,234,567', 'one million two hundred thirty four thousand five hundred sixty seven'],
    ['10,000,000,000,000', 'ten trillion'],
    [
      '999,999,999,999,999',
      'nine hundred ninety nine trillion nine hundred ninety nine billion nine hundred ninety nine million nine hundred ninety nine thousand nine hundred ninety nine',
    ],
    ['-5', 'minus five'],
    ['It was -12 today', 'it was minus twelve today'],
    ['x = -3', 'X equals minus three'],
    ['1,2,3', 'one , two , three'],
    ['1,000.', 'one thousand .'],
    ['I have 2026 people', 'i have two thousand twenty six people'],
    ['about 1500 people', 'about one thousand five hundred people'],
    ['2500', 'two thousand five hundred'],
    ['top 10', 'top ten'],
    ['2+2=4', 'two plus two equals four'],
    ['3 < 5 and 7 > 2', 'three less than five and seven greater than two'],
    ['2*3', 'two times three'],
    ['4x4 and 2x faster', 'four by four and two times faster'],
    ['~5 minutes', 'about five minutes'],
  ],
  decimals: [
    ['3.14', 'three point one four'],
    ['0.5', 'zero point five'],
    ['.5', 'point five'],
    ['-0.25', 'minus zero point two five'],
    ['1,234.56', 'one thousand two hundred thirty four point five six'],
    ['Version 2.0 is out', 'version two point zero is out'],
    ['It ended at 5.', 'it ended at five .'],
  ],
  ordinals: [
    ['1st 2nd 3rd 4th', 'first second third fourth'],
    ['11th 12th 13th', 'eleventh twelfth thirteenth'],
    ['21st 22nd 23rd', 'twenty first twenty second twenty third'],
    ['101st', 'one hundred first'],
    ['the 20th century', 'the twentieth century'],
    ['1000000th', 'one millionth'],
    ['42ND', 'forty second'],
  ],
  years: [
    ['1999', 'nineteen ninety nine'],
    ['2005', 'two thousand five'],
    ['2026', 'twenty twenty six'],
    ['1900', 'nineteen hundred'],
    ['2000', 'two thousand'],
    ['2010', 'twenty ten'],
    ['1905', 'nineteen oh five'],
    ['1066', 'ten sixty six'],
    ['in 1984', 'in nineteen eighty four'],
    ['He was born in 1905.', 'he was born in nineteen oh five .'],
    ['The year 2000 was great', 'the year two thousand was great'],
    ['1990-1995', 'nineteen ninety to nineteen ninety five'],
    ['1990\u20131995', 'nineteen ninety to nineteen ninety five'],
    ['1999 2005 2026 1900', 'nineteen ninety nine two thousand five twenty twenty six nineteen hundred'],
    ['the 1990s', 'the nineteen nineties'],
    ['in the 1900s', 'in the nineteen hundreds'],
    ['the 2000s', 'the two thousands'],
    ["1990's", 'nineteen nineties'],
    ["the '60s and the 80's", 'the sixties and the eighties'],
    ["since '99", 'since ninety nine'],
    ['B-52s and the 747s', 'B fifty twos and the seven hundred forty sevens'],
  ],
  money: [
    ['$3.50', 'three dollars and fifty cents'],
    ['It costs $3.50.', 'it costs three dollars and fifty cents .'],
    ['$1', 'one dollar'],
    ['$1.00', 'one dollar'],
    ['$0.99', 'ninety nine cents'],
    ['$0.01', 'one cent'],
    ['$3.5', 'three dollars and fifty cents'],
    ['$3.505', 'three point five zero five dollars'],
    ['$1,000,000', 'one million dollars'],
    ['$2.5 million', 'two point five million dollars'],
    ['$1 billion', 'one billion dollars'],
    ['$5k and $3bn', 'five thousand dollars and three billion dollars'],
    ['-$5', 'minus five dollars'],
    ['$5-$10', 'five dollars to ten dollars'],
    ['$ 5', 'five dollars'],
    ['\u20ac20', 'twenty euros'],
    ['\u20ac1', 'one euro'],
    ['\u00a35.99', 'five pounds and ninety nine pence'],
    ['\u00a31.01', 'one pound and one penny'],
    ['\u00a5100', 'one hundred yen'],
    ['\u00a51.5', 'one point five yen'],
    ['\u20b9500', 'five hundred rupees'],
    ['20\u20ac', 'twenty euros'],
    ['50\u00a2', 'fifty cents'],
    ['USD 40', 'forty dollars'],
    ['USD40', 'forty dollars'],
    ['40 USD', 'forty dollars'],
    ['1 EUR', 'one euro'],
    ['EUR 1,000.50', 'one thousand euros and fifty cents'],
    ['GBP 5', 'five pounds'],
    ['US$40 or C$20', 'forty dollars or twenty canadian dollars'],
    ['$100/night', 'one hundred dollars per night'],
    ['$', ''],
  ],
  percentages: [
    ['15%', 'fifteen percent'],
    ['3.5%', 'three point five percent'],
    ['-2%', 'minus two percent'],
    ['100 %', 'one hundred percent'],
    ['5-10%', 'five to ten percent'],
    ['% off', 'percent off'],
  ],
  'fractions and ratios': [
    ['1/2 3/4 2/3 5/8', 'one half three quarters two thirds five eighths'],
    ['1\u00bd cups', 'one and a half cups'],
    ['\u00be', 'three quarters'],
    ['24/7 support', 'twenty four seven support'],
    ['50/50', 'fifty fifty'],
    ['8/10', 'eight out of ten'],
    ['3:1', 'three to one'],
    ['The score was 3-2.', 'the score was three to two .'],
    ['a 50-50 chance', 'a fifty fifty chance'],
  ],
  times: [
    ['10:15 am', 'ten fifteen A M'],
    ['10:15pm', 'ten fifteen P M'],
    ['10:15 a.m. is fine', 'ten fifteen A M is fine'],
    ['7 p.m.', 'seven P M .'],
    ['at 7 p.m. on Friday', 'at seven P M on friday'],
    ['7pm', 'seven P M'],
    ['12 AM', 'twelve A M'],
    ['12:05 AM', 'twelve oh five A M'],
    ['14:30', 'fourteen thirty'],
    ['10:00', "ten o'clock"],
    ['10:00 am', 'ten A M'],
    ['14:00', 'fourteen hundred'],
    ['09:05', 'nine oh five'],
    ['7:05:30', 'seven oh five and thirty seconds'],
    ['Meet me at 3:30.', 'meet me at three thirty .'],
    ['at 5 o\u2019clock', "at five o'clock"],
    ['10am-2pm', 'ten A M to two P M'],
  ],
  dates: [
    ['Jan. 5th', 'january fifth'],
    ['January 5, 2026', 'january fifth twenty twenty six'],
    ['Jan 5 2026', 'january fifth twenty twenty six'],
    ['March 3rd, 2020', 'march third twenty twenty'],
    ['Dec. 25', 'december twenty fifth'],
    ['May 5', 'may fifth'],
    ['you may 5 times', 'you may five times'],
    ['January 2026', 'january twenty twenty six'],
    ['2026-11-21', 'november twenty first twenty twenty six'],
    ['2026/01/05', 'january fifth twenty twenty six'],
    ['11/21/2026', 'november twenty first twenty twenty six'],
    ['21/11/2026', 'november twenty first twenty twenty six'],
    ['21.11.2026', 'november twenty first twenty twenty six'],
    ['1/5/26', 'january fifth twenty six'],
    ['12/25', 'december twenty fifth'],
    ['5 January 2026', 'the fifth of january twenty twenty six'],
    ['21st March', 'the twenty first of march'],
    ['the 5th of January', 'the fifth of january'],
    ['Monday, Jan. 5th at 10:30 a.m. Then', 'monday , january fifth at ten thirty A M . then'],
  ],
  'phone numbers': [
    ['555-123-4567', 'five five five , one two three , four five six seven'],
    ['(555) 123-4567', 'five five five , one two three , four five six seven'],
    ['Call (555)123-4567.', 'call five five five , one two three , four five six seven .'],
    ['+1 555 123 4567', 'plus one , five five five , one two three , four five six seven'],
    ['+1-555-123-4567', 'plus one , five five five , one two three , four five six seven'],
    [
      'Call +44 20 7946 0958 today',
      'call plus four four , two zero , seven nine four six , zero nine five eight today',
    ],
    ['555.123.4567', 'five five five , one two three , four five six seven'],
    ['Call 1-800-555-1234', 'call one , eight zero zero , five five five , one two three four'],
    ['call 555-1234 ext. 55.', 'call five five five , one two three four extension five five .'],
    ['my number is 0412 345 678', 'my number is zero four one two , three four five , six seven eight'],
    ['4242 4242 4242 4242', 'four two four two , four two four two , four two four two , four two four two'],
    ['90210-1234', 'nine zero two one zero , one two three four'],
    ['I bought 555 123 apples', 'i bought five hundred fifty five one hundred twenty three apples'],
  ],
  'codes and digit strings': [
    ['code 1234', 'code one two three four'],
    ['PIN 0000', 'pin zero zero zero zero'],
    ['your PIN is 42', 'your pin is four two'],
    ['account 98765432', 'account nine eight seven six five four three two'],
    ['order #5512', 'order number five five one two'],
    ['order number 7781', 'order number seven seven eight one'],
    ['Your order #A-12345 ships', 'your order number A one two three four five ships'],
    ['Call 911 now', 'call nine one one now'],
    ['number 7', 'number seven'],
    ['extension 204', 'extension two zero four'],
    ['ext. 204', 'extension two zero four'],
    ['zip 90210', 'zip nine zero two one zero'],
    ['12345', 'one two three four five'],
    ['007', 'zero zero seven'],
    [
      '1000000000000000000000',
      'one zero zero zero zero zero zero zero zero zero zero zero zero zero zero zero zero zero zero zero zero zero',
    ],
    ['A1 B52 3D MP3 CO2 H2O', 'A one B fifty two three D M P three C O two H two O'],
    ['COVID-19', 'covid nineteen'],
    ['F-16', 'F sixteen'],
    ['v1.2.3', 'version one point two point three'],
    ['192.168.0.1', 'one nine two dot one six eight dot zero dot one'],
  ],
  'units and symbols': [
    ['approx. 5 km', 'approximately five kilometers'],
    ['1 km', 'one kilometer'],
    ['6 ft 10 lb 5kg 60 mph', 'six feet ten pounds five kilograms sixty miles per hour'],
    ['1.5 kg', 'one point five kilograms'],
    ['100 km/h', 'one hundred kilometers per hour'],
    ['5m and 3 m', 'five meters and three M'],
    ['10 GB at 3 GHz', 'ten gigabytes at three gigahertz'],
    ['2 hrs 5 min', 'two hours five minutes'],
    ['12345 km', 'twelve thousand three hundred forty five kilometers'],
    ['5 in the box', 'five in the box'],
    [
      '5\u00b0C and -5\u00b0F and 90\u00b0',
      'five degrees celsius and minus five degrees fahrenheit and ninety degrees',
    ],
    ['Temp: 98.6\u00b0F', 'temp : ninety eight point six degrees fahrenheit'],
    ['20m\u00b2', 'twenty square meters'],
    ['& % + @ # = /', 'and percent plus at equals slash'],
    ['AT&T and R&D', 'A T and T and R and D'],
    ['C++ and C#', 'C plus plus and C sharp'],
    ['#blessed #ThrowbackThursday', 'hashtag blessed hashtag throwback thursday'],
    ['#1 fan', 'number one fan'],
    ['@john_doe said hi', 'at john doe said hi'],
    ['w/ sugar, w/o milk', 'with sugar , without milk'],
    ['N/A', 'not applicable'],
    ["I'm 25 y/o", "i'm twenty five years old"],
    ['and/or', 'and or'],
    ['he/she', 'he slash she'],
    ['\u00a9 2026', 'copyright twenty twenty six'],
  ],
  abbreviations: [
    ['Dr. Smith lives on Elm Dr.', 'doctor smith lives on elm drive .'],
    ['Elm Dr. is closed', 'elm drive is closed'],
    ['Dr Who', 'doctor who'],
    ['Thanks Dr.', 'thanks doctor .'],
    ['Dear Dr. Lee,', 'dear doctor lee ,'],
    ['St. Louis is on Main St.', 'saint louis is on main street .'],
    ["St Patrick's Day", "saint patrick's day"],
    ['I met Dr. Jones at 5th St.', 'i met doctor jones at fifth street .'],
    ['123 Main St', 'one hundred twenty three main street'],
    ['Main St. Then we left', 'main street . then we left'],
    ['Mr. Mrs. Ms. Prof. X', 'mister missus ms professor X'],
    ['Mr Smith', 'mister smith'],
    ['Smith Jr. was there', 'smith junior was there'],
    ['Smith Jr. The end', 'smith junior . the end'],
    ['Smith Sr.', 'smith senior .'],
    ['vs. etc. e.g. i.e.', 'versus et cetera for example that is .'],
    ['cats, dogs, etc. are pets', 'cats , dogs , et cetera are pets'],
    ['cats vs dogs', 'cats versus dogs'],
    ['No. 5', 'number five'],
    ['No.1', 'number one'],
    ['Nos. 3 and 4', 'numbers three and four'],
    ['I said no. 5 people came.', 'i said no . five people came .'],
    ['No way', 'no way'],
    ['Ave. Blvd. Mt. Everest', 'avenue boulevard mount everest'],
    ['Acme Inc. is big', 'acme incorporated is big'],
    ['Acme Co. Ltd.', 'acme company limited .'],
    ['Fig. 3, Vol. 2, pp. 5-7, p. 9', 'figure three , volume two , pages five to seven , page nine'],
    ['Gen. Lee', 'general lee'],
    ['$49.99 (incl. tax)', 'forty nine dollars and ninety nine cents , including tax'],
    ['the gen pop', 'the gen pop'],
  ],
  'acronyms and initialisms': [
    ['FBI and NASA', 'fbi and nasa'],
    ['GPU and NPM', 'G P U and N P M'],
    ['the IT department', 'the I T department'],
    ['I live in the US. The weather is nice.', 'i live in the U S . the weather is nice .'],
    ['U.S. and A.I.', 'U S and A I .'],
    ['The U.S. Army', 'the U S army'],
    ['U.S.A.', 'U S A .'],
    ['the U.S', 'the U S'],
    ["the U.K.'s best", "the U k's best"],
    ['2:30 PM EST', 'two thirty P M E S T'],
    ["NASA's plan", "nasa's plan"],
    ['APIs and GPUs', "A P i's and G P u's"],
    ['CDs', 'cds'],
    ['PhD and Ph.D.', 'phd and P H D .'],
    ['J. K. Rowling', 'J K rowling'],
    ['Plan B. Then we left.', 'plan B . then we left .'],
    ['iPhone eBay GitHub JavaScript', 'iphone ebay github javascript'],
    ['macOS and OpenAI', 'mac O S and open A I'],
    ['THIS IS AMAZING', 'this is amazing'],
    ['WHAT IS THE FBI DOING', 'what is the fbi doing'],
    ['OK', 'ok'],
  ],
  'roman numerals': [
    ['Chapter IV', 'chapter four'],
    ['Henry VIII', 'henry the eighth'],
    ['World War II', 'world war two'],
    ['World War I ended', 'world war one ended'],
    ['Louis XIV and Elizabeth II', 'louis the fourteenth and elizabeth the second'],
    ['Chapter I', 'chapter one'],
    ['In this chapter I show', 'in this chapter i show'],
    ['Rocky II', 'rocky two'],
    ['Super Bowl LVII', 'super bowl fifty seven'],
    ['Size XL', 'size X L'],
    ['Part C', 'part C'],
  ],
  'urls and e-mail': [
    ['https://www.example.com/docs', 'example dot com slash docs'],
    ['Visit www.google.com today.', 'visit google dot com today .'],
    ['see example.com/', 'see example dot com'],
    ['(https://example.com/a-b_c)', 'example dot com slash A dash B underscore C'],
    ['http://localhost:3000/api', 'localhost colon three zero zero zero slash api'],
    ['bbc.co.uk', 'bbc dot co dot U K'],
    ['john.doe@example.com', 'john dot doe at example dot com'],
    [
      'Email Jane_Doe+news@mail.example.co.uk.',
      'email jane underscore doe plus news at mail dot example dot co dot U K .',
    ],
    ['file.txt and Node.js', 'file dot T X T and node dot J S'],
    ['end.Next sentence', 'end . next sentence'],
  ],
  'ugly input': [
    ['', ''],
    ['   \n\t ', ''],
    ['...', ''],
    ['!!!', ''],
    ['?!,;:', ''],
    ['"\'()[]{}', ''],
    ['\ud83d\ude00 hello \ud83d\udc4d\ud83c\udffd', 'hello'],
    ['hello \u043c\u0438\u0440 \u4e16\u754c', 'hello'],
    ['\u4e16\u754c\u3002hello', 'hello'],
    ['\ud800 lone \udc00 surrogates', 'lone surrogates'],
    ['\u0000\u0007 control', 'control'],
    ['zero\u200bwidth', 'zero width'],
    ['constructor __proto__ toString', 'constructor proto to string'],
    [
      '99999999999999999999999999999999999999',
      'nine nine nine nine , nine nine nine nine , nine nine nine nine , nine nine nine nine , nine nine nine nine , nine nine nine nine , and so on',
    ],
  ],
};

describe('normalize: word sequences', () => {
  for (const [category, cases] of Object.entries(CASES)) {
    test(category, () => {
      for (const [input, expected] of cases)
        assert.equal(say(input), expected, `input: ${JSON.stringify(input)}`);
    });
  }

  test('has many cases', () => {
    assert.ok(punctuationMatchesModel);
    const count = Object.values(CASES).reduce((n, cases) => n + cases.length, 0);
    assert.ok(count >= 150, `only ${count} cases`);
  });
});

describe('normalize: spans', () => {
  test('plain words carry their own offsets', () => {
    assert.deepEqual(normalize('Hi, you!'), [
      { kind: 'word', text: 'hi', start: 0, end: 2 },
      { kind: 'punct', text: ',', start: 2, end: 3 },
      { kind: 'word', text: 'you', start: 4, end: 7 },
      { kind: 'punct', text: '!', start: 7, end: 8 },
    ]);
  });

  test('all words of one written item share its span', () => {
    const input = 'Pay $3.50 now';
    const tokens = normalize(input);
    const money = tokens.filter((t) => t.start === 4);
    assert.equal(show(money), 'three dollars and fifty cents');
    for (const t of money) assert.equal(input.slice(t.start, t.end), '$3.50');
    assert.deepEqual(tokens.at(-1), { kind: 'word', text: 'now', start: 10, end: 13 });
  });

  test('multi-token items span from first to last character', () => {
    const input = 'On January 5, 2026 call (555) 123-4567.';
    const spans = new Set(normalize(input).map((t) => input.slice(t.start, t.end)));
    assert.ok(spans.has('January 5, 2026'));
    assert.ok(spans.has('(555) 123-4567'));
  });

  test('offsets survive folded and astral characters', () => {
    const input = '\ud83d\ude00 caf\u00e9 \u201cquoted\u201d \uff11\uff12';
    const tokens = normalize(input);
    assert.deepEqual(
      tokens.map((t) => [t.text, input.slice(t.start, t.end)]),
      [
        ['cafe', 'caf\u00e9'],
        ['quoted', 'quoted'],
        ['twelve', '\uff11\uff12'],
      ],
    );
  });

  test('spelled letters carry spell: true, words do not', () => {
    const tokens = normalize('GPU ok');
    assert.deepEqual(
      tokens.map((t) => (t.kind === 'word' ? [t.text, t.spell === true] : [t.text])),
      [
        ['g', true],
        ['p', true],
        ['u', true],
        ['ok', false],
      ],
    );
  });
});

describe('normalize: invariants', () => {
  // Deterministic pseudo-random inputs built from fragments that stress every reader.
  const FRAGMENTS = [
    'a', 'B', 'Q', '\u00e9', '1', '0', '9', '5', ' ', ' ', '\n', '.', ',', '-', '\u2013', '\u2014', '/', ':', '$',
    '\u20ac', '%', '#', '@', '&', '(', ')', '"', "'", '+', '*', '<', '\u00bd', '\u00b0', '\ud83d\ude00', '\ud800',
    '\u043c\u0438\u0440', 'US', 'Dr', 'St', 'No', 'am', 'p.m.', 'http://', 'www.', '.com', '@x.io', 'Jan', 'May',
    'IV', 'th', 'k', 'M', 'km', 'e.g.', '\u00a2', '\u2026', '?', '!', '\t', '\u200b', '\u0301', '\uff21',
  ]; // prettier-ignore

  function* randomInputs(count: number): Generator<string> {
    let seed = 20260121;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let k = 0; k < count; k++) {
      let s = '';
      const len = next(24);
      for (let q = 0; q < len; q++) s += FRAGMENTS[next(FRAGMENTS.length)] ?? '';
      yield s;
    }
  }

  function assertWellFormed(input: string, tokens: readonly NormToken[]): void {
    tokens.forEach((t, idx) => {
      const where = `${JSON.stringify(input)} token ${idx}`;
      assert.ok(t.start >= 0 && t.start <= t.end && t.end <= input.length, `span out of range: ${where}`);
      if (t.kind === 'word') {
        assert.match(t.text, /^[a-z](?:[a-z']*[a-z])?$/, `bad word text: ${where}`);
        if (t.spell) assert.equal(t.text.length, 1, `spelled word longer than a letter: ${where}`);
      } else {
        assert.ok(idx > 0, `punctuation first: ${where}`);
        assert.notEqual(tokens[idx - 1]?.kind, 'punct', `two marks in a row: ${where}`);
        assert.ok((PUNCTUATION as readonly string[]).includes(t.text), `unknown mark: ${where}`);
      }
    });
  }

  test('well-formed output and determinism on 5000 generated inputs', () => {
    for (const input of randomInputs(5000)) {
      const tokens = normalize(input);
      assertWellFormed(input, tokens);
      assert.deepEqual(normalize(input), tokens, `not deterministic: ${JSON.stringify(input)}`);
    }
  });

  test('10k characters of mixed text', () => {
    const sentence =
      'On Jan. 5th, 2026 at 10:15 am, Dr. Smith paid $3.50 (approx. 15% more) for 2.5 kg at 123 Main St.; ' +
      'call (555) 123-4567 or visit https://www.example.com/docs \u2014 the FBI agreed \ud83d\ude00. ';
    const input = sentence.repeat(Math.ceil(10_000 / sentence.length)).slice(0, 10_000);
    const tokens = normalize(input);
    assertWellFormed(input, tokens);
    assert.ok(tokens.length > 2000);
    assert.equal(show(tokens.slice(0, 7)), 'on january fifth twenty twenty six at');
  });

  test('long runs without spaces do not break anything', () => {
    for (const input of [
      '7'.repeat(10_000),
      '-'.repeat(5000),
      'a.'.repeat(4000),
      '1,'.repeat(3000),
      '\ud83d\ude00'.repeat(3000),
    ]) {
      assertWellFormed(input, normalize(input));
    }
    // Read in bounded words (normalize/guard.ts): 24 digits in six groups, then "and so on".
    assert.equal(normalize('7'.repeat(10_000)).filter((t) => t.kind === 'word').length, 27);
  });

  test('non-string input is treated as empty', () => {
    assert.deepEqual(normalize(undefined as unknown as string), []);
  });
});
