/**
 * Graceful shutdown of the real gateway: it stops accepting, reports not ready, lets streams and
 * speech requests in progress finish within the grace period, and closes what is left with 1001.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { ErrorMessage } from '../../src/protocol/messages.js';
import { loadE2EVoices, type E2EVoices } from '../helpers/e2e-voices.js';
import { expectRefused, StreamClient } from '../helpers/stream-client.js';
import { signToken, startTestGateway } from '../helpers/test-gateway.js';

const LONG =
  'The gateway is asked to stop while this text is still being spoken. ' +
  'A graceful stop lets it finish the sentences already requested. ' +
  'Only after that does the connection close, with the going away code. ' +
  'Nothing that was promised to the client is cut short within the grace period.';

/** A keep-alive HTTP connection, to ask the server something after it stopped accepting new ones. */
class KeepAlive {
  private readonly socket: net.Socket;
  private buffer = '';
  private waiting: (() => void) | undefined;

  constructor(port: number) {
    this.socket = net.connect({ port, host: '127.0.0.1' });
    this.socket.on('data', (d: Buffer) => {
      this.buffer += d.toString('latin1');
      this.waiting?.();
    });
  }

  async get(path: string): Promise<{ status: number; body: string }> {
    this.buffer = '';
    this.socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
    for (;;) {
      const headEnd = this.buffer.indexOf('\r\n\r\n');
      if (headEnd >= 0) {
        const head = this.buffer.slice(0, headEnd);
        const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
        const body = this.buffer.slice(headEnd + 4);
        if (body.length >= length) return { status: Number(head.split(' ')[1]), body };
      }
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

void describe('e2e: graceful shutdown', () => {
  let voices: E2EVoices;

  before(async () => {
    voices = await loadE2EVoices();
  });

  after(async () => {
    await voices?.close();
  });

  void test('streams and speech requests in progress finish, then sockets close with 1001', async () => {
    const gw = await startTestGateway(voices.registry, { env: { SPEECHGATE_CACHE_MAX_BYTES: '0' } });
    const keepAlive = new KeepAlive(gw.port);
    try {
      assert.equal((await keepAlive.get('/readyz')).status, 200);
      const token = await signToken();
      const client = await StreamClient.connect(gw.wsUrl, { token });
      client.send({ type: 'start', context_id: 'talk' });
      client.send({ type: 'text', context_id: 'talk', text: LONG });
      client.send({ type: 'end', context_id: 'talk' });
      await client.waitForFrames('talk', 1);
      const speech = fetch(`${gw.httpUrl}/v1/audio/speech`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        body: JSON.stringify({ input: LONG, response_format: 'pcm' }),
      });
      const response = await speech; // headers arrive with the first audio

      const stopped = gw.gateway.shutdown(60_000);
      assert.equal(gw.gateway.ready, false);
      const readyz = await keepAlive.get('/readyz');
      assert.equal(readyz.status, 503);
      assert.match(readyz.body, /"code":"shutting_down"/);
      await assert.rejects(StreamClient.connect(gw.wsUrl, { token }), 'no new connections');

      const done = await client.finished('talk');
      assert.equal(done.type, 'done', 'the stream in progress completed');
      const { code } = await client.closed;
      assert.equal(code, 1001);
      const goodbye = client.messages.find((m): m is ErrorMessage => m.type === 'error');
      assert.equal(goodbye?.code, 'shutting_down');
      assert.equal(goodbye?.fatal, true);

      assert.equal(response.status, 200);
      const pcm = await response.arrayBuffer();
      assert.ok(pcm.byteLength > 24000 * 2, 'the speech response completed');
      await stopped;
    } finally {
      keepAlive.close();
      await gw.close();
    }
  });

  void test('what outlives the grace period is closed with 1001 and a shutting_down error', async () => {
    const gw = await startTestGateway(voices.registry, { env: { SPEECHGATE_CACHE_MAX_BYTES: '0' } });
    try {
      const client = await StreamClient.connect(gw.wsUrl, { token: await signToken() });
      client.send({ type: 'start', context_id: 'long' });
      client.send({ type: 'text', context_id: 'long', text: LONG.repeat(4) });
      client.send({ type: 'end', context_id: 'long' });
      await client.waitForFrames('long', 1);
      await gw.gateway.shutdown(200);
      const { code } = await client.closed;
      assert.equal(code, 1001);
      assert.ok(!client.messages.some((m) => m.type === 'done'), 'the long stream was cut');
      assert.ok(client.messages.some((m) => m.type === 'error' && m.code === 'shutting_down'));
      const refusal = await expectRefused(gw.wsUrl).catch((err: unknown) => err);
      assert.ok(refusal instanceof Error, 'nothing listens any more');
    } finally {
      await gw.close();
    }
  });
});
