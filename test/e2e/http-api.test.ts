/**
 * The HTTP side of the real gateway: OpenAI-compatible POST /v1/audio/speech with WAV, Ogg Opus and
 * raw PCM (MP3, FLAC and SSE: openai-api.test.ts); health, readiness, metrics, 404s and the demo page.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpusDecoder } from '../../src/audio/opus.js';
import { loadE2EVoices, type E2EVoices } from '../helpers/e2e-voices.js';
import { readOgg } from '../helpers/ogg-reader.js';
import { signToken, startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const INPUT = 'Hello from the speech endpoint. It streams while it speaks.';

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

function s16(bytes: Uint8Array): Int16Array {
  return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + (bytes.byteLength & ~1)));
}

/** POST over a raw socket: the body's HTTP chunks as sent (to see that the response really streamed). */
function rawSpeech(port: number, token: string, body: string): Promise<{ head: string; chunks: Buffer[] }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const parts: Buffer[] = [];
    socket.on('data', (d: Buffer) => parts.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const raw = Buffer.concat(parts);
      const headEnd = raw.indexOf('\r\n\r\n');
      const chunks: Buffer[] = [];
      for (let offset = headEnd + 4; ;) {
        const lineEnd = raw.indexOf('\r\n', offset);
        const size = parseInt(raw.subarray(offset, lineEnd).toString('latin1'), 16);
        if (!(size > 0)) break;
        chunks.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
        offset = lineEnd + 2 + size + 2;
      }
      resolve({ head: raw.subarray(0, headEnd).toString('latin1'), chunks });
    });
    socket.write(
      `POST /v1/audio/speech HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
}

void describe('e2e: HTTP API', () => {
  let voices: E2EVoices;
  let gw: TestGateway;
  let token: string;

  const speech = (body: unknown, auth: string | null = token): Promise<Response> =>
    fetch(`${gw.httpUrl}/v1/audio/speech`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(auth !== null && { Authorization: `Bearer ${auth}` }),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  const errorOf = async (res: Response): Promise<{ code: string; message: string }> => {
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    return ((await res.json()) as { error: { code: string; message: string } }).error;
  };

  before(async () => {
    voices = await loadE2EVoices();
    gw = await startTestGateway(voices.registry);
    token = await signToken({ scope: 'tts:speech' });
  });

  after(async () => {
    await gw?.close();
    await voices?.close();
  });

  void test('pcm streams: chunked, several chunks, real audio', async () => {
    const { head, chunks } = await rawSpeech(
      gw.port,
      token,
      JSON.stringify({ model: 'tts-1', input: INPUT, voice: 'alloy', response_format: 'pcm' }),
    );
    assert.match(head, /^HTTP\/1\.1 200 /);
    assert.match(head, /content-type: audio\/pcm/i);
    assert.match(head, /transfer-encoding: chunked/i);
    assert.ok(chunks.length >= 3, `expected a streamed body, got ${chunks.length} chunk(s)`);
    const samples = s16(Buffer.concat(chunks));
    assert.ok(samples.length > 24000 * 0.5, 'at least half a second of audio');
    assert.ok(rms(samples) > 100, 'not silence');
  });

  void test('wav: RIFF/WAVE, 24 kHz 16-bit mono, sent whole with its real sizes', async () => {
    const res = await speech({ model: 'tts-1', input: INPUT, voice: 'alloy', response_format: 'wav' });
    assert.equal(res.headers.get('content-type'), 'audio/wav');
    const wav = Buffer.from(await res.arrayBuffer());
    assert.equal(res.headers.get('content-length'), String(wav.length));
    assert.equal(wav.toString('latin1', 0, 4), 'RIFF');
    assert.equal(wav.readUInt32LE(4), wav.length - 8);
    assert.equal(wav.toString('latin1', 8, 12), 'WAVE');
    assert.equal(wav.readUInt16LE(20), 1); // PCM
    assert.equal(wav.readUInt16LE(22), 1); // mono
    assert.equal(wav.readUInt32LE(24), 24000);
    assert.equal(wav.readUInt16LE(34), 16);
    assert.equal(wav.toString('latin1', 36, 40), 'data');
    assert.equal(wav.readUInt32LE(40), wav.length - 44);
    assert.ok(rms(s16(wav.subarray(44))) > 100, 'not silence');
  });

  void test('pcm: raw s16le at 24 kHz, the same samples as the wav body', async () => {
    const res = await speech({ model: 'tts-1', input: INPUT, voice: 'alloy', response_format: 'pcm' });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^audio\/pcm/);
    const pcm = Buffer.from(await res.arrayBuffer());
    assert.equal(pcm.length % 2, 0);
    const wav = Buffer.from(
      await (await speech({ input: INPUT, voice: 'alloy', response_format: 'wav' })).arrayBuffer(),
    );
    assert.ok(pcm.equals(wav.subarray(44)));
  });

  void test('opus: a valid Ogg Opus stream whose packets decode to audio', async () => {
    const res = await speech({
      model: 'gpt-4o-mini-tts',
      input: INPUT,
      voice: voices.voice.id,
      response_format: 'opus',
      speed: 1.2,
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'audio/ogg; codecs=opus');
    const { pages, packets } = readOgg(new Uint8Array(await res.arrayBuffer()));
    assert.equal(Buffer.from(packets[0]!).toString('latin1', 0, 8), 'OpusHead');
    assert.equal(Buffer.from(packets[1]!).toString('latin1', 0, 8), 'OpusTags');
    assert.equal(pages[0]!.flags & 0x02, 0x02, 'first page begins the stream');
    assert.equal(pages.at(-1)!.flags & 0x04, 0x04, 'last page ends the stream');
    const decoder = new OpusDecoder(48000);
    try {
      const audio = packets.slice(2).map((p) => decoder.decode(p));
      assert.ok(audio.length > 25);
      const all = Int16Array.from(audio.flatMap((a) => Array.from(a)));
      assert.ok(rms(all) > 100, 'not silence');
    } finally {
      decoder.destroy();
    }
  });

  void test('request errors are JSON with the right status', async () => {
    const aac = await speech({ input: INPUT, response_format: 'aac' });
    assert.equal(aac.status, 400);
    const error = await errorOf(aac);
    assert.equal(error.code, 'unsupported_format');
    assert.match(error.message, /aac/);
    assert.equal((await errorOf(await speech({ input: INPUT, speed: 9 }))).code, 'bad_request');
    assert.equal((await errorOf(await speech({ input: INPUT, voice: 'nobody' }))).code, 'unknown_voice');
    assert.equal((await errorOf(await speech('{"input": '))).code, 'malformed_message');

    const anonymous = await speech({ input: INPUT }, null);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer');
    const streamOnly = await speech({ input: INPUT }, await signToken({ scope: 'tts:stream' }));
    assert.equal(streamOnly.status, 403);
    assert.equal((await errorOf(streamOnly)).code, 'forbidden');

    const huge = await speech({ input: 'a'.repeat(70 * 1024) });
    assert.equal(huge.status, 413);
    assert.equal((await errorOf(huge)).code, 'message_too_large');
  });

  void test('healthz, readyz, metrics and 404', async () => {
    const health = await fetch(`${gw.httpUrl}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await fetch(`${gw.httpUrl}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready' });

    const metrics = await fetch(`${gw.httpUrl}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await metrics.text();
    assert.match(text, /speechgate_http_requests_total\{route="\/v1\/audio\/speech",status="200"\} [1-9]/);
    assert.match(text, /speechgate_time_to_first_audio_seconds_count [1-9]/);
    assert.match(text, /speechgate_stage_duration_seconds_count\{stage="encode"\} [1-9]/);
    assert.match(text, /speechgate_synthesized_characters_total\{tenant="acme"\} [1-9]/);
    assert.match(text, /speechgate_auth_failures_total\{reason="insufficient_scope"\} 1/);

    for (const path of ['/nope', '/v1/audio', '/']) {
      const res = await fetch(`${gw.httpUrl}${path}`);
      assert.equal(res.status, 404, path);
      assert.equal((await errorOf(res)).code, 'not_found');
    }
    const plainGet = await fetch(`${gw.httpUrl}/v1/stream`);
    assert.notEqual(plainGet.status, 101);
  });

  void test('the character budget is enforced with 429 and Retry-After', async () => {
    const limited = await startTestGateway(voices.registry, { env: { SPEECHGATE_CHARS_PER_MINUTE: '100' } });
    try {
      const post = (input: string): Promise<Response> =>
        fetch(`${limited.httpUrl}/v1/audio/speech`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}` },
          body: JSON.stringify({ input, response_format: 'pcm' }),
        });
      const first = await post('Sixty characters of text fit into the budget of one minute.');
      assert.equal(first.status, 200);
      await first.arrayBuffer();
      const second = await post('Sixty more characters of text do not fit into that budget.');
      assert.equal(second.status, 429);
      assert.ok(Number(second.headers.get('retry-after')) >= 1);
      assert.equal((await errorOf(second)).code, 'rate_limited');
    } finally {
      await limited.close();
    }
  });

  void test('readyz is 503 until warm-up, then 200; 503 again while shutting down', async () => {
    const cold = await startTestGateway(voices.registry, { warmUp: false });
    try {
      const before = await fetch(`${cold.httpUrl}/readyz`);
      assert.equal(before.status, 503);
      assert.equal((await errorOf(before)).code, 'not_ready');
      await cold.gateway.warmUp();
      assert.equal((await fetch(`${cold.httpUrl}/readyz`)).status, 200);
      assert.equal(cold.gateway.ready, true);
      void cold.gateway.shutdown(0);
      assert.equal(cold.gateway.ready, false);
    } finally {
      await cold.close();
    }
  });

  void test('the demo page is served from the public folder when enabled, without traversal', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sg-demo-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>speechgate demo</title>');
    await writeFile(join(dir, 'app.js'), 'export {};');
    const demo = await startTestGateway(voices.registry, {
      env: { SPEECHGATE_DEMO: 'true' },
      publicDir: dir,
    });
    try {
      const index = await fetch(`${demo.httpUrl}/`);
      assert.equal(index.status, 200);
      assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.match(await index.text(), /speechgate demo/);
      const js = await fetch(`${demo.httpUrl}/app.js`);
      assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
      const traversal = await rawGet(demo.port, '/%2e%2e/package.json');
      assert.match(traversal, /^HTTP\/1\.1 404 /);
      assert.equal((await fetch(`${demo.httpUrl}/healthz`)).status, 200, 'API routes still win');
    } finally {
      await demo.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

function rawGet(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let reply = '';
    socket.on('data', (d: Buffer) => (reply += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(reply));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  });
}
