/**
 * The flame-graph page as the extension serves it (panelHtml with WEBVIEW_BUNDLE: strict CSP, nonce, the
 * module and its chunks from dist/) in a real browser (Debian's Chromium through playwright-core), with a
 * stand-in for the host that answers Ready with a view built by ProfileSession from a captured heap profile.
 *
 * What it guards: every script the page runs is requested before its code starts, none by the code
 * later. VS Code serves webview files through a service worker that waits up to 30 s for each reply; a
 * request left in flight when a panel closes kept the next panel blank for 27 s in code-server, when the
 * toolkit chunk was fetched only after the graph's first paint.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { panelHtml, WEBVIEW_BUNDLE } from '../../src/extension/panel/html';
import { decodeProfile } from '../../src/pprof/decode';
import type { FlameNode } from '../../src/pprof/model';
import { packProfile } from '../../src/pprof/packed';
import { ProfileStore } from '../../src/pprof/profileStore';
import { ProfileSession, storeEngine } from '../../src/pprof/session';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--allow-file-access-from-files'];

describe('the flame-graph page as the extension serves it', () => {
  let browser: Browser;
  let page: Page;
  let server: Server | undefined;
  let origin = '';
  let init = '';
  /** The root at one pixel (expandNode's reply to the page filling in its first view), and its frames. */
  let refined = '';
  let refinedFrames = 0;
  let firstFrames = 0;
  const errors: string[] = [];
  /** Requests per file name; a chunk's reply can be held back to see what a slow network does. */
  const requests = new Map<string, number>();
  let chunkDelayMs = 0;

  before(async () => {
    const store = new ProfileStore();
    // block.pb.gz has frames between 1/4,000 and 1/400 of its total: some are left out of the first view.
    const summary = store.add(packProfile(decodeProfile(readFileSync(path.resolve('test/fixtures/pprof/block.pb.gz')))));
    const session = new ProfileSession({ title: 'heap-1.pb.gz', engine: storeEngine(store), profile: { summary, release: () => {} } });
    const view = await session.handlers.ready({ graphWidth: 2000 });
    assert.ok(view.total > 0);
    init = JSON.stringify(view);
    const root = await session.handlers.expandNode({ viewId: view.viewId, nodeId: view.tree.id });
    refined = JSON.stringify(root);
    const frames = (n: FlameNode): number => 1 + n.children.reduce((sum, c) => sum + frames(c), 0);
    firstFrames = frames(view.tree);
    refinedFrames = frames(root.node);

    // Served over http, as VS Code serves a webview (file: URLs get no resource timing): the page, and dist/.
    const dist = path.resolve('dist');
    const pages = new Map<string, string>();
    server = createServer((req, res) => {
      const name = (req.url ?? '/').slice(1);
      requests.set(name, (requests.get(name) ?? 0) + 1);
      const chunk = (WEBVIEW_BUNDLE.chunks as readonly string[]).includes(name);
      if (pages.has(name)) {
        res.writeHead(200, { 'content-type': 'text/html' }).end(pages.get(name));
      } else if (name === WEBVIEW_BUNDLE.script || name === WEBVIEW_BUNDLE.style || chunk) {
        const body = readFileSync(path.join(dist, name));
        setTimeout(() => res.writeHead(200, { 'content-type': name.endsWith('.css') ? 'text/css' : 'text/javascript' }).end(body), chunk ? chunkDelayMs : 0);
      } else if (name === 'favicon.ico') {
        res.writeHead(204).end(); // the browser's own request, not the page's
      } else {
        errors.push(`the page asked for ${req.url}`);
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const view of ['flame', 'goroutines', 'watch'] as const) {
      pages.set(
        `${view}.html`,
        panelHtml({
          cspSource: origin,
          scriptUri: `${origin}/${WEBVIEW_BUNDLE.script}`,
          styleUri: `${origin}/${WEBVIEW_BUNDLE.style}`,
          preloadUris: WEBVIEW_BUNDLE.chunks.map((chunk) => `${origin}/${chunk}`),
          title: 'heap-1.pb.gz',
          view,
        }),
      );
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await openPage('flame');
  });

  /** A page of the bundle, with a stand-in for the host that answers Ready with the view, later (VS Code's host answers from another process). */
  async function openPage(view: 'flame' | 'goroutines' | 'watch', width = 1100): Promise<Page> {
    const p = await browser.newPage({ viewport: { width, height: 800 }, colorScheme: 'dark' });
    p.on('pageerror', (e) => errors.push(e.message));
    p.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await p.addInitScript(({ json, refinedJson }: { json: string; refinedJson: string }) => {
      const w = window as unknown as { acquireVsCodeApi: () => unknown; violations: string[] };
      w.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => w.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
      w.acquireVsCodeApi = () => ({
        postMessage(message: { kind: string; id: number; method?: string }) {
          // The flame page's ready gets the view (src/protocol/webview.ts's wire); the goroutines pages' stays unanswered here.
          if (message.kind === 'request' && message.method === 'ready' && location.pathname.endsWith('flame.html')) {
            setTimeout(() => window.postMessage({ kind: 'reply', id: message.id, json }, '*'), 50);
          }
          if (message.kind === 'request' && message.method === 'expandNode') {
            setTimeout(() => window.postMessage({ kind: 'reply', id: message.id, json: refinedJson }, '*'), 50);
          }
        },
        getState: () => undefined,
        setState: () => undefined,
      });
    }, { json: init, refinedJson: refined });
    await p.goto(`${origin}/${view}.html`);
    // The toolkit's controls: defined once its chunk has run.
    await p.waitForFunction(() => customElements.get('vscode-button') !== undefined);
    if (view === 'flame') {
      await p.waitForSelector('.profile-app[data-ready="true"]');
      await p.waitForFunction(() => document.querySelector('.profile-app vscode-text-field') !== null);
    }
    return p;
  }

  after(async () => {
    await browser?.close();
    server?.close();
  });

  it('draws the graph and the toolkit controls under the strict CSP', async () => {
    assert.ok((await page.locator('.graph svg rect').count()) >= 10);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { violations: string[] }).violations), []);
    assert.deepEqual(errors, []);
  });

  it('draws the boxes the first view left out once the graph is on screen', async () => {
    assert.ok(refinedFrames > firstFrames, `the fixture has boxes under two pixels: ${refinedFrames} frames refined, ${firstFrames} first`);
    // The views are pruned for a graph of 2,000 px: every box of the refined root is a pixel wide or more
    // in this page's wider graph, so all are drawn.
    const p = await openPage('flame', 2200);
    await p.waitForFunction((n) => document.querySelectorAll('.graph svg rect').length === n, refinedFrames, { timeout: 30_000 });
    await p.close();
    assert.deepEqual(errors, []);
  });

  it('requests every script before the bundle runs, each once, none later from its code', async () => {
    const { scripts, started } = await page.evaluate(() => ({
      scripts: performance.getEntriesByType('resource')
        .filter((r) => r.name.endsWith('.js'))
        .map((r) => ({ file: r.name.split('/').pop() ?? '', startTime: r.startTime })),
      started: performance.getEntriesByName('goroscope:start')[0]?.startTime ?? Number.NaN,
    }));
    assert.ok(started > 0, 'the bundle marks goroscope:start');
    assert.deepEqual(scripts.map((s) => s.file).sort(), [WEBVIEW_BUNDLE.script, ...WEBVIEW_BUNDLE.chunks].sort());
    for (const s of scripts) {
      assert.ok(s.startTime < started, `${s.file} was requested at ${s.startTime.toFixed(0)} ms, after the bundle started (${started.toFixed(0)} ms)`);
    }
  });

  it('fetches the toolkit chunk once on every page, even when the bundle imports it while the fetch is still on its way', async () => {
    // The goroutines and watch pages import the chunk as they start; on a slow connection its fetch has
    // not finished then, and the import must take it as it is (a no-cors preload would be fetched again).
    chunkDelayMs = 600;
    try {
      for (const view of ['goroutines', 'watch', 'flame'] as const) {
        requests.clear();
        const p = await openPage(view);
        for (const chunk of WEBVIEW_BUNDLE.chunks) assert.equal(requests.get(chunk), 1, `${view} page: ${chunk} requested ${requests.get(chunk) ?? 0} times`);
        await p.close();
      }
    } finally {
      chunkDelayMs = 0;
    }
    assert.deepEqual(errors, []);
  });
});
