// Drives code-server's workbench in headless Chromium for `npm run test:e2e` (started by run.sh).
//
// It opens the fixture workspace with the repository as the extension under development and
// out/test/suite/index.js as the test module, so the mocha suite runs inside code-server's real
// extension host. The suite writes its results to a file (the tab never reports run()'s outcome) and
// then keeps the extension host up until the driver releases it; meanwhile the driver does what a
// person would (open main.go, hover a squiggle, open the Problems panel), checks what the page shows,
// and saves screenshots into the artifacts folder.
//
// Prints one line per test and ends with `e2e: N passed, N failed`; exits 1 on any failure or timeout.
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkFleet } from './steps/fleet.mjs';
import { checkFrameworkHandlers } from './steps/frameworks.mjs';
import { checkGoroutines } from './steps/goroutines.mjs';
import { checkHandlerProfiling } from './steps/handlers.mjs';
import { checkTestProfiling } from './steps/tests.mjs';
import { checkBearerToken } from './steps/transport.mjs';
import { checkUntrustedWorkspace } from './steps/trust.mjs';

const { values: opts } = parseArgs({
  options: {
    port: { type: 'string' },
    repo: { type: 'string' },
    workspace: { type: 'string' },
    results: { type: 'string' },
    hold: { type: 'string' },
    artifacts: { type: 'string' },
    'server-pid': { type: 'string' },
    'service-url': { type: 'string' },
    'framework-service-url': { type: 'string' },
    'token-service-url': { type: 'string' },
    token: { type: 'string' },
    'user-data': { type: 'string' },
    'prometheus-url': { type: 'string' },
    'fleet-leaker': { type: 'string' },
    // "untrusted": a second, short session in a workspace the user does not trust (no suite runs).
    phase: { type: 'string', default: 'main' },
    'proxy-target': { type: 'string' },
    'timeout-seconds': { type: 'string', default: '360' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
const untrusted = opts.phase === 'untrusted';
for (const name of ['port', 'repo', 'workspace', 'artifacts', 'server-pid', ...(untrusted ? ['proxy-target'] : ['results', 'hold'])]) {
  if (!opts[name]) fail(`missing --${name}`);
}

const port = Number(opts.port);
const serverPid = Number(opts['server-pid']);
const deadline = Date.now() + Number(opts['timeout-seconds']) * 1000;
const artifacts = path.resolve(opts.artifacts);
mkdirSync(artifacts, { recursive: true });

/** Outcomes of the driver's own UI checks, reported beside the suite's tests. */
const uiChecks = [];
const consoleLines = [];

let browser;
let exitCode = 1;
try {
  browser = await chromium.launch({
    executablePath: opts.chromium,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
  exitCode = await drive(await browser.newPage({ viewport: { width: 1400, height: 860 } }));
} catch (err) {
  console.log(`e2e: ${err instanceof Error ? err.message : String(err)}`);
  console.log('e2e: 0 passed, 1 failed');
} finally {
  if (opts.hold) writeFileSync(opts.hold, 'done\n');
  writeFileSync(path.join(artifacts, untrusted ? 'browser-console-untrusted.log' : 'browser-console.log'), consoleLines.join('\n') + '\n');
  await browser?.close().catch(() => {});
}
process.exit(exitCode);

async function drive(page) {
  page.on('console', (msg) => consoleLines.push(`[${msg.type()}] ${msg.text()}`));
  page.on('pageerror', (err) => consoleLines.push(`[pageerror] ${err.message}`));

  await waitForServer();
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(opts.repo)],
    ...(untrusted ? [] : [['extensionTestsPath', remote(path.join(opts.repo, 'out', 'test', 'suite', 'index.js'))]]),
  ];
  if (untrusted) {
    await checkUntrustedWorkspace({ page, artifacts, uiCheck, runCommand, dismissNotifications, sleep, workspace: opts.workspace, target: opts['proxy-target'], openWorkbench: async () => {
      await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(opts.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
      await page.waitForSelector('.monaco-workbench', { timeout: remaining() });
    } });
    return report({ tests: [] });
  }
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(opts.workspace)}` +
    `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: remaining() });

  const results = await waitForResults(page);
  await checkEditor(page);
  await checkProblemsPanel(page);
  await checkLivePprof(page);
  await checkGoroutines({ page, artifacts, repo: opts.repo, workspace: opts.workspace, serviceUrl: opts['service-url'], uiCheck, runCommand, runQuickOpen, dismissNotifications, waitUntil, sleep });
  await checkHandlerProfiling(page, {
    uiCheck: async (title, body, shot, p) => (await uiCheck(title, body, shot, p), uiChecks.at(-1)?.ok === true),
    runCommand, dismissNotifications, waitUntil, sleep, artifacts, serviceUrl: opts['service-url'] ?? '',
  });
  await checkFleet({ page, artifacts, uiCheck, runCommand, dismissNotifications, waitUntil, findFrame, prometheusUrl: opts['prometheus-url'], leaker: opts['fleet-leaker'] });
  await checkFrameworkHandlers(page, {
    uiCheck: async (title, body, shot, p) => (await uiCheck(title, body, shot, p), uiChecks.at(-1)?.ok === true),
    runCommand, dismissNotifications, waitUntil, sleep, artifacts, serviceUrl: opts['framework-service-url'] ?? '', workspace: opts.workspace,
  });
  await checkTestProfiling(page, {
    uiCheck: async (title, body, shot, p) => (await uiCheck(title, body, shot, p), uiChecks.at(-1)?.ok === true),
    runCommand, runQuickOpen, dismissNotifications, waitUntil, sleep, artifacts,
  });
  // Last: it attaches a second service, which becomes the status bar's.
  await checkBearerToken({
    page, artifacts, uiCheck, runCommand, dismissNotifications,
    tokenServiceUrl: opts['token-service-url'], token: opts.token, userData: opts['user-data'], workspace: opts.workspace,
  });
  return report(results);
}

async function waitForServer() {
  for (;;) {
    assertServerAlive();
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('code-server did not start listening in time');
    await sleep(250);
  }
}

async function waitForResults(page) {
  while (!existsSync(opts.results)) {
    assertServerAlive();
    if (Date.now() > deadline) {
      await page.screenshot({ path: path.join(artifacts, 'timeout.png') }).catch(() => {});
      throw new Error(`the suite wrote no results within ${opts['timeout-seconds']} s (see ${artifacts}/timeout.png and logs/)`);
    }
    await sleep(500);
  }
  return JSON.parse(readFileSync(opts.results, 'utf8'));
}

/** Opens main.go the way a person does, waits for Goroscope's squiggles, and hovers one. */
async function checkEditor(page) {
  await uiCheck('ui: main.go shows squiggles under the leaks', async () => {
    await dismissNotifications(page);
    await runQuickOpen(page, 'main.go');
    await page.waitForSelector('.tabs-container .tab.active[aria-label*="main.go"]', { timeout: 15_000 });
    const squiggles = page.locator('.monaco-editor .view-overlays .squiggly-warning, .monaco-editor .view-overlays .squiggly-error');
    await squiggles.first().waitFor({ timeout: 20_000 });
    const count = await squiggles.count();
    // The first screen holds the first three rules' cases; the fourth is revealed by the next check.
    if (count < 3) throw new Error(`expected a squiggle for each of the 3 rules on the first screen, saw ${count}`);
  });
  await uiCheck('ui: hovering a squiggle shows the Goroscope finding', async () => {
    // The http.Get call is the widest squiggle on screen; hover its middle.
    const line = page.locator('.view-lines .view-line', { hasText: 'http.Get(url)' }).first();
    const box = await line.boundingBox();
    if (!box) throw new Error('the http.Get line is not on screen');
    const call = await line.locator('span', { hasText: 'Get' }).first().boundingBox();
    const x = call ? call.x + call.width / 2 : box.x + 200;
    await page.mouse.move(x, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'http-body-not-closed' });
    await hover.first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(artifacts, 'editor-squiggles.png') });
  }, 'editor-squiggles-failed.png', page);
  await uiCheck('ui: the go statement of a goroutine stuck on its channel is squiggled, and its hover names the channel', async () => {
    await page.keyboard.press('Escape');
    await page.mouse.move(5, 5);
    // Ctrl+G reveals quoteOf's go statement in the middle of the editor.
    const source = readFileSync(path.join(opts.workspace, 'main.go'), 'utf8').split('\n');
    const goLine = source.findIndex((l) => l.includes('// want "goroutine-stuck-on-channel"')) + 1;
    if (goLine < 1) throw new Error('main.go has no go statement wanted for goroutine-stuck-on-channel');
    await page.locator('.tabs-container .tab.active[aria-label*="main.go"]').first().click();
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').waitFor({ timeout: 10_000 });
    await page.keyboard.type(String(goLine));
    await page.keyboard.press('Enter');
    const line = page.locator('.view-lines .view-line', { hasText: 'go func() {' }).first();
    await line.waitFor({ timeout: 10_000 });
    await page.locator('.monaco-editor .view-overlays .squiggly-warning').first().waitFor({ timeout: 10_000 });
    const keyword = await line.locator('span', { hasText: /^go$/ }).first().boundingBox();
    const box = await line.boundingBox();
    if (!box) throw new Error('the go statement of quoteOf is not on screen');
    await page.mouse.move(keyword ? keyword.x + keyword.width / 2 : box.x + 40, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'goroutine-stuck-on-channel' });
    await hover.first().waitFor({ timeout: 10_000 });
    const text = (await hover.first().innerText()).replace(/\s+/g, ' ');
    if (!/sends on `?price`? \(unbuffered\)/.test(text)) throw new Error(`the hover reads "${text}"`);
    await page.screenshot({ path: path.join(artifacts, 'editor-goroutine-stuck.png') });
  }, 'editor-goroutine-stuck-failed.png', page);
}

