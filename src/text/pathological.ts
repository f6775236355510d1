/**
 * Texts that once made one sentence cost gigabytes (issue 10), and worse ones of the same kinds: what an LLM
 * or a hostile client can send in one message. Shared by the bounded-work tests, the memory probe and the
 * text fuzzer's seeds.
 */
export const PATHOLOGICAL_TEXTS: Readonly<Record<string, string>> = {
  'a 3,000-digit number': '1'.repeat(3000),
  'a 500-digit number': '9'.repeat(500),
  'money with 400 digits': '$' + '9'.repeat(400),
  'an endless dotted host': 'http://' + 'a.'.repeat(800),
  'a long real-looking URL':
    'https://example.com/' + 'segment/'.repeat(120) + 'index.html?q=' + 'x'.repeat(300),
  '800 comma-separated numbers': Array.from({ length: 800 }, (_, i) => String((i * 7919) % 100000)).join(
    ', ',
  ),
  'a 10,000-letter word': 'a'.repeat(10_000),
  'dotted text': 'a.'.repeat(2000) + 'a',
  'a symbol run': '='.repeat(3000),
  'mixed symbols': '-=*#|~^'.repeat(400),
  'spaced symbols': '% '.repeat(1500),
  'a markdown table': Array.from(
    { length: 60 },
    (_, i) => `| ${i} | ${(i * 3.25).toFixed(2)} | item${i} |`,
  ).join('\n'),
  code: 'const total = items.map((x) => x.price * 1.08).reduce((a, b) => a + b, 0); '.repeat(40),
  'numbers with commas': '1,' + '234,'.repeat(600) + '567',
  'a long sentence without marks': 'the cat sat on the mat and looked at the dog '.repeat(200),
  'a long sentence of clauses': 'first we go there, then we come back, '.repeat(200),
  'all capitals': 'NASAFBICIA'.repeat(500),
  'emoji and RTL': '\u{1F600}\u05E9\u05DC\u05D5\u05DD \u0645\u0631\u062D\u0628\u0627 '.repeat(400),
};
