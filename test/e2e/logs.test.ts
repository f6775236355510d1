/**
 * A full run at the most verbose log level, successes and failures alike, must leave neither the
 * spoken text nor any token in the logs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadE2EVoices, type E2EVoices } from '../helpers/e2e-voices.js';
import { expectRefused, StreamClient } from '../helpers/stream-client.js';
import { signToken, startTestGateway, TEST_SECRET, type TestGateway } from '../helpers/test-gateway.js';

/** Words that appear nowhere else, so any occurrence in the logs is a leak. */
const SECRET_WORDS = ['Quokkasaurus', 'marmaladewhisk', 'Zanzibarrow'];
const TEXT = `${SECRET_WORDS[0]} juggles the ${SECRET_WORDS[1]}. Then ${SECRET_WORDS[2]} laughs.`;

void describe('e2e: logs hold neither text nor tokens', () => {
  let voices: E2EVoices;
  let gw: TestGateway;

  before(async () => {
    voices = await loadE2EVoices();
    gw = await startTestGateway(voices.registry, {
      env: { LOG_LEVEL: 'trace', SPEECHGATE_MAX_MESSAGE_BYTES: '2048' },
    });
  });

  after(async () => {
    await gw?.close();
    await voices?.close();
  });

  void test('a full run leaves no text and no token in the logs', async () => {
    const token = await signToken();
    const expired = await signToken({ expiresIn: -600 });
    const noScope = await signToken({ scope: 'other' });

    // Streaming, token by query and by header.
    const byQuery = await StreamClient.connect(gw.wsUrl, { query: `token=${token}` });
    byQuery.send({ type: 'start', context_id: 'c1' });
    for (const t of TEXT.split(/(?= )/)) byQuery.send({ type: 'text', context_id: 'c1', text: t });
    byQuery.send({ type: 'end', context_id: 'c1' });
    assert.equal((await byQuery.finished('c1')).type, 'done');
    // Failures that involve the text: malformed JSON quoting it, unknown voice, text on a missing context.
    byQuery.send(`{"type":"text","context_id":"c2","text":"${SECRET_WORDS[0]}`);
    byQuery.send({ type: 'text', context_id: 'nope', text: TEXT });
    byQuery.send({ type: 'start', context_id: 'c3', voice: SECRET_WORDS[1] });
    await byQuery.waitFor((m) => m.type === 'error' && m.context_id === 'c3');
    await byQuery.close();

    const byHeader = await StreamClient.connect(gw.wsUrl, { token });
    byHeader.send({ type: 'text', context_id: 'x', text: `${SECRET_WORDS[2]} ${'z'.repeat(4000)}` }); // oversized
    await byHeader.closed;

    for (const bad of [expired, noScope, `${token}tampered`])
      await expectRefused(gw.wsUrl, { query: `token=${bad}` });

    // The speech endpoint, successful and not.
    const post = (body: unknown, auth = token): Promise<Response> =>
      fetch(`${gw.httpUrl}/v1/audio/speech`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${auth}` },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const ok = await post({ input: TEXT, response_format: 'wav' });
    assert.equal(ok.status, 200);
    await ok.arrayBuffer();
    assert.equal((await post(`{"input":"${SECRET_WORDS[0]}`)).status, 400);
    assert.equal((await post({ input: TEXT, voice: SECRET_WORDS[1] })).status, 400);
    assert.equal((await post({ input: TEXT }, expired)).status, 401);

    const logs = gw.logs.text;
    const events = new Set(gw.logs.records().map((r) => r.event));
    for (const expected of ['connection_open', 'connection_closed'])
      assert.ok(events.has(expected), `logged ${expected}`);
    assert.ok(logs.includes('speech request served'));
    assert.ok(logs.includes('stream upgrade refused'));

    for (const word of SECRET_WORDS) assert.ok(!logs.includes(word), `the text leaked: ${word}`);
    for (const jwt of [token, expired, noScope]) {
      const [, payload, signature] = jwt.split('.');
      assert.ok(!logs.includes(payload!), 'a token payload leaked');
      assert.ok(!logs.includes(signature!), 'a token signature leaked');
    }
    assert.ok(!logs.includes(TEST_SECRET), 'the signing secret leaked');
  });
});