/** Opens the Problems panel with its shortcut and checks it lists a finding of every rule. */
async function checkProblemsPanel(page) {
  await uiCheck('ui: the Problems panel lists the goroscope findings', async () => {
    await page.keyboard.press('Escape');
    await page.mouse.move(5, 5);
    await page.keyboard.press('Control+Shift+M');
    const panel = page.locator('.markers-panel');
    await panel.waitFor({ timeout: 10_000 });
    for (const rule of ['defer-in-loop', 'select-without-ctx-done', 'http-body-not-closed', 'goroutine-stuck-on-channel']) {
      await panel.locator('.monaco-list-row', { hasText: rule }).first().waitFor({ timeout: 10_000 });
    }
    const text = await panel.innerText();
    if (!text.includes('goroscope')) throw new Error('no row names goroscope as its source');
    await page.screenshot({ path: path.join(artifacts, 'problems-panel.png') });
  }, 'problems-panel-failed.png', page);
}

/**
 * Live pprof like a person: attach to the demo service from the command palette, read the status bar,
 * open the Goroscope view, open the heap snapshot the suite captured, search the flame graph, and jump
 * to a frame's source. Cancels a CPU capture on its countdown. Each step depends on the one before it.
 */
async function checkLivePprof(page) {
  const serviceUrl = opts['service-url'];
  if (!serviceUrl) {
    uiChecks.push({ title: 'ui: live pprof', ok: false, durationMs: 0, message: 'run.sh passed no --service-url' });
    return;
  }
  const host = new URL(serviceUrl).host;
  let ok = true;
  const step = async (title, shot, body) => {
    if (!ok) {
      uiChecks.push({ title, ok: false, durationMs: 0, message: 'skipped: an earlier live-pprof step failed' });
      return;
    }
    const before = uiChecks.length;
    await uiCheck(title, body, shot, page);
    ok = uiChecks[before]?.ok === true;
  };

  await step('ui: F1 → "Goroscope: Attach to Go Service" → URL → Enter attaches', 'attach-failed.png', async () => {
    await page.keyboard.press('Escape');
    await dismissNotifications(page);
    await runCommand(page, 'Goroscope: Attach to Go Service');
    const input = page.locator('.quick-input-widget input');
    await page.locator('.quick-input-widget', { hasText: 'Attach to Go Service' }).waitFor({ timeout: 10_000 });
    await input.fill(serviceUrl);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: serviceUrl }).first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(artifacts, 'attach-quick-pick.png') });
    await page.keyboard.press('Enter');
    await page.locator('.notification-toast', { hasText: 'attaching' }).first().waitFor({ state: 'detached', timeout: 20_000 });
    const status = page.locator('.statusbar-item', { hasText: host });
    await status.filter({ hasText: /\d[\d,]* goroutines · [\d.]+ (bytes|KiB|MiB|GiB) heap/ }).first().waitFor({ timeout: 20_000 });
    const text = (await status.first().innerText()).replace(/\s+/g, ' ').trim();
    const goroutines = Number(/([\d,]+) goroutines/.exec(text)?.[1]?.replace(/,/g, ''));
    if (!(goroutines > 5)) throw new Error(`the status bar shows ${goroutines} goroutines ("${text}"); the demo runs dozens`);
    await page.screenshot({ path: path.join(artifacts, 'status-bar.png') });
  });

  await step('ui: the Goroscope view lists the service and its snapshots', 'services-tree-failed.png', async () => {
    await page.locator('.activitybar .action-label[aria-label^="Goroscope"]').first().click();
    const tree = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Services' }) });
    await tree.locator('.monaco-list-row', { hasText: host }).first().waitFor({ timeout: 10_000 });
    for (const label of ['heap', 'cpu 1 s']) {
      await tree.locator('.monaco-list-row .label-name', { hasText: new RegExp(`^${label}$`) }).first().waitFor({ timeout: 10_000 });
    }
    await page.screenshot({ path: path.join(artifacts, 'services-tree.png') });
  });

  let panel;
  await step('ui: opening the heap snapshot draws its flame graph in the panel', 'flame-graph-failed.png', async () => {
    const tree = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Services' }) });
    await tree.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: /^heap$/ }) }).first().click();
    // Room for the graph, as a person would make it: hide the bottom panel and the side bar.
    await page.keyboard.press('Control+J');
    await page.keyboard.press('Control+B');
    panel = await findFrame(page, '.profile-app[data-ready="true"]', 30_000);
    const rects = panel.locator('.graph svg rect');
    await waitUntil('the flame graph to draw frames', async () => (await rects.count()) >= 10, 15_000);
    // The toolkit's code runs after the graph (a chunk of its own): its controls still take the theme's
    // colours (its --foreground token set from --vscode-foreground), not the toolkit's default dark palette.
    await waitUntil('the toolkit controls to take the theme colours', async () => {
      const [token, theme] = await panel.locator('body').evaluate((body) => ['--foreground', '--vscode-foreground'].map((v) => body.ownerDocument.defaultView.getComputedStyle(body).getPropertyValue(v).trim().toLowerCase()));
      return token !== '' && token === theme;
    }, 10_000);
    // Every script was requested before the bundle's code began to run (the toolkit chunk by the page's
    // modulepreload), none by the code later: VS Code's webview service
    // worker waits 30 s for a reply, and a request stranded by a closing panel kept the next panel blank
    // that long.
    const loads = await panel.locator('body').evaluate((body) => {
      const perf = body.ownerDocument.defaultView.performance;
      const started = perf.getEntriesByName('goroscope:start')[0]?.startTime;
      const scripts = perf.getEntriesByType('resource').filter((r) => /\.js(\?|$)/.test(r.name));
      return { started, scripts: scripts.map((r) => `${r.name.split(/[/?]/).filter(Boolean).find((p) => p.endsWith('.js'))} at ${Math.round(r.startTime)} ms`), late: scripts.filter((r) => !(r.startTime < started)).length };
    });
    if (loads.started === undefined || loads.scripts.length < 2 || loads.late > 0) {
      throw new Error(`scripts requested: ${loads.scripts.join(', ') || 'none seen'}; the bundle started at ${loads.started === undefined ? '(no mark)' : `${Math.round(loads.started)} ms`}`);
    }
    await page.screenshot({ path: path.join(artifacts, 'flame-graph.png') });
  });

  await step('ui: searching the flame graph highlights the matching frames', 'flame-search-failed.png', async () => {
    const fillsBefore = await rectFills(panel);
    await panel.locator('vscode-text-field[placeholder^="Search"] input').fill('leaky-service');
    await waitUntil('the search to report a match', async () => Number(await panel.locator('.profile-app').getAttribute('data-search-matched')) > 0, 10_000);
    const share = await panel.locator('.share').innerText();
    if (!/^matched .+ of .+ \([\d.]+%\)$/.test(share)) throw new Error(`the matched share reads "${share}"`);
    const changed = await waitUntil('highlighted frames', async () => {
      const after = await rectFills(panel);
      const diff = after.filter((f, i) => f.fill !== fillsBefore[i]?.fill);
      return diff.length > 0 ? diff : undefined;
    }, 5_000);
    const colours = new Set(changed.map((f) => f.fill));
    if (colours.size !== 1) throw new Error(`highlighted frames should share one colour, saw ${[...colours].join(', ')}`);
    await page.screenshot({ path: path.join(artifacts, 'flame-graph-search.png') });
  });

  await step('ui: a frame\'s "Open source" opens the demo\'s own file in the editor', 'open-source-failed.png', async () => {
    const fills = await rectFills(panel);
    const highlight = fills.find((f) => f.highlighted)?.fill;
    // The widest highlighted frame: a function of the demo service, wide enough to click.
    const target = fills.filter((f) => f.fill === highlight).sort((a, b) => b.width - a.width)[0];
    if (!target) throw new Error('no highlighted frame to click');
    await panel.locator('.graph svg rect').nth(target.index).click({ force: true });
    const open = panel.locator('vscode-button', { hasText: 'Open source' });
    await open.waitFor({ state: 'visible', timeout: 10_000 });
    const selection = await panel.locator('.selection').innerText();
    if (!selection.includes('example.com/leaky-service/')) throw new Error(`the selected frame is not the demo's: ${selection}`);
    const file = /example\.com\/leaky-service\/(\S+\.go):\d+/.exec(selection)?.[1];
    await open.click();
    if (!file) throw new Error(`the selected frame names no file: ${selection}`);
    // Each editor group has an active tab: the one wanted is the file's.
    const tab = page.locator(`.tabs-container .tab.active[aria-label^="${path.basename(file)}"]`).first();
    await tab.waitFor({ timeout: 10_000 });
    // The breadcrumbs of the active group spell the file's folders: it is the workspace copy of the demo.
    const crumbs = page.locator('.editor-group-container.active .breadcrumbs-control .monaco-breadcrumb-item');
    const wanted = ['leaky-service', ...file.split('/')];
    const shown = await waitUntil(`breadcrumbs ${wanted.join(' › ')}`, async () => {
      const items = (await crumbs.allInnerTexts()).map((t) => t.trim()).filter(Boolean);
      return wanted.every((w, i) => items[i] === w) ? items : undefined;
    }, 5_000).catch(async () => (await crumbs.allInnerTexts()).join(' › '));
    if (typeof shown === 'string') throw new Error(`the editor shows ${shown}, not the workspace copy of ${file}`);
    await page.screenshot({ path: path.join(artifacts, 'open-source.png') });
  });

  await step('ui: a CPU capture counts down in a notification and Cancel stops it', 'capture-cancel-failed.png', async () => {
    await dismissNotifications(page);
    await runCommand(page, 'Goroscope: Capture CPU Profile');
    const toast = page.locator('.notification-toast', { hasText: 'capturing' });
    await toast.filter({ hasText: /\d+ s left/ }).first().waitFor({ timeout: 10_000 });
    await sleep(700); // the toast slides in
    await page.screenshot({ path: path.join(artifacts, 'capture-countdown.png') });
    const tabsBefore = await page.locator('.tabs-container .tab').count();
    await toast.locator('.monaco-button', { hasText: 'Cancel' }).first().click();
    await toast.first().waitFor({ state: 'detached', timeout: 5_000 });
    await page.locator('.statusbar-item', { hasText: 'capture cancelled' }).first().waitFor({ timeout: 5_000 });
    await sleep(1000);
    if ((await page.locator('.tabs-container .tab').count()) !== tabsBefore) throw new Error('a panel opened: the cancelled capture was stored');
  });

  await step('ui: "Capture Heap Profile…" asks for the view and the GC option, then shows the new snapshot', 'heap-pick-failed.png', async () => {
    await dismissNotifications(page);
    await runCommand(page, 'Goroscope: Capture Heap Profile…');
    const pick = page.locator('.quick-input-widget', { hasText: 'heap profile' });
    const toggle = pick.locator('.monaco-list-row', { hasText: 'Run a garbage collection first' });
    await toggle.waitFor({ timeout: 10_000 });
    const gcOn = async () => (await toggle.locator('.codicon-pass-filled').count()) > 0;
    const before = await gcOn();
    await toggle.click();
    await waitUntil('the GC option to flip', async () => (await gcOn()) !== before, 5_000);
    if (before) await toggle.click(); // back to on: a leak hunt wants gc=1
    await waitUntil('the GC option to be on', gcOn, 5_000);
    await sleep(300);
    await page.screenshot({ path: path.join(artifacts, 'heap-capture-pick.png') });
    const tabs = page.locator('.tabs-container .tab', { hasText: /· heap ·/ });
    const heapTabs = await tabs.count();
    await pick.locator('.monaco-list-row', { hasText: 'In use · objects' }).click();
    await waitUntil('a second heap snapshot in the panel', async () => (await tabs.count()) > heapTabs, 15_000);
    const frame = await waitUntil('the new panel to draw', async () => {
      for (const f of page.frames()) {
        const status = await f.locator('.profile-app[data-ready="true"] .status').innerText({ timeout: 200 }).catch(() => '');
        if (status.includes('inuse_objects')) return f;
      }
      return undefined;
    }, 20_000);
    if ((await frame.locator('.graph svg rect').count()) < 5) throw new Error('the new heap snapshot drew almost nothing');
  });
}

