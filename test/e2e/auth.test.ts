/**
 * The upgrade of /v1/stream against the real gateway: every bad credential is refused with an HTTP
 * status and a JSON body, no socket is opened, and each refusal is counted by reason.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import net from 'node:net';
import { SignJWT } from 'jose';
import { loadE2EVoices, type E2EVoices } from '../helpers/e2e-voices.js';
import { expectRefused, StreamClient } from '../helpers/stream-client.js';
import { signToken, startTestGateway, TEST_SECRET, type TestGateway } from '../helpers/test-gateway.js';

const AUDIENCE = 'speechgate-e2e';

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

async function metric(gw: TestGateway, name: string, labels: string): Promise<number> {
  const text = (await gw.deps.metrics.render()).body;
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

/** A raw upgrade request: the reply's status line and headers, as text. */
function rawUpgrade(port: number, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let reply = '';
    socket.on('data', (d: Buffer) => {
      reply += d.toString('latin1');
      const end = reply.indexOf('\r\n\r\n');
      if (end >= 0) {
        socket.destroy();
        resolve(reply.slice(0, end));
      }
    });
    socket.on('error', reject);
    const lines = Object.entries({
      Host: `127.0.0.1:${port}`,
      Upgrade: 'websocket',
      Connection: 'Upgrade',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': Buffer.from('0123456789abcdef').toString('base64'),
      ...headers,
    }).map(([k, v]) => `${k}: ${v}`);
    socket.write(`GET /v1/stream HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
  });
}

void describe('e2e: authentication at the WebSocket upgrade', () => {
  let voices: E2EVoices;
  let gw: TestGateway;

  before(async () => {
    voices = await loadE2EVoices();
    gw = await startTestGateway(voices.registry, {
      env: { SPEECHGATE_JWT_AUDIENCE: AUDIENCE, SPEECHGATE_MAX_CONNECTIONS_PER_TENANT: '2' },
    });
  });

  after(async () => {
    await gw?.close();
    await voices?.close();
  });

  const refusedWith = async (
    token: string | undefined,
    status: number,
    code: string,
    reason: string,
  ): Promise<void> => {
    const failuresBefore = await metric(gw, 'speechgate_auth_failures_total', `reason="${reason}"`);
    const refusal = await expectRefused(gw.wsUrl, token === undefined ? {} : { token });
    assert.equal(refusal.status, status);
    assert.match(String(refusal.headers['content-type']), /application\/json/);
    const body = JSON.parse(refusal.body) as { error: { code: string; message: string } };
    assert.equal(body.error.code, code);
    assert.ok(body.error.message.length > 0);
    if (token !== undefined) assert.ok(!refusal.body.includes(token), 'the token is not echoed');
    assert.equal(
      await metric(gw, 'speechgate_auth_failures_total', `reason="${reason}"`),
      failuresBefore + 1,
    );
    assert.equal(gw.gateway.connections, 0);
  };

  void test('no token: 401', async () => {
    await refusedWith(undefined, 401, 'unauthenticated', 'missing');
  });

  void test('bad signature: 401', async () => {
    const forged = await new SignJWT({ scope: 'tts', tenant: 'acme' })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('another-secret-that-is-at-least-32-bytes-long'));
    await refusedWith(forged, 401, 'unauthenticated', 'bad_signature');
  });

  void test('expired: 401 token_expired', async () => {
    await refusedWith(
      await signToken({ audience: AUDIENCE, expiresIn: -3600 }),
      401,
      'token_expired',
      'expired',
    );
  });

  void test('wrong audience: 401', async () => {
    await refusedWith(
      await signToken({ audience: 'someone-else' }),
      401,
      'unauthenticated',
      'wrong_audience',
    );
  });

  void test('wrong algorithm (HS384 with the right secret, RS256): 401', async () => {
    const hs384 = await new SignJWT({ scope: 'tts', tenant: 'acme' })
      .setProtectedHeader({ alg: 'HS384' })
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(TEST_SECRET));
    await refusedWith(hs384, 401, 'unauthenticated', 'alg_not_allowed');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rs256 = await new SignJWT({ scope: 'tts', tenant: 'acme' })
      .setProtectedHeader({ alg: 'RS256' })
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(privateKey);
    await refusedWith(rs256, 401, 'unauthenticated', 'alg_not_allowed');
  });

  void test('alg none: 401', async () => {
    const exp = Math.floor(Date.now() / 1000) + 300;
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ scope: 'tts', tenant: 'acme', aud: AUDIENCE, exp })}.`;
    await refusedWith(unsigned, 401, 'unauthenticated', 'alg_not_allowed');
  });

  void test('a token without the tts:stream scope: 403', async () => {
    await refusedWith(
      await signToken({ audience: AUDIENCE, scope: 'tts:speech' }),
      403,
      'forbidden',
      'insufficient_scope',
    );
  });

  void test('valid tokens work by header, by ?token= and by subprotocol; the token is never echoed', async () => {
    const token = await signToken({ audience: AUDIENCE });
    const byHeader = await StreamClient.connect(gw.wsUrl, { token });
    assert.equal(byHeader.ws.protocol, '');
    await byHeader.close();

    const byQuery = await StreamClient.connect(gw.wsUrl, { query: `token=${token}` });
    await byQuery.close();

    const byProtocol = await StreamClient.connect(gw.wsUrl, {
      protocols: ['speechgate.v1', `bearer.${token}`],
    });
    assert.equal(byProtocol.ws.protocol, 'speechgate.v1');
    const ready = byProtocol.messages[0];
    assert.equal(ready?.type, 'ready');
    await byProtocol.close();
  });

  void test('subprotocols offered without speechgate.v1: accepted when the token came another way, no protocol answered', async () => {
    const token = await signToken({ audience: AUDIENCE });
    const reply = await rawUpgrade(gw.port, {
      Authorization: `Bearer ${token}`,
      'Sec-WebSocket-Protocol': 'chat, superchat',
    });
    assert.match(reply, /^HTTP\/1\.1 101 /);
    assert.doesNotMatch(reply, /sec-websocket-protocol/i);
    const withToken = await rawUpgrade(gw.port, { 'Sec-WebSocket-Protocol': `chat, bearer.${token}` });
    assert.match(withToken, /^HTTP\/1\.1 101 /);
    assert.ok(!withToken.includes(token), 'the bearer subprotocol is not echoed');
  });

  void test('over the per-tenant connection cap: 429 with Retry-After, counted as a limit rejection', async () => {
    // Connections closed above are released asynchronously: wait until the gateway holds none.
    while (gw.gateway.connections > 0) await new Promise((r) => setTimeout(r, 20));
    const token = await signToken({ audience: AUDIENCE, tenant: 'capped' });
    const first = await StreamClient.connect(gw.wsUrl, { token });
    const second = await StreamClient.connect(gw.wsUrl, { token });
    const rejectionsBefore = await metric(gw, 'speechgate_limit_rejections_total', 'limit="connections"');
    const refusal = await expectRefused(gw.wsUrl, { token });
    assert.equal(refusal.status, 429);
    assert.equal(refusal.headers['retry-after'], '1');
    assert.equal(
      (JSON.parse(refusal.body) as { error: { code: string } }).error.code,
      'too_many_connections',
    );
    assert.equal(
      await metric(gw, 'speechgate_limit_rejections_total', 'limit="connections"'),
      rejectionsBefore + 1,
    );
    // Another tenant is not affected.
    const other = await StreamClient.connect(gw.wsUrl, {
      token: await signToken({ audience: AUDIENCE, tenant: 'other' }),
    });
    await Promise.all([first.close(), second.close(), other.close()]);
  });
});
