/**
 * What a browser makes of the HTTP API's files: headless Chromium fetches POST /v1/audio/speech from
 * another origin (listed in SPEECHGATE_CORS_ORIGINS; a preflight for the bearer token), plays the body through an <audio> element and
 * reports its duration, which must match the samples the gateway sent.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { loadE2EVoices } from '../helpers/e2e-voices.js';
import { signToken, startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const INPUT = 'A browser reads the length of this file from its header.';

let gw: TestGateway;
let token: string;
let userDataDir: string;
let browser: BrowserContext;
let page: Page;
let pageServer: Server;
let pageOrigin: string;

/** In the page: fetch the speech, play it from a blob URL, return the element's duration. */
function audioDuration(
  url: string,
  auth: string,
  body: Record<string, unknown>,
): Promise<{ status: number; bytes: number; duration: number }> {
  return page.evaluate(
    async ({ url, auth, body }) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { Authorization: `Bearer ${auth}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const blob = await res.blob();
      const audio = new Audio();
      const loaded = new Promise<void>((resolve, reject) => {
        audio.onloadedmetadata = () => resolve();
        audio.onerror = () => reject(new Error(`media error ${audio.error?.code}`));
      });
      audio.src = URL.createObjectURL(blob);
      await loaded;
      return { status: res.status, bytes: blob.size, duration: audio.duration };
    },
    { url, auth, body },
  );
}

before(async () => {
  pageServer = createServer((_req, res) => res.end('<!doctype html><title>other origin</title>'));
  await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
  pageOrigin = `http://localhost:${(pageServer.address() as AddressInfo).port}`;
  const voices = await loadE2EVoices();
  gw = await startTestGateway(voices.registry, { env: { SPEECHGATE_CORS_ORIGINS: pageOrigin } });
  token = await signToken({ scope: 'tts:speech' });
  userDataDir = mkdtempSync(join(tmpdir(), 'speechgate-chromium-'));
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  // The page comes from another origin (a bare page on its own port): every request is cross-origin.
  await page.goto(pageOrigin);
});

after(async () => {
  await browser?.close();
  await gw?.close();
  await new Promise((resolve) => pageServer?.close(resolve));
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

void describe('HTTP API audio in Chromium', () => {
  void test('an <audio> element reports the WAV duration the header carries', async () => {
    const wav = await audioDuration(`${gw.httpUrl}/v1/audio/speech`, token, {
      input: INPUT,
      response_format: 'wav',
    });
    assert.equal(wav.status, 200);
    const seconds = (wav.bytes - 44) / 2 / 24000;
    assert.ok(seconds > 1);
    assert.equal(wav.duration.toFixed(3), seconds.toFixed(3));

    const flac = await audioDuration(`${gw.httpUrl}/v1/audio/speech`, token, {
      input: INPUT,
      response_format: 'flac',
    });
    assert.equal(flac.duration.toFixed(3), seconds.toFixed(3));

    // MP3 (constant bit rate, no Xing header): the browser estimates from the size; the encoder pads.
    const mp3 = await audioDuration(`${gw.httpUrl}/v1/audio/speech`, token, { input: INPUT });
    assert.ok(Math.abs(mp3.duration - seconds) < 0.12, `${mp3.duration} vs ${seconds}`);
  });
});
