import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { App, us_socket_local_port, type TemplatedApp } from 'uWebSockets.js';
import { SpeechgateError } from '../errors.js';
import { readBody } from './body.js';
import { HttpExchange } from './http.js';

const BODY_LIMIT = 1024;
const CHUNK = 64 * 1024;

/** Sends raw bytes and returns everything the server sent until it closed the connection. */
function rawExchange(port: number, request: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const parts: Buffer[] = [];
    socket.on('data', (d: Buffer) => parts.push(d));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(parts).toString('latin1')));
    socket.write(request);
  });
}

void describe('HttpExchange and readBody over a real uWS server', () => {
  let app: TemplatedApp;
  let port: number;
  let sawBackpressure: () => void;
  const backpressure = new Promise<void>((resolve) => (sawBackpressure = resolve));
  const streamed = { chunks: 0, waits: 0 };
  let reportAborted: (v: { aborted: boolean; signalAborted: boolean; error: string }) => void;
  const abortedStream = new Promise<{ aborted: boolean; signalAborted: boolean; error: string }>(
    (resolve) => (reportAborted = resolve),
  );

  before(async () => {
    app = App();
    app.post('/echo', (res, req) => {
      const exchange = new HttpExchange(res);
      readBody(res, req.getHeader('content-length'), BODY_LIMIT, exchange.signal).then(
        (body) => exchange.send(200, { 'Content-Type': 'application/octet-stream' }, body),
        (err: unknown) => exchange.sendError(err, true),
      );
    });
    app.get('/limited', (res) => {
      new HttpExchange(res).sendError(
        new SpeechgateError('rate_limited', 'slow down', { retryAfterSeconds: 7 }),
      );
    });
    app.get('/stream', (res) => {
      const exchange = new HttpExchange(res);
      void (async () => {
        exchange.startStream(200, { 'Content-Type': 'application/octet-stream' });
        let extra = -1;
        while (extra !== 0) {
          const waitsBefore = exchange.drainWaits;
          // write() runs synchronously up to its wait, so the count already tells whether it waits.
          const written = exchange.write(Buffer.alloc(CHUNK, streamed.chunks % 251));
          if (exchange.drainWaits > waitsBefore) {
            streamed.waits++;
            if (extra < 0) {
              extra = 20;
              sawBackpressure();
            }
          }
          await written;
          streamed.chunks++;
          if (extra > 0) extra--;
        }
        exchange.end();
      })();
    });
    app.get('/forever', (res) => {
      const exchange = new HttpExchange(res);
      void (async () => {
        exchange.startStream(200, { 'Content-Type': 'application/octet-stream' });
        try {
          for (;;) await exchange.write(Buffer.alloc(CHUNK, 1));
        } catch (err) {
          reportAborted({
            aborted: exchange.aborted,
            signalAborted: exchange.signal.aborted,
            error: err instanceof SpeechgateError ? err.code : String(err),
          });
        }
      })();
    });
    port = await new Promise<number>((resolve, reject) =>
      app.listen('127.0.0.1', 0, (s) => (s ? resolve(us_socket_local_port(s)) : reject(new Error('listen')))),
    );
  });

  after(() => {
    app.close();
  });

  void test('a body within the limit arrives whole', async () => {
    const payload = JSON.stringify({ input: 'x'.repeat(900) });
    const res = await fetch(`http://127.0.0.1:${port}/echo`, { method: 'POST', body: payload });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), payload);
  });

  void test('a declared Content-Length over the limit is refused with 413 before reading', async () => {
    const reply = await rawExchange(
      port,
      `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: ${BODY_LIMIT * 100}\r\n\r\n${'a'.repeat(100)}`,
    );
    assert.match(reply, /^HTTP\/1\.1 413 /);
    assert.match(reply, /"code":"message_too_large"/);
  });

  void test('a chunked body that grows over the limit is refused with 413', async () => {
    const chunk = 'b'.repeat(600);
    const head = 'POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n';
    const body = `${chunk.length.toString(16)}\r\n${chunk}\r\n`.repeat(3) + '0\r\n\r\n';
    const reply = await rawExchange(port, head + body);
    assert.match(reply, /^HTTP\/1\.1 413 /);
    assert.match(reply, /request body exceeds 1024 bytes/);
  });

  void test('errors are JSON with the status, Retry-After for rate limits', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/limited`);
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '7');
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.deepEqual(await res.json(), {
      error: { message: 'slow down', type: 'rate_limit_error', param: null, code: 'rate_limited' },
    });
  });

  void test('a streamed response waits for a slow reader and delivers every byte in order', async () => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const parts: Buffer[] = [];
    socket.on('data', (d: Buffer) => parts.push(d));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    socket.pause(); // stop reading: the server's writes must start waiting
    await backpressure;
    socket.resume();
    await closed;
    const raw = Buffer.concat(parts);
    const headerEnd = raw.indexOf('\r\n\r\n');
    assert.match(raw.subarray(0, headerEnd).toString('latin1'), /Transfer-Encoding: chunked/i);
    const body = dechunk(raw.subarray(headerEnd + 4));
    assert.ok(streamed.waits > 0);
    assert.equal(body.length, streamed.chunks * CHUNK);
    for (let i = 0; i < streamed.chunks; i++)
      assert.equal(body[i * CHUNK + CHUNK - 1], i % 251, `chunk ${i}`);
  });

  void test('a client that goes away aborts the signal and rejects further writes', async () => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.write('GET /forever HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.destroy();
    assert.deepEqual(await abortedStream, { aborted: true, signalAborted: true, error: 'internal' });
  });
});

function dechunk(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', offset);
    const size = parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
    if (size === 0) break;
    out.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}
