// "Profile this handler" on real gin, echo, chi and fiber routes, like a person (called by driver.mjs
// after the leaky-service handler steps): attach examples/framework-service from the palette, open the
// file of each framework's costly handler and check its lens reads the route discovery joined from the
// router's groups (screenshots framework-lens-<framework>.png), then click fiber's lens and check that
// the flame graph opened focused on the handler, its callees drawn and other frameworks' handlers not
// (framework-flame-graph.png). The suite set 1 s captures and load.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const HANDLERS = [
  { framework: 'gin', file: 'ginapi/reports.go', decl: /^func \(h \*handlers\) report\(/, title: 'Profile this handler · GET /gin/api/v1/reports/:id' },
  { framework: 'echo', file: 'echoapi/catalog.go', decl: /^func \(c \*catalog\) search\(/, title: 'Profile this handler · GET /echo/shop/search' },
  { framework: 'chi', file: 'chiapi/tiles.go', decl: /^func renderTile\(/, title: 'Profile this handler · GET /chi/tiles/{zoom}/mandelbrot.png' },
  { framework: 'fiber', file: 'fiberapi/library.go', decl: /^func \(l \*library\) topWords\(/, title: 'Profile this handler · GET /fiber/v1/books/:book/words' },
];

/**
 * @param page Playwright page of the workbench
 * @param h the driver's helpers: uiCheck (resolves to whether the check passed), runCommand,
 *          dismissNotifications, waitUntil, sleep, artifacts (folder), serviceUrl (framework-service's
 *          pprof URL), workspace (folder)
 */
export async function checkFrameworkHandlers(page, h) {
  const shot = (name) => page.screenshot({ path: path.join(h.artifacts, name) });
  let ok = true;
  const step = async (title, failShot, body) => {
    if (!ok) {
      await h.uiCheck(title, async () => { throw new Error('skipped: an earlier framework step failed'); });
      return;
    }
    ok = await h.uiCheck(title, body, failShot, page);
  };

  await step('ui: F1 → "Goroscope: Attach to Go Service" attaches framework-service', 'framework-attach-failed.png', async () => {
    await page.keyboard.press('Escape');
    await h.dismissNotifications(page);
    await h.runCommand(page, 'View: Close All Editors');
    await h.runCommand(page, 'Goroscope: Attach to Go Service');
    await page.locator('.quick-input-widget', { hasText: 'Attach to Go Service' }).waitFor({ timeout: 10_000 });
    await page.locator('.quick-input-widget input').fill(h.serviceUrl);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: h.serviceUrl }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    // Goroutines from pprof, heap in use from the service's expvar.
    const status = page.locator('.statusbar-item', { hasText: new URL(h.serviceUrl).host });
    await status.filter({ hasText: /\d[\d,]* goroutines · [\d.]+ (bytes|KiB|MiB|GiB) heap/ }).first().waitFor({ timeout: 20_000 });
  });

  for (const handler of HANDLERS) {
    await step(`ui: the lens above ${handler.framework}'s handler in ${handler.file} reads "${handler.title}"`, `framework-lens-${handler.framework}-failed.png`, async () => {
      await h.dismissNotifications(page);
      await openAtHandler(page, h, handler);
      await lens(page, handler.title).waitFor({ timeout: 30_000 });
      await h.sleep(300);
      await shot(`framework-lens-${handler.framework}.png`);
    });
  }

  await step('ui: clicking fiber\'s lens loads its route, captures, and opens the flame graph focused on topWords', 'framework-flame-failed.png', async () => {
    // library.go is open (the last lens step) with the lens on screen.
    await lens(page, HANDLERS[3].title).click();
    await page.locator('.notification-toast', { hasText: 'profiling (*library).topWords' }).first().waitFor({ timeout: 10_000 });
    const names = await h.waitUntil('a flame graph of (*library).topWords', async () => {
      for (const frame of page.frames()) {
        if ((await frame.locator('.profile-app[data-ready="true"]').count().catch(() => 0)) === 0) continue;
        const drawn = await frame.locator('.graph svg g').evaluateAll((gs) =>
          gs.map((g) => g.__data__?.data?.name).filter((n) => typeof n === 'string'),
        ).catch(() => undefined);
        if (drawn?.some((n) => n.endsWith('fiberapi.(*library).topWords'))) return drawn;
      }
      return undefined;
    }, 30_000);
    if (!names.some((n) => /fiberapi\.(countWords|bookText)$/.test(n))) throw new Error(`the focused graph lacks topWords's work (countWords, bookText): ${names.slice(0, 20).join(', ')}`);
    // Through fiber's net/http adaptor: the request came in on net/http and ran the fiber app.
    if (!names.some((n) => n.includes('adaptor'))) throw new Error(`no frame of fiber's net/http adaptor: ${names.slice(0, 20).join(', ')}`);
    const others = names.filter((n) => /(ginapi|echoapi|chiapi)\./.test(n));
    if (others.length > 0) throw new Error(`the graph is not focused: it also draws ${others.slice(0, 5).join(', ')}`);
    await page.locator('.tabs-container .tab', { hasText: /topWords · CPU \d/ }).first().waitFor({ timeout: 10_000 });
    await h.sleep(800); // the toast with the result slides in
    await shot('framework-flame-graph.png');
    await h.dismissNotifications(page);
    await h.runCommand(page, 'View: Close All Editors');
  });
}

/** Opens the handler's file by quick open and puts its `func` line in the middle of the editor. */
async function openAtHandler(page, h, handler) {
  const source = readFileSync(path.join(h.workspace, 'framework-service', 'internal', handler.file), 'utf8');
  const line = source.split('\n').findIndex((l) => handler.decl.test(l)) + 1;
  if (line === 0) throw new Error(`${handler.decl} is not in ${handler.file}`);
  const [dir, name] = handler.file.split('/');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(handler.file);
  // Enter only once the highlighted row is the file asked for (the recent files hold the focus at first;
  // leaky-service has a catalog.go too).
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).filter({ hasText: dir }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab.active[aria-label*="${name}"]`).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').waitFor({ timeout: 10_000 });
  await page.keyboard.type(String(line));
  await page.keyboard.press('Enter');
}

function lens(page, text) {
  return page.locator('.monaco-editor .codelens-decoration a, .monaco-editor .codelens-decoration span', { hasText: text }).first();
}
