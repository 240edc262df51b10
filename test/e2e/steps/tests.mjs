// "Profile this test" like a person (called by driver.mjs after the handler steps): open the demo's
// primes_test.go, click "Profile this test" above TestCountPrimes, check the flame graph drew the test's
// frames and its callee isPrime in the webview, and that the result landed on the lens line; then the
// same with "Profile this benchmark" above BenchmarkPageRender in catalog/pages_test.go; last, the failing
// test of test/fixtures/e2e-profiletest: its lens gives one error naming it and opens the Goroscope Tests
// output; and its test that never ends, cancelled from its progress notification (no process of it left).
// Screenshots: test-lens.png, test-flame-graph.png, test-result.png, benchmark-flame-graph.png,
// benchmark-result.png, test-failed.png, test-cancelled.png.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * @param page Playwright page of the workbench
 * @param h the driver's helpers: uiCheck (resolves to whether it passed), runCommand, runQuickOpen,
 *          dismissNotifications, waitUntil, sleep, artifacts (folder)
 */
export async function checkTestProfiling(page, h) {
  let testSummary = '';
  const shot = (name) => page.screenshot({ path: path.join(h.artifacts, name) });
  let ok = true;
  const step = async (title, failShot, body) => {
    if (!ok) {
      await h.uiCheck(title, async () => { throw new Error('skipped: an earlier test-profiling step failed'); });
      return;
    }
    ok = await h.uiCheck(title, body, failShot, page);
  };

  await step('ui: "Profile this test" and "Profile this subtest" show above TestCountPrimes in primes_test.go', 'test-lens-failed.png', async () => {
    await page.keyboard.press('Escape');
    await h.dismissNotifications(page);
    await h.runCommand(page, 'View: Close All Editors');
    await h.runQuickOpen(page, 'primes_test.go');
    await page.waitForSelector('.tabs-container .tab.active[aria-label*="primes_test.go"]', { timeout: 15_000 });
    await lens(page, /^Profile this test$/).waitFor({ timeout: 30_000 });
    await lens(page, /^Profile this subtest$/).waitFor({ timeout: 10_000 });
    await lens(page, /^Profile this benchmark$/).waitFor({ timeout: 10_000 });
    await shot('test-lens.png');
  });

  await step('ui: clicking it runs go test with the profilers and opens the CPU flame graph of TestCountPrimes', 'test-flame-failed.png', async () => {
    await clickLens(page, h, 'func TestCountPrimes(', 'Profile this test', 'profiling TestCountPrimes');
    const names = await flameNames(page, h, (n) => n.some((x) => x.endsWith('api.TestCountPrimes.func2')), 180_000);
    if (!names.some((n) => n.endsWith('api.isPrime'))) throw new Error(`the graph lacks isPrime: ${names.slice(0, 20).join(', ')}`);
    if (!names.some((n) => n === 'testing.tRunner')) throw new Error('the graph is not the whole profile (testing.tRunner is missing)');
    await page.locator('.tabs-container .tab', { hasText: 'TestCountPrimes · CPU' }).first().waitFor({ timeout: 10_000 });
    const toast = page.locator('.notification-toast', { hasText: /TestCountPrimes passed in .* Hottest: .*api\.isPrime/ }).first();
    await toast.waitFor({ timeout: 15_000 });
    testSummary = summaryIn(await toast.innerText(), 'TestCountPrimes');
    await shot('test-flame-graph.png');
  });

  await step('ui: the result shows on the lens line of TestCountPrimes', 'test-result-failed.png', async () => {
    await h.dismissNotifications(page);
    await page.locator('.tabs-container .tab[aria-label*="primes_test.go"]').first().click();
    // This run's result, as its notification said it (not an earlier run's, which the line showed before).
    if (!/^passed in [\d.]+ m?s · CPU [\d.]+ m?s · .+ allocated$/.test(testSummary)) throw new Error(`the notification said "${testSummary}"`);
    await h.waitUntil(`"${testSummary}" above TestCountPrimes`, () => lensAbove(page, 'func TestCountPrimes(', exactly(testSummary)).then(() => true, () => false), 20_000);
    await shot('test-result.png');
  });

  await step('ui: "Profile this benchmark" above BenchmarkPageRender opens its flame graph and leaves ns/op, B/op, allocs/op', 'benchmark-failed.png', async () => {
    await h.runCommand(page, 'View: Close All Editors');
    await h.runQuickOpen(page, 'pages_test.go');
    await page.waitForSelector('.tabs-container .tab.active[aria-label*="pages_test.go"]', { timeout: 15_000 });
    await clickLens(page, h, 'func BenchmarkPageRender(', 'Profile this benchmark', 'profiling BenchmarkPageRender');
    const names = await flameNames(page, h, (n) => n.some((x) => x.endsWith('catalog.BenchmarkPageRender')), 180_000);
    if (!names.some((n) => n.endsWith('catalog.(*Pages).render'))) throw new Error(`the graph lacks (*Pages).render: ${names.slice(0, 20).join(', ')}`);
    await page.locator('.tabs-container .tab', { hasText: 'BenchmarkPageRender · CPU' }).first().waitFor({ timeout: 10_000 });
    const toast = page.locator('.notification-toast', { hasText: /BenchmarkPageRender [\d.]+ (ns|µs)\/op/ }).first();
    await toast.waitFor({ timeout: 15_000 });
    const benchSummary = summaryIn(await toast.innerText(), 'BenchmarkPageRender');
    await shot('benchmark-flame-graph.png');
    await h.dismissNotifications(page);
    await page.locator('.tabs-container .tab[aria-label*="pages_test.go"]').first().click();
    if (!/^[\d.]+ (ns|µs)\/op · [\d.]+ kB\/op · \d+ allocs\/op$/.test(benchSummary)) throw new Error(`the notification said "${benchSummary}"`);
    await h.waitUntil(`"${benchSummary}" above BenchmarkPageRender`, () => lensAbove(page, 'func BenchmarkPageRender(', exactly(benchSummary)).then(() => true, () => false), 20_000);
    await shot('benchmark-result.png');
  });

  // Both packages are in the workspace from the start (run.sh copies test/fixtures/e2e-profiletest):
  // Quick Open does not list a file written meanwhile until the file watcher has told it.
  await step('ui: a failing test\'s lens says it failed in one error naming it and opens the Goroscope Tests output', 'test-failed-failed.png', async () => {
    await h.dismissNotifications(page);
    await h.runCommand(page, 'View: Close All Editors');
    await hidePanel(page, h);
    await h.runQuickOpen(page, 'ui_fails_test.go');
    await page.waitForSelector('.tabs-container .tab.active[aria-label*="ui_fails_test.go"]', { timeout: 15_000 });
    await clickLens(page, h, 'func TestShownFailing(', 'Profile this test', 'profiling TestShownFailing');
    await page.locator('.notification-toast', { hasText: /TestShownFailing failed: .*ui_fails_test\.go:7: got 1, want 2/ }).first().waitFor({ timeout: 180_000 });
    // The output panel opened by itself, on go test's own report of the failure.
    await page.locator('.part.panel .monaco-editor .view-line', { hasText: '--- FAIL: TestShownFailing' }).first().waitFor({ timeout: 15_000 });
    await shot('test-failed.png');
    const flame = await page.locator('.tabs-container .tab', { hasText: 'TestShownFailing · CPU' }).count();
    if (flame !== 0) throw new Error('a flame graph opened by itself for a failed test');
  });

  await step('ui: Cancel on the progress notification stops go test and the test binary it started', 'test-cancel-failed.png', async () => {
    await h.dismissNotifications(page);
    await h.runCommand(page, 'View: Close All Editors');
    await hidePanel(page, h);
    await h.runQuickOpen(page, 'ui_forever_test.go');
    await page.waitForSelector('.tabs-container .tab.active[aria-label*="ui_forever_test.go"]', { timeout: 15_000 });
    await clickLens(page, h, 'func TestSpinsUntilStopped(', 'Profile this test', 'profiling TestSpinsUntilStopped');
    // The test binary (<our temporary folder>/uiforever.test) runs: cancelling has something to stop.
    await h.waitUntil('the test binary to run', async () => processesRunning('uiforever.test', { program: true }).length > 0, 180_000);
    const progress = page.locator('.notification-toast', { hasText: 'profiling TestSpinsUntilStopped' }).first();
    await progress.locator('.monaco-button', { hasText: /^Cancel$/ }).first().click();
    await page.locator('.statusbar-item', { hasText: 'profiling TestSpinsUntilStopped cancelled' }).first().waitFor({ timeout: 15_000 });
    // Neither the test binary nor the go command (whose -o names it) is left.
    await h.waitUntil('no process left running the test binary', async () => processesRunning('uiforever.test').length === 0, 15_000);
    await shot('test-cancelled.png');
  });
  await h.dismissNotifications(page);
  await hidePanel(page, h).catch(() => {});
}

