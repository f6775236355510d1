/**
 * The demo page's error paths in headless Chromium against the real gateway process: a wrong token is
 * named as the problem (a browser only sees close code 1006), and Speak cannot restart a speech that is
 * still playing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startGateway, type GatewayProcess } from '../browser/gateway-process.js';

interface DemoStats {
  state: string;
  contextId: string | undefined;
  error: string | undefined;
}
declare const window: { __speechgate: DemoStats };
declare const document: { getElementById(id: string): { click(): void } | null };

let gateway: GatewayProcess;
let userDataDir: string;
let browser: BrowserContext;
let page: Page;

before(async () => {
  gateway = await startGateway();
  userDataDir = mkdtempSync(join(tmpdir(), 'speechgate-chromium-'));
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required'],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
});

after(async () => {
  await browser?.close();
  await gateway?.stop();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

void describe('demo page error paths', () => {
  void test('a wrong token is reported as a rejected token, not only as 1006', async () => {
    const forged = gateway.token().replace(/.{4}$/, 'AAAA');
    await page.goto(`${gateway.httpUrl}/?token=${forged}`);
    await page.waitForFunction(() => window.__speechgate.error === 'unauthenticated', null, {
      timeout: 20_000,
    });
    const status = await page.textContent('#status');
    assert.match(status ?? '', /The token was rejected \(401/);
    assert.equal(await page.isDisabled('#speak'), true);
  });

  void test('Speak is disabled while speaking and a click does not restart the speech', async () => {
    await page.goto(`${gateway.httpUrl}/?token=${gateway.token()}`);
    await page.waitForFunction(() => window.__speechgate.state === 'ready', null, { timeout: 20_000 });
    await page.fill('#text', 'This answer is long, and nobody should be able to restart it. '.repeat(6));
    await page.click('#speak');
    await page.waitForFunction(() => window.__speechgate.state === 'speaking', null, { timeout: 5_000 });
    const first = await page.evaluate(() => window.__speechgate.contextId);
    assert.equal(await page.isDisabled('#speak'), true);
    assert.equal(await page.isEnabled('#stop'), true);
    await page.evaluate(() => document.getElementById('speak')?.click());
    assert.equal(await page.evaluate(() => window.__speechgate.contextId), first);
    await page.click('#stop');
    assert.equal(await page.evaluate(() => window.__speechgate.state), 'stopped');
    assert.equal(await page.isEnabled('#speak'), true);
  });
});
