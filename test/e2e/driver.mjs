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

const { values: opts } = parseArgs({
  options: {
    port: { type: 'string' },
    repo: { type: 'string' },
    workspace: { type: 'string' },
    results: { type: 'string' },
    hold: { type: 'string' },
    artifacts: { type: 'string' },
    'server-pid': { type: 'string' },
    'timeout-seconds': { type: 'string', default: '360' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
for (const name of ['port', 'repo', 'workspace', 'results', 'hold', 'artifacts', 'server-pid']) {
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
  writeFileSync(opts.hold, 'done\n');
  writeFileSync(path.join(artifacts, 'browser-console.log'), consoleLines.join('\n') + '\n');
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
    ['extensionTestsPath', remote(path.join(opts.repo, 'out', 'test', 'suite', 'index.js'))],
  ];
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(opts.workspace)}` +
    `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: remaining() });

  const results = await waitForResults(page);
  await checkEditor(page);
  await checkProblemsPanel(page);
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
    if (count < 3) throw new Error(`expected a squiggle for each of the 3 rules, saw ${count}`);
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
}

/** Opens the Problems panel with its shortcut and checks it lists a finding of every rule. */
async function checkProblemsPanel(page) {
  await uiCheck('ui: the Problems panel lists the goroscope findings', async () => {
    await page.keyboard.press('Escape');
    await page.mouse.move(5, 5);
    await page.keyboard.press('Control+Shift+M');
    const panel = page.locator('.markers-panel');
    await panel.waitFor({ timeout: 10_000 });
    for (const rule of ['defer-in-loop', 'select-without-ctx-done', 'http-body-not-closed']) {
      await panel.locator('.monaco-list-row', { hasText: rule }).first().waitFor({ timeout: 10_000 });
    }
    const text = await panel.innerText();
    if (!text.includes('goroscope')) throw new Error('no row names goroscope as its source');
    await page.screenshot({ path: path.join(artifacts, 'problems-panel.png') });
  }, 'problems-panel-failed.png', page);
}

async function runQuickOpen(page, fileName) {
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => {});
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(fileName);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

async function dismissNotifications(page) {
  const clear = page.locator('.notifications-toasts .codicon-notifications-clear-all, .notification-toast .codicon-notifications-clear');
  for (const button of await clear.all()) await button.click().catch(() => {});
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
    console.log('  FAIL  the suite ran no tests');
    failed++;
  }
  console.log(`e2e: suite took ${Math.round((results.durationMs ?? 0) / 100) / 10} s; screenshots in ${path.relative(process.cwd(), artifacts) || '.'}`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
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
