import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUNDLED_DEFAULT_VOICE, chooseDefaultVoice } from './registry.js';

test('the bundled default stays the default whatever voice folders are added beside it', () => {
  // "aaa-…" sorts before it: a "first folder by name" rule would have switched to it.
  for (const ids of [
    ['lj-en-us', 'slt-en-us'],
    ['aaa-en-gb', 'lj-en-us', 'slt-en-us'],
    ['kathleen-en-us', 'lj-en-us'],
  ])
    assert.equal(chooseDefaultVoice(ids), BUNDLED_DEFAULT_VOICE);
});

test('a configured default wins, and must be a loaded voice', () => {
  assert.equal(chooseDefaultVoice(['lj-en-us', 'slt-en-us'], 'slt-en-us'), 'slt-en-us');
  assert.throws(() => chooseDefaultVoice(['lj-en-us'], 'nope'), /"nope" is not among the loaded voices/);
});

test('one voice is the default; several without lj-en-us or a configured one refuse to start', () => {
  assert.equal(chooseDefaultVoice(['only-voice']), 'only-voice');
  assert.throws(() => chooseDefaultVoice(['b-voice', 'a-voice']), /SPEECHGATE_DEFAULT_VOICE/);
});
