/**
 * The OpenAI-compatible API through the official `openai` npm client against a real gateway on loopback:
 * mp3 (also by default), flac, wav and sse, with Debian's ffprobe, soxi, flac and mpg123 reading the
 * files; OpenAI-shaped errors; /v1/models and /v1/voices; voice aliases; one speed range.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { loadE2EVoices, type E2EVoices } from '../helpers/e2e-voices.js';
import { signToken, startTestGateway, type TestGateway } from '../helpers/test-gateway.js';
import {
  decodedSeconds,
  ffprobe,
  flacTest,
  mpg123Seconds,
  soxiSeconds,
  withFile,
} from '../helpers/audio-tools.js';
import { MAX_SPEED, MIN_SPEED } from '../../src/protocol/parse.js';
import { ENGINE_SPEED_RANGE } from '../../src/tts/engine.js';
import { WHOLE_FILE_MAX_CHARS } from '../../src/openai/route.js';

const INPUT = 'Hello from the speech endpoint. It streams while it speaks.';
/** Encoder delay and padding: MP3 adds up to two 576-sample granules at each end, Opus some 6.5 ms. */
const MP3_SLACK_S = 0.12;

void describe('e2e: OpenAI client against the gateway', () => {
  let voices: E2EVoices;
  let gw: TestGateway;
  let client: OpenAI;
  /** Duration of INPUT from the bare PCM response: the reference for every container. */
  let pcmSeconds: number;

  const bytesOf = async (response: { arrayBuffer(): Promise<ArrayBuffer> }): Promise<Uint8Array> =>
    new Uint8Array(await response.arrayBuffer());

  before(async () => {
    voices = await loadE2EVoices();
    gw = await startTestGateway(voices.registry, {
      env: {
        SPEECHGATE_VOICE_ALIASES: `nova=${voices.registry.defaultVoice}`,
        SPEECHGATE_CACHE_MAX_BYTES: '0',
      },
    });
    const token = await signToken({ scope: 'tts:speech' });
    client = new OpenAI({ apiKey: token, baseURL: `${gw.httpUrl}/v1`, maxRetries: 0 });
    const pcm = await client.audio.speech.create({
      model: 'tts-1',
      voice: 'alloy',
      input: INPUT,
      response_format: 'pcm',
    });
    pcmSeconds = (await bytesOf(pcm)).length / 2 / 24000;
    assert.ok(pcmSeconds > 2, `speech of some length (${pcmSeconds} s)`);
  });

  after(async () => {
    await gw?.close();
  });

  void test('mp3 is the default: audio/mpeg that ffprobe and mpg123 time right', async () => {
    const response = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: INPUT });
    assert.equal(response.headers.get('content-type'), 'audio/mpeg');
    const mp3 = await bytesOf(response);
    await withFile('speech.mp3', mp3, async (path) => {
      const probe = await ffprobe(path);
      assert.equal(probe.codec, 'mp3');
      assert.equal(probe.sampleRate, 24000);
      assert.ok(
        Math.abs(probe.seconds - pcmSeconds) < MP3_SLACK_S,
        `ffprobe ${probe.seconds} vs ${pcmSeconds}`,
      );
      const decoded = await mpg123Seconds(path);
      assert.ok(Math.abs(decoded - pcmSeconds) < MP3_SLACK_S, `mpg123 ${decoded} vs ${pcmSeconds}`);
    });
    const explicit = await client.audio.speech.create({
      model: 'tts-1',
      voice: 'alloy',
      input: INPUT,
      response_format: 'mp3',
    });
    assert.equal(explicit.headers.get('content-type'), 'audio/mpeg');
  });

  void test('flac: a file flac -t verifies (CRCs and MD5) and ffprobe times to the sample', async () => {
    const response = await client.audio.speech.create({
      model: 'gpt-4o-mini-tts',
      voice: 'nova',
      input: INPUT,
      response_format: 'flac',
      instructions: 'Speak cheerfully.',
    });
    assert.equal(response.headers.get('content-type'), 'audio/flac');
    const flac = await bytesOf(response);
    // A short input is sent whole: STREAMINFO then carries the sample count.
    assert.equal(response.headers.get('content-length'), String(flac.length));
    assert.equal(Buffer.from(flac.subarray(0, 4)).toString('latin1'), 'fLaC');
    await withFile('speech.flac', flac, async (path) => {
      await flacTest(path);
      const probe = await ffprobe(path);
      assert.equal(probe.codec, 'flac');
      assert.equal(probe.seconds.toFixed(3), pcmSeconds.toFixed(3));
      assert.equal((await decodedSeconds(path)).toFixed(3), pcmSeconds.toFixed(3));
    });
  });

  void test('wav (curl -o): soxi and ffprobe read the real duration from the header', async () => {
    const response = await client.audio.speech.create({
      model: 'tts-1',
      voice: 'alloy',
      input: INPUT,
      response_format: 'wav',
    });
    assert.equal(response.headers.get('content-type'), 'audio/wav');
    const wav = await bytesOf(response);
    assert.equal(response.headers.get('content-length'), String(wav.length));
    const view = Buffer.from(wav);
    assert.equal(view.readUInt32LE(4), wav.length - 8, 'RIFF size');
    assert.equal(view.readUInt32LE(40), wav.length - 44, 'data size');
    await withFile('speech.wav', wav, async (path) => {
      assert.equal((await soxiSeconds(path)).toFixed(3), pcmSeconds.toFixed(3));
      assert.equal((await ffprobe(path)).seconds.toFixed(3), pcmSeconds.toFixed(3));
    });
  });

  void test('wav longer than the whole-file limit streams: ffprobe still right, sizes marked unknown', async () => {
    const long = `${INPUT} `.repeat(Math.ceil((WHOLE_FILE_MAX_CHARS + 1) / (INPUT.length + 1))).trim();
    assert.ok(long.length > WHOLE_FILE_MAX_CHARS);
    const response = await client.audio.speech.create({
      model: 'tts-1',
      voice: 'alloy',
      input: long,
      response_format: 'wav',
    });
    assert.equal(response.headers.get('content-length'), null, 'streamed (chunked)');
    const wav = await bytesOf(response);
    assert.equal(Buffer.from(wav).readUInt32LE(40), 0xffffffff, 'data size unknown');
    const seconds = (wav.length - 44) / 2 / 24000;
    await withFile('long.wav', wav, async (path) => {
      assert.equal((await ffprobe(path)).seconds.toFixed(2), seconds.toFixed(2));
      assert.equal((await decodedSeconds(path)).toFixed(3), seconds.toFixed(3));
    });
  });

  void test('stream_format sse: speech.audio.delta events with base64 audio, then speech.audio.done', async () => {
    const response = await client.audio.speech.create({
      model: 'gpt-4o-mini-tts',
      voice: 'alloy',
      input: INPUT,
      response_format: 'pcm',
      stream_format: 'sse',
    });
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const events = (await response.text())
      .split('\n\n')
      .filter((block) => block.startsWith('data: '))
      .map(
        (block) =>
          JSON.parse(block.slice('data: '.length)) as {
            type: string;
            audio?: string;
            usage?: Record<string, number>;
          },
      );
    const deltas = events.filter((e) => e.type === 'speech.audio.delta');
    assert.ok(deltas.length >= 1);
    assert.equal(events.at(-1)?.type, 'speech.audio.done');
    assert.equal(events.length, deltas.length + 1);
    const audio = Buffer.concat(deltas.map((e) => Buffer.from(e.audio ?? '', 'base64')));
    assert.equal(audio.length / 2 / 24000, pcmSeconds);
    const usage = events.at(-1)?.usage ?? {};
    assert.equal(usage.input_tokens, INPUT.length);
    assert.equal(usage.total_tokens, (usage.input_tokens ?? 0) + (usage.output_tokens ?? 0));
  });

  void test('errors come in OpenAI shape; the client raises them with our stable code', async () => {
    const refused = async (body: Record<string, unknown>): Promise<InstanceType<typeof OpenAI.APIError>> => {
      try {
        await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: INPUT, ...body });
      } catch (err) {
        assert.ok(err instanceof OpenAI.APIError, String(err));
        return err;
      }
      assert.fail('expected an error');
    };
    const aac = await refused({ response_format: 'aac' });
    assert.equal(aac.status, 400);
    assert.equal(aac.code, 'unsupported_format');
    assert.equal(aac.type, 'invalid_request_error');
    assert.equal(aac.param, 'response_format');
    assert.match(aac.message, /aac/);

    const fast = await refused({ speed: 4 });
    assert.equal(fast.code, 'bad_request');
    assert.equal(fast.param, 'speed');
    assert.match(fast.message, new RegExp(`between ${MIN_SPEED} and ${MAX_SPEED}`));

    const voice = await refused({ voice: 'nobody' });
    assert.equal(voice.code, 'unknown_voice');
    assert.equal(voice.param, 'voice');

    const stranger = new OpenAI({ apiKey: 'not-a-token', baseURL: `${gw.httpUrl}/v1`, maxRetries: 0 });
    await assert.rejects(
      stranger.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: INPUT }),
      (err: unknown) => err instanceof OpenAI.AuthenticationError && err.code === 'unauthenticated',
    );
  });

  void test('speed: one range, inside what the engine renders', async () => {
    assert.ok(MIN_SPEED >= ENGINE_SPEED_RANGE.min && MAX_SPEED <= ENGINE_SPEED_RANGE.max);
    const seconds = async (speed: number): Promise<number> => {
      const r = await client.audio.speech.create({
        model: 'tts-1',
        voice: 'alloy',
        input: INPUT,
        response_format: 'pcm',
        speed,
      });
      return (await bytesOf(r)).length / 2 / 24000;
    };
    const slow = await seconds(MIN_SPEED);
    const fast = await seconds(MAX_SPEED);
    // The limits render: half speed is clearly longer than double speed (no silent clamping to 1).
    assert.ok(slow > pcmSeconds * 1.5 && fast < pcmSeconds / 1.5, `${slow} / ${pcmSeconds} / ${fast}`);
  });

  void test('GET /v1/models lists the voices and the OpenAI model names; /v1/voices describes voices', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    const ids = voices.registry.list().map((v) => v.id);
    assert.deepEqual(models, [...ids, 'tts-1', 'tts-1-hd', 'gpt-4o-mini-tts']);

    const res = await fetch(`${gw.httpUrl}/v1/voices`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { object: string; data: Record<string, unknown>[] };
    assert.equal(body.object, 'list');
    assert.deepEqual(
      body.data.map((v) => v.id),
      ids,
    );
    const first = body.data.find((v) => v.id === voices.registry.defaultVoice)!;
    assert.equal(first.default, true);
    assert.equal(first.language, 'en-US');
    assert.equal(typeof first.description, 'string');
    assert.equal(first.sample_rate, voices.registry.get(undefined).sampleRate);
    assert.ok((first.aliases as string[]).includes('alloy') && (first.aliases as string[]).includes('nova'));
  });
});