/**
 * Command lines of live processes that mention `text` (Linux /proc; code-server runs on this machine);
 * with `program`, only those whose program file ends in it.
 */
function processesRunning(text, { program = false } = {}) {
  const found = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (program ? argv[0]?.endsWith(`/${text}`) : argv.some((a) => a.includes(text))) found.push(`${pid}: ${argv.join(' ')}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** The bottom panel closed, when it is open (its command is offered only then). */
async function hidePanel(page, h) {
  if (await page.locator('.part.panel.bottom').isVisible().catch(() => false)) await h.runCommand(page, 'View: Hide Panel');
}

/** The summary a run's notification gives after the test's name: `Goroscope: <name> <summary>. Hottest: …`. */
function summaryIn(toastText, name) {
  const text = toastText.replace(/\s+/g, ' ');
  const m = new RegExp(`Goroscope: ${name} (.+?)\\. Hottest`).exec(text);
  if (!m) throw new Error(`no summary in the notification: ${text}`);
  return m[1];
}

function exactly(text) {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

/** The names drawn by the flame graph of a webview frame once `wanted` holds for them. */
async function flameNames(page, h, wanted, timeoutMs) {
  return h.waitUntil('a flame graph with the test\'s frames', async () => {
    for (const frame of page.frames()) {
      if ((await frame.locator('.profile-app[data-ready="true"]').count().catch(() => 0)) === 0) continue;
      const drawn = await frame.locator('.graph svg g').evaluateAll((gs) =>
        gs.map((g) => g.__data__?.data?.name).filter((n) => typeof n === 'string'),
      ).catch(() => undefined);
      if (drawn && wanted(drawn)) return drawn;
    }
    return undefined;
  }, timeoutMs);
}

/**
 * Clicks the lens titled `title` right above the line holding `lineText`, once the editor's lenses have
 * stopped changing (VS Code first draws the lenses it cached for the file, then redraws them with the
 * provider's answer, and a click on a lens being redrawn runs nothing), and waits for the notification
 * of the run. Clicked again once when no notification came.
 */
async function clickLens(page, h, lineText, title, notification) {
  const toast = page.locator('.notification-toast', { hasText: notification }).first();
  for (let attempt = 1; ; attempt++) {
    let last = '';
    let stableSince = Date.now();
    await h.waitUntil('the lenses to settle', async () => {
      const now = await page.locator('.monaco-editor .codelens-decoration').allInnerTexts().then((t) => t.join('|'));
      if (now !== last) {
        last = now;
        stableSince = Date.now();
      }
      return Date.now() - stableSince > 1500;
    }, 20_000);
    const target = await lensAbove(page, lineText, title);
    await target.click();
    try {
      await toast.waitFor({ timeout: 10_000 });
      return;
    } catch (err) {
      if (attempt >= 2) throw err;
      console.log(`e2e: clicking "${title}" above ${lineText} started nothing; clicking again`);
    }
  }
}

/** The lens titled `title` whose box ends closest above the line holding `lineText`. */
async function lensAbove(page, lineText, title) {
  const line = await page.locator('.monaco-editor .view-lines .view-line', { hasText: lineText }).first().boundingBox();
  if (!line) throw new Error(`the line "${lineText}" is not on screen`);
  const text = title instanceof RegExp ? title : new RegExp(`^${title}$`);
  const candidates = page.locator('.monaco-editor .codelens-decoration a, .monaco-editor .codelens-decoration span:not(.codelens-decoration)', { hasText: text });
  let best;
  let bestGap = Infinity;
  for (let i = 0; i < (await candidates.count()); i++) {
    const box = await candidates.nth(i).boundingBox();
    const gap = box ? line.y - (box.y + box.height) : -1;
    if (box && gap >= -2 && gap < bestGap) {
      best = candidates.nth(i);
      bestGap = gap;
    }
  }
  if (!best) throw new Error(`no "${String(title)}" lens above "${lineText}"`);
  return best;
}

function lens(page, text) {
  return page.locator('.monaco-editor .codelens-decoration a, .monaco-editor .codelens-decoration span', { hasText: text }).first();
}