/** The frame (webviews are nested iframes) whose document has `selector`. */
async function findFrame(page, selector, timeoutMs) {
  return waitUntil(`a webview frame with ${selector}`, async () => {
    for (const frame of page.frames()) {
      if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
    }
    return undefined;
  }, timeoutMs);
}

/** Every rect of the flame graph: fill, width, whether d3-flame-graph marked it highlighted. */
function rectFills(frame) {
  return frame.locator('.graph svg rect').evaluateAll((rects) =>
    rects.map((r, index) => ({
      index,
      fill: r.getAttribute('fill') ?? r.ownerDocument.defaultView?.getComputedStyle(r).fill,
      width: Number(r.getAttribute('width')) || r.getBoundingClientRect().width,
      highlighted: Boolean(r.parentElement?.__data__?.highlight),
    })),
  );
}

async function waitUntil(what, probe, timeoutMs) {
  const start = Date.now();
  const end = start + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) {
      // A long wait that still succeeded: said, so a slow CI run shows where its time went.
      if (Date.now() - start > 5_000) console.log(`e2e: waited ${Date.now() - start} ms for ${what}`);
      return value;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

async function runQuickOpen(page, fileName) {
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => {});
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(fileName);
  // Enter only once the highlighted row is the file asked for: the list of recently opened files may
  // still hold the focus for a moment after typing.
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: fileName }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

