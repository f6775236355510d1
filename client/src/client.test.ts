import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { usePeer, type PeerConnection } from '../test/peer.js';
import { SpeechgateClient } from './client.js';
import type { SpeechgateError } from './errors.js';

const { peer, connected, track } = usePeer();

void describe('connecting', () => {
  void test('sends the token as a bearer subprotocol and exposes ready in camelCase', async () => {
    const { client, conn } = await connected();
    assert.deepEqual(conn.request.headers['sec-websocket-protocol']?.split(/, */), [
      'speechgate.v1',
      'bearer.tok.en.x',
    ]);
    assert.equal(conn.request.url, '/v1/stream');
    assert.equal(client.state, 'open');
    assert.equal(client.info?.defaultVoice, 'alba');
    assert.equal(client.info?.voices[0]?.sampleRate, 22050);
    assert.equal(client.info?.limits.maxContexts, 8);
    client.close();
  });

  void test('can send the token in the query string instead', async () => {
    const { client, conn } = await connected({ tokenVia: 'query', token: () => Promise.resolve('abc') });
    assert.equal(conn.request.url, '/v1/stream?token=abc');
    assert.equal(conn.request.headers['sec-websocket-protocol'], 'speechgate.v1');
    client.close();
  });

  void test('a gateway that cannot be reached rejects ready with connection_failed', async () => {
    const client = track(new SpeechgateClient({ url: 'ws://127.0.0.1:1/v1/stream', WebSocket }));
    await assert.rejects(client.ready, (err: SpeechgateError) => err.code === 'connection_failed');
    assert.equal(client.state, 'closed');
  });

  void test('an upgrade refused with HTTP 401 rejects ready with unauthenticated', async () => {
    const refusing = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      verifyClient: (_info, cb) => cb(false, 401),
    });
    await new Promise((r) => refusing.once('listening', r));
    const { port } = refusing.address() as AddressInfo;
    const client = track(
      new SpeechgateClient({ url: `ws://127.0.0.1:${port}/v1/stream`, token: 'bad', WebSocket }),
    );
    await assert.rejects(
      client.ready,
      (err: SpeechgateError) => err.code === 'unauthenticated' && !err.retryable,
    );
    assert.equal(client.state, 'closed');
    await new Promise((r) => refusing.close(r));
  });

  void test('a fatal, non-retryable error closes the client without reconnecting', async () => {
    const client = track(new SpeechgateClient({ url: peer().url, token: 'expired', WebSocket }));
    const conn = await peer().connection();
    conn.send({
      type: 'error',
      code: 'token_expired',
      message: 'token expired',
      fatal: true,
      retryable: false,
    });
    conn.ws.close(4001, 'token expired');
    await assert.rejects(
      client.ready,
      (err: SpeechgateError) => err.code === 'token_expired' && !err.retryable,
    );
    assert.equal(client.state, 'closed');
  });
});

void describe('reconnecting', () => {
  void test('a drop fails the streaming context (retryable), reconnects, and queued contexts run after', async () => {
    const { client, conn } = await connected({ reconnect: { initialDelayMs: 10, maxDelayMs: 20 } });
    const streaming = client.context();
    streaming.sendText('Interrupted.');
    await conn.until('text');
    conn.sendFrame(streaming.id, 0);
    const reconnecting = new Promise<{ attempt: number }>((r) => client.once('reconnecting', r));
    conn.ws.terminate();
    await assert.rejects(
      streaming.finished,
      (err: SpeechgateError) =>
        err.code === 'connection_lost' && err.retryable && err.contextId === streaming.id,
    );
    assert.equal((await reconnecting).attempt, 1);
    const later = client.context();
    later.sendText('After.');
    const conn2 = await peer().connection();
    conn2.ready({ session_id: 'sess-2' });
    assert.equal((await client.ready).sessionId, 'sess-2');
    const sent = await conn2.until('text');
    assert.deepEqual(
      sent.map((m) => [m.type, m.context_id]),
      [
        ['start', later.id],
        ['text', later.id],
      ],
    );
    assert.notEqual(later.id, streaming.id);
    client.close();
  });

  void test('an idle timeout does not reconnect until a context needs the connection', async () => {
    const { client, conn } = await connected({ reconnect: { initialDelayMs: 10 } });
    const disconnected = new Promise<SpeechgateError>((r) => client.once('disconnected', r));
    conn.ws.close(4000, 'idle');
    assert.equal((await disconnected).code, 'idle_timeout');
    assert.equal(client.state, 'idle');
    const ctx = client.context();
    const conn2 = await peer().connection();
    conn2.ready();
    assert.equal((await conn2.next()).context_id, ctx.id);
    client.close();
  });

  void test('gives up after maxAttempts and fails what is queued', async () => {
    const { client, conn } = await connected({
      reconnect: { initialDelayMs: 5, maxDelayMs: 5, maxAttempts: 2 },
    });
    const closed = new Promise<SpeechgateError>((r) => client.once('close', r));
    const disconnected = new Promise<SpeechgateError>((r) => client.once('disconnected', r));
    // Refuse the reconnection attempts at the upgrade, as a gateway that is down would.
    const refuse = (conn2: PeerConnection): void => conn2.ws.close(1013, 'not ready');
    const refusing = (async () => {
      for (let i = 0; i < 2; i++) refuse(await peer().connection());
    })();
    conn.ws.close(1001, 'shutting down');
    assert.equal((await disconnected).code, 'shutting_down');
    const queued = client.context(); // waits for a connection that will not come
    const err = await closed;
    await refusing;
    assert.equal(err.code, 'not_ready');
    await assert.rejects(queued.finished, (e: SpeechgateError) => e.code === 'not_ready');
    assert.equal(client.state, 'closed');
  });
});
