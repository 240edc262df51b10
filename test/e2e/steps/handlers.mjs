// "Profile this handler" like a person (called by driver.mjs after the live-pprof steps): open the
// demo's primes.go, click the lens above handlePrimes, and check that the flame graph opened focused
// on the handler (its frames and its callees drew, other handlers' did not), that the result shows on
// the lens line, and that inline costs appear at the ends of primes.go's lines. Screenshots:
// handler-lens.png, handler-flame-graph.png, inline-costs.png. The suite set 1 s captures and load.
import path from 'node:path';

/**
 * @param page Playwright page of the workbench
 * @param h the driver's helpers: uiCheck, runCommand, dismissNotifications, waitUntil,
 *          sleep, artifacts (folder), serviceUrl
 */
export async function checkHandlerProfiling(page, h) {
  const shot = (name) => page.screenshot({ path: path.join(h.artifacts, name) });
  let ok = true;
  const step = async (title, failShot, body) => {
    if (!ok) {
      await h.uiCheck(title, async () => { throw new Error('skipped: an earlier handler step failed'); });
      return;
    }
    const passed = await h.uiCheck(title, body, failShot, page);
    ok = passed;
  };

  await step('ui: the "Profile this handler" lens shows above handlePrimes in primes.go', 'handler-lens-failed.png', async () => {
    await page.keyboard.press('Escape');
    await h.dismissNotifications(page);
    await ensureAttached(page, h);
    await h.runCommand(page, 'View: Close All Editors');
    await openFile(page, 'primes.go');
    await page.waitForSelector('.tabs-container .tab.active[aria-label*="primes.go"]', { timeout: 15_000 });
    await lens(page, 'Profile this handler').waitFor({ timeout: 30_000 });
    await shot('handler-lens.png');
  });

  await step('ui: clicking the lens loads /primes, captures, and opens the flame graph focused on handlePrimes', 'handler-flame-failed.png', async () => {
    await lens(page, 'Profile this handler').click();
    await page.locator('.notification-toast', { hasText: 'profiling handlePrimes' }).first().waitFor({ timeout: 10_000 });
    const names = await h.waitUntil('a flame graph of handlePrimes', async () => {
      for (const frame of page.frames()) {
        if ((await frame.locator('.profile-app[data-ready="true"]').count().catch(() => 0)) === 0) continue;
        const drawn = await frame.locator('.graph svg g').evaluateAll((gs) =>
          gs.map((g) => g.__data__?.data?.name).filter((n) => typeof n === 'string'),
        ).catch(() => undefined);
        if (drawn?.some((n) => n.endsWith('api.handlePrimes'))) return drawn;
      }
      return undefined;
    }, 30_000);
    if (!names.some((n) => n.endsWith('api.isPrime'))) throw new Error(`the focused graph lacks handlePrimes's callee isPrime: ${names.slice(0, 20).join(', ')}`);
    const others = names.filter((n) => /api\.\(\*Server\)\.handle(Sessions|Search|Events|Reindex)$/.test(n));
    if (others.length > 0) throw new Error(`the graph is not focused: it also draws ${others.join(', ')}`);
    await page.locator('.tabs-container .tab', { hasText: /handlePrimes · CPU \d/ }).first().waitFor({ timeout: 10_000 });
    await h.sleep(800); // the toast with the result slides in
    await shot('handler-flame-graph.png');
  });

  await step('ui: the result shows on the lens line and inline costs at the ends of primes.go\'s lines', 'inline-costs-failed.png', async () => {
    await h.dismissNotifications(page);
    await page.locator('.tabs-container .tab[aria-label*="primes.go"]').first().click();
    await lens(page, /^CPU \d+(\.\d)?% · .+ allocated$/).waitFor({ timeout: 15_000 });
    const costs = await h.waitUntil('inline costs after the lines', async () => {
      const texts = await page.locator('.monaco-editor .view-lines').first().evaluate((root) =>
        [...root.querySelectorAll('span')]
          .map((s) => s.ownerDocument.defaultView?.getComputedStyle(s, '::after').content)
          .filter((c) => c && c !== 'none' && /cum \(/.test(c)),
      );
      return texts.length > 0 ? texts : undefined;
    }, 15_000);
    if (!costs.some((c) => /\d+(\.\d+)? (ms|s) cum/.test(c))) throw new Error(`the inline costs read ${costs.slice(0, 5).join(' | ')}`);
    // Room for the code: the flame graph had its screenshot; the bottom panel is not needed here.
    await h.runCommand(page, 'View: Close Editors in Other Groups');
    if (await page.locator('.part.panel.bottom').isVisible().catch(() => false)) await h.runCommand(page, 'View: Hide Panel');
    // The loop of isPrime is where the time goes: go to it (Ctrl+G reveals the line in the middle).
    await page.locator('.tabs-container .tab.active[aria-label*="primes.go"]').first().click();
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').waitFor({ timeout: 10_000 });
    await page.keyboard.type('37');
    await page.keyboard.press('Enter');
    await page.locator('.view-lines .view-line', { hasText: 'd*d <= n' }).first().waitFor({ timeout: 10_000 });
    await h.sleep(500);
    await shot('inline-costs.png');
  });
}

/**
 * Quick open that waits for the highlighted row to be the file: right after typing, the list can still
 * show the recently opened editors with another one highlighted, and Enter would open that.
 */
async function openFile(page, fileName) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(fileName);
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: fileName }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

function lens(page, text) {
  return page.locator('.monaco-editor .codelens-decoration a, .monaco-editor .codelens-decoration span', { hasText: text }).first();
}

/** The live-pprof steps leave the demo attached; attach from the palette when they did not get that far. */
async function ensureAttached(page, h) {
  const host = new URL(h.serviceUrl).host;
  if ((await page.locator('.statusbar-item', { hasText: host }).count()) > 0) return;
  await h.runCommand(page, 'Goroscope: Attach to Go Service');
  await page.locator('.quick-input-widget', { hasText: 'Attach to Go Service' }).waitFor({ timeout: 10_000 });
  await page.locator('.quick-input-widget input').fill(h.serviceUrl);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: h.serviceUrl }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await page.locator('.statusbar-item', { hasText: host }).first().waitFor({ timeout: 20_000 });
}
