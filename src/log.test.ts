import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpeechgateError } from './errors.js';
import { createLogger, errorFields, logFailure, sessionLogger } from './log.js';

function capture(): { lines: string[]; write(msg: string): void; records(): Record<string, unknown>[] } {
  const lines: string[] = [];
  return {
    lines,
    write: (msg) => void lines.push(msg),
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

void describe('createLogger', () => {
  void test('JSON records with level names, the service, and secret-bearing fields censored', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', destination: out });
    logger.info(
      { text: 'my words', token: 'eyJabc', nested: { authorization: 'Bearer eyJabc', input: 'x y' } },
      'hello',
    );
    logger.debug('below the level');
    assert.equal(out.lines.length, 1);
    const [record] = out.records();
    assert.equal(record?.level, 'info');
    assert.equal(record?.service, 'speechgate');
    assert.equal(record?.msg, 'hello');
    assert.equal(record?.text, '[redacted]');
    assert.doesNotMatch(out.lines[0]!, /my words|eyJabc|x y/);
  });

  void test('session loggers name the session and tenant', () => {
    const out = capture();
    sessionLogger(createLogger({ level: 'info', destination: out }), 's-1', 'acme').info('opened');
    assert.deepEqual([out.records()[0]?.session, out.records()[0]?.tenant], ['s-1', 'acme']);
  });
});

void describe('errorFields and logFailure', () => {
  void test('a SpeechgateError keeps its code and client-safe message', () => {
    assert.deepEqual(errorFields(new SpeechgateError('rate_limited', 'slow down')), {
      code: 'rate_limited',
      error: 'slow down',
    });
  });

  void test('other errors keep only their name and stack frames: their messages may quote input', () => {
    let parseError: unknown;
    try {
      JSON.parse('{"text": "private words');
    } catch (err) {
      parseError = err;
    }
    const fields = errorFields(parseError);
    assert.equal(fields.code, 'internal');
    const text = JSON.stringify(fields);
    assert.doesNotMatch(text, /private words/);
    assert.match(text, /SyntaxError/);
    const wrapped = errorFields(new SpeechgateError('internal', 'internal error', { cause: parseError }));
    assert.doesNotMatch(JSON.stringify(wrapped), /private words/);
    assert.equal((wrapped.cause as { name: string }).name, 'SyntaxError');
  });

  void test("server faults log at error, the client's at info", () => {
    const out = capture();
    const logger = createLogger({ level: 'info', destination: out });
    logFailure(logger, new SpeechgateError('synthesis_failed', 'voice failed'), 'a');
    logFailure(logger, new SpeechgateError('bad_request', 'nope'), 'b');
    logFailure(logger, new Error('boom'), 'c', { route: '/x' });
    assert.deepEqual(
      out.records().map((r) => [r.msg, r.level]),
      [
        ['a', 'error'],
        ['b', 'info'],
        ['c', 'error'],
      ],
    );
    assert.doesNotMatch(out.lines[2]!, /boom/);
  });
});
