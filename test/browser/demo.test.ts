/**
 * The demo page in headless Chromium against the REAL gateway (its own process, real voice): the page
 * connects with a token from its URL, speaks through WebCodecs Opus (and the PCM fallback) into the
 * AudioWorklet, highlights words, and Stop silences it. The numbers come from window.__speechgate,
 * which public/vendor/speechgate-demo.js (built from client/demo/app.ts) keeps up to date.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { fromRoot } from '../../src/util/paths.js';
import { startGateway, type GatewayProcess } from './gateway-process.js';

/** The part of the page's DemoStats (client/demo/app.ts) this test reads. */
interface DemoStats {
  state: string;
  voices: string[];
  format: { encoding: string; sampleRate: number } | undefined;
  firstAudioMs: number | undefined;
  serverFirstAudioMs: number | null | undefined;
  framesReceived: number;
  decodedMs: number;
  playedMs: number;
  positionMs: number;
  highlighted: string[];
  doneAudioMs: number | undefined;
  doneFrames: number | undefined;
  ended: boolean;
  framesAfterStop: number;
  error: string | undefined;
}
declare const window: { __speechgate: DemoStats };

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];
const PARAGRAPH =
  'Streaming speech starts before the text is complete. The quick brown fox jumps over the lazy dog.';
const LONG_TEXT = 'This answer is long, and the listener will interrupt it. '.repeat(8);
/** Two 20 ms frames. */
const FRAME_TOLERANCE_MS = 40;

let gateway: GatewayProcess;
let userDataDir: string;
let browser: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

const stats = (): Promise<DemoStats> => page.evaluate(() => ({ ...window.__speechgate }));

async function speak(text: string, format = 'auto'): Promise<void> {
  await page.fill('#text', text);
  await page.selectOption('#format', format);
  await page.check('#stream');
  await page.click('#speak');
}

before(async () => {
  gateway = await startGateway();
  userDataDir = mkdtempSync(join(tmpdir(), 'speechgate-chromium-'));
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });
});

after(async () => {
  await browser?.close();
  await gateway?.stop();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

void describe('demo page in Chromium against the real gateway', () => {
  void test('connects with the token from its URL and lists the voices', async () => {
    await page.goto(`${gateway.httpUrl}/?token=${gateway.token()}`);
    await page.waitForFunction(() => window.__speechgate.state === 'ready', null, { timeout: 15_000 });
    assert.ok((await stats()).voices.length > 0);
    assert.ok(!page.url().includes('token='), 'the token is taken out of the address bar');
  });

  void test('speaks a paragraph: decoded audio matches the done report, first audio is timed, words light up', async () => {
    await speak(PARAGRAPH);
    await page.waitForFunction(() => window.__speechgate.highlighted.length >= 3, null, { timeout: 20_000 });
    mkdirSync(fromRoot('test-artifacts'), { recursive: true });
    await page.screenshot({ path: fromRoot('test-artifacts', 'demo.png'), fullPage: true });
    await page.waitForFunction(
      () => window.__speechgate.ended || window.__speechgate.error !== undefined,
      null,
      {
        timeout: 60_000,
      },
    );
    const s = await stats();
    assert.equal(s.error, undefined);
    assert.deepEqual(
      s.format,
      { encoding: 'opus', sampleRate: 48000 },
      'Chromium decodes Opus with WebCodecs',
    );
    assert.ok(s.doneAudioMs !== undefined && s.doneAudioMs > 2000);
    assert.equal(s.doneAudioMs, (s.doneFrames ?? 0) * 20);
    assert.equal(s.framesReceived, s.doneFrames);
    assert.ok(
      Math.abs(s.decodedMs - s.doneAudioMs) <= FRAME_TOLERANCE_MS,
      `decoded ${s.decodedMs} vs done ${s.doneAudioMs}`,
    );
    assert.ok(
      Math.abs(s.playedMs - s.decodedMs) <= FRAME_TOLERANCE_MS,
      `played ${s.playedMs} vs decoded ${s.decodedMs}`,
    );
    assert.ok(s.firstAudioMs !== undefined && s.firstAudioMs > 0);
    const spoken = PARAGRAPH.toLowerCase();
    assert.ok(s.highlighted.length >= 10, `highlighted: ${s.highlighted.join(' ')}`);
    assert.ok(s.highlighted.every((w) => spoken.includes(w.toLowerCase())));
    console.log(
      `time to first audio (sendText to first decoded audible sample, Opus): ${s.firstAudioMs.toFixed(1)} ms; ` +
        `server time to first frame: ${s.serverFirstAudioMs} ms; audio ${s.doneAudioMs} ms`,
    );
  });

  void test('the PCM fallback (as on Safari) plays the same way', async () => {
    await speak('The fallback format is plain sixteen bit audio.', 'pcm_s16le@24000');
    await page.waitForFunction(
      () => window.__speechgate.ended || window.__speechgate.error !== undefined,
      null,
      {
        timeout: 60_000,
      },
    );
    const s = await stats();
    assert.equal(s.error, undefined);
    assert.deepEqual(s.format, { encoding: 'pcm_s16le', sampleRate: 24000 });
    assert.ok(s.doneAudioMs !== undefined && Math.abs(s.decodedMs - s.doneAudioMs) <= FRAME_TOLERANCE_MS);
    console.log(`time to first audio (PCM): ${s.firstAudioMs?.toFixed(1)} ms`);
  });

  void test('Stop silences at once: no audio is delivered or played after it', async () => {
    await speak(LONG_TEXT);
    await page.waitForFunction(() => window.__speechgate.positionMs > 600, null, { timeout: 20_000 });
    await page.click('#stop');
    const atStop = await stats();
    assert.equal(atStop.state, 'stopped');
    assert.equal(atStop.ended, false, 'it was interrupted, not finished');
    await page.waitForTimeout(1000);
    const later = await stats();
    assert.equal(later.framesAfterStop, 0);
    assert.equal(later.framesReceived, atStop.framesReceived);
    assert.equal(later.positionMs, atStop.positionMs, 'the worklet consumed nothing more');
    assert.equal(later.doneAudioMs, undefined, 'the context never completed');
    assert.deepEqual(pageErrors, []);
  });
});
