/**
 * The Goroutines page in a real browser (Debian's Chromium through playwright-core), served as VS Code
 * serves it (panelHtml: strict CSP with a nonce, dist/webview.js), showing the view the worker builds
 * from a dump Go 1.27.3 printed for examples/leaky-service right after its leak-detection pass
 * (test/fixtures/goroutines/leaky-service.goroutineleak.debug2.txt), with the static findings attached as
 * the host attaches them. The groups Go proved leaked come first, each saying so and whether a rule
 * explains it; labels from the headers, hostile ones included, show as text.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { clusterGoroutines } from '../../src/goroutines/cluster';
import { loadGoroutines } from '../../src/goroutines/load';
import { buildGoroutinesView, linkFindings } from '../../src/goroutines/view';
import { panelHtml } from '../../src/extension/panel/html';
import type { GoroutinesView } from '../../src/protocol/goroutinesView';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--allow-file-access-from-files'];
const ARTIFACTS = path.resolve('test/e2e/artifacts');
const HOSTILE = '<img src=x onerror=alert(1)>';
const QUOTE_GO = '/ws/leaky-service/internal/api/quote.go';

/** The view with its findings, as showGoroutines sends it once `goroscope/findings` answered. */
function viewOf(): GoroutinesView {
  const dump = readFileSync(path.resolve('test/fixtures/goroutines/leaky-service.goroutineleak.debug2.txt'));
  // A label value from a service is text: the dump's own header labels, with one made hostile.
  const text = dump.toString('utf8').replace('{route: /search}:', `{route: /search, note: "${HOSTILE}"}:`);
  const view = buildGoroutinesView(clusterGoroutines(loadGoroutines(new TextEncoder().encode(text))), {
    title: 'Goroutines · leaky-service',
    source: "goroutineleak?debug=2 dump of leaky-service; Go's leak detector ran just before",
    userModules: ['example.com/leaky-service'],
    canOpenSource: true,
  });
  // What goroscope lint reports in quote.go: the price goroutine's select (line 41), and the go statement that
  // starts the stock goroutine (line 47, the stock groups' created-by line), not its send.
  const lines = readFileSync(path.resolve('examples/leaky-service/internal/api/quote.go'), 'utf8').split('\n');
  const select = lines.findIndex((l) => l.trim() === 'select {') + 1;
  const go = lines.findIndex((l, i) => l.trim() === 'go func() {' && lines[i + 1]?.trim().startsWith('levels <-')) + 1;
  linkFindings(
    view.groups,
    [
      { file: QUOTE_GO, line: select, endLine: select, rule: 'select-without-ctx-done', severity: 'warning', message: `never receives from ctx.Done() ${HOSTILE}` },
      { file: QUOTE_GO, line: go, endLine: go, rule: 'goroutine-stuck-on-channel', severity: 'warning', message: `This goroutine sends on \`levels\` (unbuffered) ${HOSTILE}` },
    ],
    (f) => (f.file.endsWith('/internal/api/quote.go') ? QUOTE_GO : undefined),
  );
  return { ...view, findingsStatus: '3 static findings on the stacks of 3 groups.', findingsChecked: true };
}

describe('the Goroutines page in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  const errors: string[] = [];
  const view = viewOf();

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'goroscope-goroutines-page-'));
    const dist = path.resolve('dist');
    const file = path.join(dir, 'goroutines.html');
    writeFileSync(file, panelHtml({ cspSource: 'file:', scriptUri: `file://${dist}/webview.js`, styleUri: `file://${dist}/webview.css`, title: view.title, view: 'goroutines' }));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1100, height: 900 }, colorScheme: 'dark' });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.addInitScript((json: string) => {
      (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
        // The host's answer on the pages' wire (src/protocol/webview.ts): ready gets the view.
        postMessage(message: { kind: string; id: number; method: string }) {
          if (message.kind === 'request' && message.method === 'ready') window.postMessage({ kind: 'reply', id: message.id, json }, '*');
        },
        getState: () => undefined,
        setState: () => undefined,
      });
    }, JSON.stringify(view));
    await page.goto(`file://${file}`);
    await page.locator('.goroutines-app .group').first().waitFor({ timeout: 20_000 });
  });

  after(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the groups Go proved leaked come first, marked, each with the rule that explains it: where it blocks, or the go statement that started it', async () => {
    const proven = view.groups.filter((g) => g.leaked > 0);
    assert.equal(proven.length, 2, 'the fixture holds the two /quote groups');
    assert.equal(await page.locator('.group[data-leaked]').count(), 2);
    assert.deepEqual(await page.locator('.group[data-leaked]').evaluateAll((gs) => gs.map((g) => (g as HTMLElement).dataset.rank)), ['0', '1']);
    const badges = await page.locator('.group[data-leaked] .badge.leaked').allInnerTexts();
    assert.ok(badges.every((b) => /^([\d,]+ )?proven leaked by the Go runtime$/.test(b)), badges.join(' | '));
    const verdicts = await page.locator('.group[data-leaked] .leak-verdict').allInnerTexts();
    assert.equal(verdicts.filter((v) => /, and select-without-ctx-done reports the line where (it blocks|they block)\.$/.test(v)).length, 1, verdicts.join(' | '));
    assert.equal(verdicts.filter((v) => /, and goroutine-stuck-on-channel reports the go statement that started (it|them) \(quote\.go:47\)\.$/.test(v)).length, 1, verdicts.join(' | '));
    assert.equal(verdicts.filter((v) => /No rule explains/.test(v)).length, 0, verdicts.join(' | '));
    // The finding itself shows under the created-by line it is on, as text.
    const stock = page.locator('.group[data-leaked]', { hasText: 'goroutine-stuck-on-channel reports the go statement' });
    const note = stock.locator('.created-by .frame-finding');
    assert.equal(await note.count(), 1);
    assert.match(await note.innerText(), /^⚠ goroutine-stuck-on-channel: This goroutine sends on `levels` \(unbuffered\) <img src=x onerror=alert\(1\)> api\/quote\.go:47$/);
    assert.equal(await stock.locator('.stack .frame-finding').count(), 0, 'not on the send, where no rule reports');
    assert.match(await page.locator('.g-header .leaked-total').innerText(), new RegExp(`^${view.leaked} goroutines proven leaked by the Go runtime`));
    assert.equal(await page.locator('.group:not([data-leaked]) .leak-verdict').count(), 0, 'no verdict on groups nothing proved');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'goroutines-page-proven.png') });
  });

  it('labels from the headers and strings from the service are text: no element or handler comes from them', async () => {
    const search = page.locator('.group', { hasText: 'search.(*Service).Search.func1' }).first();
    assert.equal(await search.locator('.labels .label', { hasText: 'route=/search' }).count(), 1);
    assert.equal(await search.locator('.labels .label', { hasText: `note=${HOSTILE}` }).count(), 1);
    assert.ok((await page.locator('.goroutines-app').innerText()).includes(`never receives from ctx.Done() ${HOSTILE}`));
    assert.equal(await page.locator('.goroutines-app img').count(), 0);
    assert.deepEqual(errors, []);
  });
});