async function dismissNotifications(page) {
  const clear = page.locator('.notifications-toasts .codicon-notifications-clear-all, .notification-toast .codicon-notifications-clear');
  // A toast's close button shows only on hover: never wait Playwright's 30 s for it to become clickable.
  for (const button of await clear.all()) await button.click({ force: true, timeout: 2_000 }).catch(() => {});
}

async function uiCheck(title, body, failShot, page) {
  const started = Date.now();
  try {
    await body();
    uiChecks.push({ title, ok: true, durationMs: Date.now() - started });
  } catch (err) {
    if (page && failShot) await page.screenshot({ path: path.join(artifacts, failShot) }).catch(() => {});
    uiChecks.push({ title, ok: false, durationMs: Date.now() - started, message: err instanceof Error ? err.message.split('\n')[0] : String(err) });
  }
}

function report(results) {
  let passed = 0;
  let failed = 0;
  const outcomes = [
    ...(results.tests ?? []),
    ...uiChecks.map((c) => ({ title: c.title, state: c.ok ? 'passed' : 'failed', durationMs: c.durationMs, message: c.message })),
  ];
  for (const t of outcomes) {
    if (t.state === 'passed') {
      console.log(`  ok    ${t.title} (${t.durationMs} ms)`);
      passed++;
    } else {
      console.log(`  FAIL  ${t.title}\n        ${String(t.message).split('\n').join('\n        ')}`);
      failed++;
    }
  }
  if (passed + failed === 0) {
    console.log(untrusted ? '  FAIL  no check ran' : '  FAIL  the suite ran no tests');
    failed++;
  }
  const took = results.durationMs === undefined ? '' : `suite took ${Math.round(results.durationMs / 100) / 10} s; `;
  console.log(`e2e${untrusted ? ' (untrusted workspace)' : ''}: ${took}screenshots in ${path.relative(process.cwd(), artifacts) || '.'}`);
  console.log(`e2e${untrusted ? ' (untrusted workspace)' : ''}: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

function assertServerAlive() {
  try {
    process.kill(serverPid, 0);
  } catch {
    throw new Error('code-server exited before the suite finished (see logs/code-server.log in the artifacts)');
  }
}

function remaining() {
  return Math.max(1000, deadline - Date.now());
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function fail(message) {
  console.error(`e2e driver: ${message}`);
  process.exit(2);
}
