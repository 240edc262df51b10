/**
 * The leak-watch page in a real browser (Debian's Chromium through playwright-core), served as VS Code
 * serves it (panelHtml: strict CSP with a nonce, dist/webview.js) with a stand-in for the host's side of
 * postMessage: a stored watch offers "Continue watching" and not Stop, the button sends ContinueWatch and
 * shows the host's refusal, a running watch offers Stop and not Continue, and notes and suspects from the
 * service show as text.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { panelHtml } from '../../src/extension/panel/html';
import type { WatchView } from '../../src/protocol/goroutinesView';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--allow-file-access-from-files'];
const ARTIFACTS = path.resolve('test/e2e/artifacts');
const HOSTILE = '<img src=x onerror=alert(1)>';

const stored: WatchView = {
  title: 'Leak watch · 127.0.0.1:6060 (stored)',
  running: false,
  canContinue: true,
  intervalSeconds: 10,
  snapshots: [0, 1, 2].map((i) => ({ takenAt: 1_700_000_000_000 + i * 10_000, goroutines: 40 + i * 20, problems: i === 1 ? [`goroutines: ${HOSTILE}`] : [] })),
  series: { takenAt: [0, 1, 2].map((i) => 1_700_000_000_000 + i * 10_000), goroutines: [40, 60, 80], heapInuse: [1e6, 2e6, 3e6], stackInuse: [65536, 98304, 131072], numGC: [3, 4, 5] },
  suspects: [
    {
      kind: 'goroutines',
      function: 'example.com/leaky-service/internal/search.(*Service).Search.func1',
      file: '/src/leaky-service/internal/search/search.go',
      line: 59,
      growth: 40,
      unit: 'goroutines',
      score: 12.5,
      evidence: ['+40 goroutines in 20 s', `created by ${HOSTILE}`],
      trend: [20, 40, 60],
      state: 'select',
      confirmedByRuntime: 0,
    },
    {
      kind: 'goroutines',
      function: 'example.com/leaky-service/internal/api.(*Server).handleQuote.func2',
      file: '/src/leaky-service/internal/api/quote.go',
      line: 48,
      growth: 0,
      unit: 'goroutines',
      score: 9,
      evidence: ['20 → 20 goroutines in [chan send] over 3 snapshots', 'the Go runtime proved all 20 leaked: nothing can ever wake them (goroutineleak)'],
      trend: [20, 20, 20],
      state: 'chan send',
      confirmedByRuntime: 20,
    },
  ],
  restarts: [],
  notes: ['The watch of 127.0.0.1:6060 started …: 3 snapshots loaded from the workspace storage.', `A note from a service: ${HOSTILE}`],
};

describe('the leak-watch page in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  const errors: string[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'goroscope-watch-page-'));
    const dist = path.resolve('dist');
    const file = path.join(dir, 'watch.html');
    writeFileSync(file, panelHtml({ cspSource: 'file:', scriptUri: `file://${dist}/webview.js`, styleUri: `file://${dist}/webview.css`, title: stored.title, view: 'watch' }));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1100, height: 800 }, colorScheme: 'dark' });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    // The host's side (src/protocol/watchPage.ts on webview.ts's wire): answers ready with the stored watch and
    // refuses continue, as a host whose stored watch was deleted meanwhile would; records every request the page sends.
    await page.addInitScript((view: WatchView) => {
      type Posted = { kind: string; id: number; method: string; json: string };
      const w = window as unknown as { posted: Posted[]; acquireVsCodeApi: () => unknown };
      w.posted = [];
      w.acquireVsCodeApi = () => ({
        postMessage(message: Posted) {
          w.posted.push(message);
          if (message.method === 'ready') window.postMessage({ kind: 'reply', id: message.id, json: JSON.stringify(view) }, '*');
          if (message.method === 'continue') {
            const error = { name: 'Error', message: 'the stored leak watch is gone' };
            setTimeout(() => window.postMessage({ kind: 'error', id: message.id, json: JSON.stringify(error) }, '*'), 50);
          }
        },
        getState: () => undefined,
        setState: () => undefined,
      });
    }, stored);
    await page.goto(`file://${file}`);
    await page.waitForSelector('.watch-app h1');
  });

  after(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a stored watch offers Continue watching, not Stop, and draws its snapshots, series and suspects', async () => {
    assert.equal(await page.locator('.watch-app h1').innerText(), stored.title);
    assert.match(await page.locator('.facts').innerText(), /^3 snapshots · stopped$/);
    assert.equal(await page.locator('vscode-button', { hasText: 'Continue watching' }).isVisible(), true);
    assert.equal(await page.locator('vscode-button', { hasText: 'Stop watching' }).isVisible(), false);
    assert.equal(await page.locator('.snapshot-list li').count(), 3);
    assert.equal(await page.locator('.suspect.goroutines').count(), 2);
    assert.deepEqual(await page.locator('.badge.confirmed').allInnerTexts(), ['20 proven leaked by the Go runtime']);
    assert.equal(await page.locator('.suspect.goroutines', { hasText: 'Search.func1' }).locator('.badge.confirmed').count(), 0);
    assert.ok((await page.locator('.series svg.chart polyline').count()) >= 3);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'watch-page-stored.png') });
  });

  it('strings from the service are text: no element or handler comes from them', async () => {
    const text = await page.locator('.watch-app').innerText();
    assert.ok(text.includes(`A note from a service: ${HOSTILE}`));
    assert.ok(text.includes(`created by ${HOSTILE}`));
    assert.equal(await page.locator('.watch-app img').count(), 0);
    assert.deepEqual(errors, []);
  });

  it('Continue watching sends continue; a refusal shows as the page message and the button works again', async () => {
    await page.locator('vscode-button', { hasText: 'Continue watching' }).click();
    await page.locator('.message.error', { hasText: 'the stored leak watch is gone' }).waitFor({ timeout: 5_000 });
    const posted = await page.evaluate(() => (window as unknown as { posted: Array<{ method: string; json: string }> }).posted.map((p) => [p.method, p.json]));
    assert.deepEqual(posted, [['ready', '{}'], ['continue', '{}']], 'the requests carry no field for the host to misread');
    assert.equal(await page.locator('vscode-button', { hasText: 'Continue watching' }).getAttribute('disabled'), null);
  });

  it('a running watch offers Stop, not Continue', async () => {
    await page.evaluate((view: WatchView) => {
      window.postMessage({ kind: 'event', method: 'watch', json: JSON.stringify({ ...view, running: true, canContinue: false }) }, '*');
    }, stored);
    await page.locator('.facts', { hasText: 'watching' }).waitFor({ timeout: 5_000 });
    assert.equal(await page.locator('vscode-button', { hasText: 'Stop watching' }).isVisible(), true);
    assert.equal(await page.locator('vscode-button', { hasText: 'Continue watching' }).isVisible(), false);
  });
});
