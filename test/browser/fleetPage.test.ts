/**
 * The fleet page in a real browser (Debian's Chromium through playwright-core), served as VS Code serves
 * it (panelHtml: strict CSP with a nonce, dist/webview.js) with a stand-in for the host's side of
 * postMessage: 500 instances stay a few dozen rows in the DOM however far one scrolls (a virtualised
 * list), suspects come first with their evidence, names and labels from a metrics server show as text,
 * and the range buttons and Attach send their messages.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { panelHtml } from '../../src/extension/panel/html';
import type { FleetInstanceView, FleetView } from '../../src/protocol/fleet';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--allow-file-access-from-files'];
const ARTIFACTS = path.resolve('test/e2e/artifacts');
const HOSTILE = '<img src=x onerror=alert(1)>';
const START = 1_796_000_000;

function instance(i: number, growing: boolean): FleetInstanceView {
  const chart = Array.from({ length: 120 }, (_, k) => (growing ? 100 + k * 5 : 100 + (k % 7)));
  return {
    instance: i === 7 ? `10.0.0.7:8080${HOSTILE}` : `10.0.${i >> 8}.${i & 255}:8080`,
    labels: { job: 'api', pod: i === 7 ? HOSTILE : `api-${i}` },
    goroutines: { first: chart[0] as number, last: chart.at(-1) as number, perHour: growing ? 600 : 0 },
    heapInuse: { first: 50e6, last: 51e6, perHour: 0 },
    restarts: i === 3 ? [START + 3000] : [],
    suspectRank: growing ? 0 : null,
    goroutinesChart: chart,
    heapChart: chart.map((v) => v * 1e5),
  };
}

const instances = [instance(3, true), ...Array.from({ length: 499 }, (_, k) => instance(k === 3 ? 500 : k, false))];
const view: FleetView = {
  title: 'Fleet {job="api"} · 6h',
  source: 'http://127.0.0.1:9090/',
  selector: '{job="api"}',
  range: { start: START, end: START + 21_600 },
  step: 30,
  chartStart: START,
  instances,
  suspects: [{ kind: 'goroutines', instance: instances[0]?.instance as string, perHour: 600, unit: 'goroutines', score: 42, evidence: ['goroutines 100 → 695: +600/h between restarts', `a label said ${HOSTILE}`], pattern: 'isolated' }],
};

describe('the fleet page in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  const errors: string[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'goroscope-fleet-page-'));
    const dist = path.resolve('dist');
    const file = path.join(dir, 'fleet.html');
    writeFileSync(file, panelHtml({ cspSource: 'file:', scriptUri: `file://${dist}/webview.js`, styleUri: `file://${dist}/webview.css`, title: view.title, view: 'fleet' }));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1200, height: 800 }, colorScheme: 'dark' });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    // The host's side (on the pages' wire, src/protocol/webview.ts: payloads as JSON text): answers the page's
    // ready request with the view; records what the page sends.
    await page.addInitScript((fleet: FleetView) => {
      type Wire = { kind: string; id?: number; method: string; json: string };
      const w = window as unknown as { posted: Array<{ kind: string; id?: number; method: string; params: unknown }>; acquireVsCodeApi: () => unknown };
      w.posted = [];
      w.acquireVsCodeApi = () => ({
        postMessage(message: Wire) {
          const { json, ...rest } = message;
          w.posted.push({ ...rest, params: JSON.parse(json) as unknown });
          if (message.kind === 'request' && message.method === 'ready') setTimeout(() => window.postMessage({ kind: 'reply', id: message.id, json: JSON.stringify(fleet) }, '*'), 0);
        },
        getState: () => undefined,
        setState: () => undefined,
      });
    }, view);
    await page.goto(`file://${file}`);
    await page.locator('.fleet-row').first().waitFor({ timeout: 15_000 });
  });

  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the suspect first, with its evidence, and draws its chart and the restart', async () => {
    const first = page.locator('.fleet-row').first();
    assert.equal(await first.getAttribute('data-instance'), view.suspects[0]?.instance);
    assert.ok(await first.evaluate((e) => e.classList.contains('suspect')));
    assert.ok((await first.locator('svg[data-chart="goroutines"].growing polyline').getAttribute('points'))?.split(' ').length === 120);
    assert.equal(await first.locator('svg line.restart').count(), 2, 'a restart marks both charts');
    assert.match(await page.locator('.fleet-suspect').first().innerText(), /\+600\/h between restarts/);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'fleet-page-500.png') });
  });

  it('keeps a few dozen rows in the DOM for 500 instances, however far it scrolls', async () => {
    const rows = await page.locator('.fleet-row').count();
    assert.ok(rows > 5 && rows < 60, `${rows} rows in the DOM`);
    await page.locator('.fleet-list').evaluate((list) => (list.scrollTop = list.scrollHeight));
    const last = view.instances.at(-1)?.instance as string;
    await page.locator(`.fleet-row[data-instance="${last}"]`).waitFor({ timeout: 5000 });
    const after = await page.locator('.fleet-row').count();
    assert.ok(after < 60, `${after} rows in the DOM after scrolling`);
    assert.equal(await page.locator(`.fleet-row[data-instance="${view.instances[0]?.instance}"]`).count(), 0, 'rows scrolled away are removed');
  });

  it('a status from the host shows as text; a malformed message is dropped', async () => {
    await page.evaluate(() => {
      window.postMessage({ kind: 'event', method: 'status', json: JSON.stringify({ kind: 'error', text: 'Prometheus <b>down</b>' }) }, '*');
      window.postMessage({ kind: 'nonsense' }, '*');
    });
    await page.locator('.fleet-status.error', { hasText: 'Prometheus <b>down</b>' }).waitFor({ timeout: 5000 });
    assert.equal(await page.locator('.fleet-status b').count(), 0);
  });

  it('shows names and labels from the server as text, never as HTML', async () => {
    await page.locator('.fleet-list').evaluate((list) => (list.scrollTop = 0));
    const hostile = page.locator('.fleet-row .name', { hasText: HOSTILE });
    await hostile.first().waitFor({ timeout: 5000 });
    assert.equal(await page.locator('.fleet-app img').count(), 0);
    assert.match(await page.locator('.fleet-suspect').first().innerText(), /a label said <img src=x onerror=alert\(1\)>/);
    assert.deepEqual(errors, []);
  });

  it('range buttons and Attach send their messages to the host', async () => {
    await page.locator('.fleet-toolbar button', { hasText: /^24h$/ }).click();
    await page.locator('.fleet-suspect button', { hasText: 'Attach' }).first().click();
    const posted = await page.evaluate(() => (window as unknown as { posted: unknown[] }).posted);
    assert.deepEqual(posted.slice(-2), [
      { kind: 'event', method: 'setRange', params: { range: '24h' } },
      { kind: 'event', method: 'attach', params: { instance: view.suspects[0]?.instance } },
    ]);
    assert.deepEqual(posted[0], { kind: 'request', id: 1, method: 'ready', params: {} });
  });
});
