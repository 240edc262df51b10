/**
 * The flame-graph page in a real browser (Debian's Chromium through playwright-core), as report.html:
 * hostile profile strings show as text and run nothing, search highlights, zoom and reset work, and
 * comparing shows growth and shrinkage (paths only the base has included), a report whose data is
 * damaged says so, and the page makes no request. Screenshots land in test/e2e/artifacts/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createGzip, gunzipSync, gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Function as PprofFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import { readAssets, reportHtml, reportInput } from '../../src/cli/commands/report';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const ARTIFACTS = path.resolve('test/e2e/artifacts');
const HOSTILE = {
  script: '<script>alert("name")</script>',
  img: 'main.<img src=x onerror=alert(1)>',
  entity: 'main.&lt;b&gt;not-bold&amp;',
  file: '/src/"><svg onload=alert(2)>.go',
};

const fixture = (name: string) => readFileSync(path.resolve('test/fixtures/pprof', name));
const STORE = 'example.com/leaky-service/internal/sessions.(*Store).Create';

/** heap-2 as it would have been before the session store held anything: its samples under Store.Create dropped. */
function withoutSessionStore(): Buffer {
  const profile = Profile.decode(gunzipSync(fixture('heap-2.pb.gz')));
  const storeFunctions = new Set(profile.function.filter((f) => profile.stringTable.strings[Number(f.name)] === STORE).map((f) => f.id));
  const storeLocations = new Set(profile.location.filter((l) => l.line.some((line) => storeFunctions.has(line.functionId))).map((l) => l.id));
  assert.equal(storeLocations.size, 1);
  const before = profile.sample.length;
  profile.sample = profile.sample.filter((sample) => !sample.locationId.some((id) => storeLocations.has(id)));
  assert.ok(profile.sample.length < before);
  return gzipSync(profile.encode());
}

describe('report.html in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  const dialogs: string[] = [];
  const requests: string[] = [];
  const errors: string[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'goroscope-report-'));
    const file = path.join(dir, 'report.html');
    // As `goroscope report` writes it: each profile with its first view, which the page paints before it decodes the profiles.
    const inputs = await Promise.all([
      reportInput('hostile.pb.gz', fixture('hostile.pb.gz')),
      reportInput('heap-2.pb.gz', fixture('heap-2.pb.gz')),
      reportInput('before-sessions.pb.gz', withoutSessionStore()),
      reportInput('goroutine.pb.gz', fixture('goroutine.pb.gz')),
    ]);
    writeFileSync(file, reportHtml(inputs, readAssets(path.resolve('dist'))));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 820 }, colorScheme: 'dark' });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    // Markup a payload could smuggle in, even for a moment and even where the CSP then blocks it.
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { injected: string[] }).injected = seen;
      new MutationObserver((records) => {
        for (const r of records) {
          for (const node of Array.from(r.addedNodes)) {
            if (!(node instanceof Element)) continue;
            for (const el of [node, ...Array.from(node.querySelectorAll('*'))]) {
              if (!el.closest('#app, .tooltip, .tabs')) continue; // the page's own head and script elements
              const tag = el.tagName.toLowerCase();
              if (tag === 'img' || tag === 'iframe' || tag === 'script' || tag === 'b') seen.push(tag);
              for (const a of Array.from(el.attributes)) if (/^on/i.test(a.name)) seen.push(`${tag}[${a.name}]`);
            }
          }
        }
      }).observe(document, { childList: true, subtree: true });
    });
    // Anything a payload could run would set this.
    await page.addInitScript(() => {
      (window as unknown as { alert: (m: string) => void }).alert = (m: string) => {
        (window as unknown as { pwned: string[] }).pwned ??= [];
        (window as unknown as { pwned: string[] }).pwned.push(String(m));
      };
    });
    await page.goto(`file://${file}`);
    await page.waitForSelector('#app[data-ready="true"] .d3-flame-graph g.frame');
    await page.waitForTimeout(300); // labels are set on the next animation frame
  });

  after(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows function names carrying HTML and script as text, in labels, tooltip and table', async () => {
    const labels = await page.$$eval('.d3-flame-graph-label', (els) => els.map((e) => e.textContent));
    assert.ok(labels.includes(HOSTILE.script), `labels: ${JSON.stringify(labels)}`);
    assert.ok(labels.includes(HOSTILE.img));
    assert.ok(labels.includes(HOSTILE.entity), 'entities stay as typed, not decoded');

    const frame = page.locator('g.frame', { has: page.locator('.d3-flame-graph-label', { hasText: 'onerror' }) }).first();
    await frame.hover();
    const tooltip = page.locator('.tooltip');
    await tooltip.waitFor({ state: 'visible' });
    const tipText = await tooltip.textContent();
    assert.ok(tipText?.includes(HOSTILE.img), tipText ?? '');
    assert.ok(tipText?.includes(`${HOSTILE.file}:11`), tipText ?? '');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'report-hostile-tooltip.png') });

    // The table fills in once the graph has painted.
    await page.waitForFunction(() => document.querySelectorAll('.top vscode-data-grid-row').length > 1);
    const table = await page.locator('.top vscode-data-grid').textContent();
    assert.ok(table?.includes(HOSTILE.script), table ?? '');

    // No element a payload names exists anywhere in the page, and nothing ran.
    const injected = await page.evaluate(() => document.querySelectorAll('body img, body svg image, body iframe, #app script, .tooltip *[onerror], *[onload]').length);
    assert.equal(injected, 0);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { injected: string[] }).injected), []);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { pwned?: string[] }).pwned ?? []), []);
    assert.deepEqual(dialogs, []);
  });

  it('highlights search matches and shows the matched share of the total', async () => {
    const fillOf = () => page.locator('g.frame', { has: page.locator('.d3-flame-graph-label', { hasText: 'onerror' }) }).first().locator('rect').getAttribute('fill');
    const before = await fillOf();
    const other = await page.locator('g.frame[name="main.main"] rect').getAttribute('fill');
    await page.locator('vscode-text-field[placeholder^="Search"]').locator('input').fill('onerror');
    await page.waitForFunction(() => (document.querySelector('#app') as HTMLElement).dataset.searchMatched === '2000');
    const afterFill = await fillOf();
    assert.notEqual(afterFill, before, 'the matching frame changed colour');
    assert.equal(await page.locator('g.frame[name="main.main"] rect').getAttribute('fill'), other, 'a frame that does not match keeps its colour');
    const share = await page.locator('.share').textContent();
    assert.match(share ?? '', /matched 1\.95 kB of 5\.86 kB \(33\.3%\)/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'report-search.png') });
    await page.locator('vscode-text-field[placeholder^="Search"]').locator('input').fill('');
    await page.waitForFunction(() => (document.querySelector('#app') as HTMLElement).dataset.searchMatched === '');
  });

  it('zooms into a frame with breadcrumbs, and resets', async () => {
    const graphWidth = Number(await page.locator('svg.d3-flame-graph').getAttribute('width'));
    const frame = page.locator('g.frame', { has: page.locator('.d3-flame-graph-label', { hasText: 'not-bold' }) }).first();
    const widthBefore = Number(await frame.locator('rect').getAttribute('width'));
    assert.ok(widthBefore < graphWidth * 0.9, `${widthBefore} of ${graphWidth}`);
    const frames = page.locator('svg.d3-flame-graph g.frame');
    const framesBefore = await frames.count();
    await frame.click();
    await page.waitForFunction(() => document.querySelectorAll('.crumbs .crumb').length === 3);
    await page.waitForTimeout(400); // the zoom transition
    // Frames outside the zoomed one leave the svg (d3's exit, as patched), and come back once on reset.
    const framesZoomed = await frames.count();
    // Labels moved with their boxes (x and y on both, no transform on the frame; patch 7).
    const misplaced = await frames.evaluateAll((gs) =>
      gs.flatMap((g) => {
        const rect = g.querySelector('rect');
        const label = g.querySelector('foreignObject');
        if (g.hasAttribute('transform') || !rect) return [g.getAttribute('name')];
        if (!label) return [];
        return label.getAttribute('x') === rect.getAttribute('x') && label.getAttribute('y') === rect.getAttribute('y') ? [] : [g.getAttribute('name')];
      }),
    );
    assert.deepEqual(misplaced, []);
    assert.ok(Number(await frame.locator('rect').getAttribute('x')) === 0, 'the zoomed frame starts at the left edge');
    assert.ok(framesZoomed < framesBefore, `${framesZoomed} frames zoomed in, ${framesBefore} before`);
    assert.equal(await page.locator('svg.d3-flame-graph g.frame', { has: page.locator('.d3-flame-graph-label', { hasText: /^main\.main$/ }) }).count(), 1);
    const crumbs = await page.$$eval('.crumbs .crumb', (els) => els.map((e) => e.textContent));
    assert.deepEqual(crumbs, ['all', 'main.main', HOSTILE.entity]);
    const widthAfter = Number(await frame.locator('rect').getAttribute('width'));
    assert.ok(Math.abs(widthAfter - graphWidth) < 1, `zoomed frame spans the graph: ${widthAfter} of ${graphWidth}`);
    assert.match((await page.locator('.selection').textContent()) ?? '', /not-bold/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'report-zoomed.png') });
    await page.locator('vscode-button', { hasText: 'Reset zoom' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.crumbs .crumb').length === 1);
    await page.waitForTimeout(400);
    assert.ok(Math.abs(Number(await frame.locator('rect').getAttribute('width')) - widthBefore) < 1);
    assert.equal(await frames.count(), framesBefore);
    const ids = await frames.evaluateAll((gs) => gs.map((g) => (g as unknown as { __data__: { id: unknown } }).__data__.id));
    assert.equal(new Set(ids).size, ids.length, 'one element per frame');
  });

  it('asks for the tree again, pruned for the new width, when the graph gets wider, and stays zoomed', async () => {
    const current = page.locator('.profile-app[data-view-id]:visible');
    const viewId = async () => Number(await current.getAttribute('data-view-id'));
    const frame = page.locator('g.frame', { has: page.locator('.d3-flame-graph-label', { hasText: 'not-bold' }) }).first();
    await frame.click();
    await page.waitForFunction(() => document.querySelectorAll('.crumbs .crumb').length === 3);
    const before = await viewId();
    // A little wider: the same tree serves.
    await page.setViewportSize({ width: 1450, height: 820 });
    await page.waitForTimeout(600);
    assert.equal(await viewId(), before);
    // Much wider: the page asks again and draws the new view, zoomed where it was.
    await page.setViewportSize({ width: 2000, height: 820 });
    await page.waitForFunction((id) => Number(document.querySelector('.profile-app[data-view-id]')?.getAttribute('data-view-id')) > id, before, { timeout: 10_000 });
    await page.waitForFunction(() => document.querySelectorAll('.crumbs .crumb').length === 3);
    const crumbs = await page.$$eval('.crumbs .crumb', (els) => els.map((e) => e.textContent));
    assert.deepEqual(crumbs, ['all', 'main.main', HOSTILE.entity]);
    await page.setViewportSize({ width: 1400, height: 820 });
    await page.locator('vscode-button', { hasText: 'Reset zoom' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.crumbs .crumb').length === 1);
  });

  it('switches tabs to another profile and makes no network request', async () => {
    await page.locator('.tab', { hasText: 'heap-2.pb.gz' }).click();
    await page.waitForFunction(() => document.querySelector('.status')?.textContent?.startsWith('heap-2.pb.gz'));
    await page.waitForSelector('.d3-flame-graph g.frame');
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ARTIFACTS, 'report-heap.png') });
    assert.deepEqual(requests, []);
    assert.deepEqual(errors, [], 'no page errors and no CSP violations');
  });

  it('gives a frame its label element once it is 35 px wide, zoomed in too (d3-flame-graph as patched)', async () => {
    // Every frame at least 35 px wide shows its name; narrower frames have no label showing.
    const labels = () =>
      page.$$eval('g.frame', (gs) =>
        gs.map((g) => {
          const label = g.querySelector<HTMLElement>('.d3-flame-graph-label');
          return {
            name: g.getAttribute('name'),
            width: Number(g.querySelector('rect')?.getAttribute('width')),
            element: label !== null,
            shown: label !== null && label.style.display !== 'none' && label.textContent === g.getAttribute('name'),
          };
        }),
      );
    const check = (frames: Awaited<ReturnType<typeof labels>>) => {
      for (const f of frames) assert.equal(f.shown, f.width >= 35, `${f.name} at ${f.width.toFixed(1)} px`);
    };
    await page.locator('.tab', { hasText: 'goroutine.pb.gz' }).click();
    await page.waitForFunction(() => document.querySelector('.status')?.textContent?.startsWith('goroutine.pb.gz'));
    await page.waitForTimeout(300);
    const before = await labels();
    check(before);
    assert.ok(before.some((f) => !f.element && f.width > 0), `some frames start without a label element: ${JSON.stringify(before)}`);
    // Zoom into the parent of a narrow frame: the frame becomes wide enough and gets its label.
    const zoomed = await page.evaluate(() => {
      type Datum = { parent: Datum | null; depth: number };
      const gs = Array.from(document.querySelectorAll('g.frame')) as Array<Element & { __data__: Datum }>;
      const narrow = gs.find((g) => g.querySelector('foreignObject') === null && g.__data__.depth > 1);
      const parent = narrow && gs.find((g) => g.__data__ === narrow.__data__.parent);
      parent?.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      return narrow?.getAttribute('name');
    });
    assert.ok(zoomed, 'a narrow frame below the first level');
    await page.waitForTimeout(900); // the zoom transition, then the labels' text
    const after = await labels();
    check(after);
    assert.ok(after.some((f) => f.name === zoomed && f.shown), `${zoomed} shows its label once zoomed`);
    await page.locator('vscode-button', { hasText: 'Reset zoom' }).click();
    await page.waitForTimeout(900);
    check(await labels());
  });

  it('compares with another profile: a path only the base has still shows, coloured as shrinkage', async () => {
    await page.locator('.tab', { hasText: 'before-sessions.pb.gz' }).click();
    await page.waitForFunction(() => document.querySelector('.status')?.textContent?.startsWith('before-sessions.pb.gz'));
    await page.waitForSelector('.d3-flame-graph g.frame');
    const storeFrame = page.locator(`g.frame[name="${STORE.replace(/^.*\//, '')}"]`); // labels drop the module path
    const store = storeFrame.locator('rect');
    assert.equal(await store.count(), 0, 'not in this profile');
    await page.locator('vscode-button', { hasText: 'Compare…' }).click();
    const dropdown = page.locator('vscode-dropdown[title="Base profile to compare against"]');
    await dropdown.waitFor({ state: 'visible' });
    await dropdown.click();
    await dropdown.locator('vscode-option', { hasText: 'heap-2.pb.gz' }).click();
    await page.waitForFunction(() => document.querySelector('.status')?.textContent?.includes('compared with heap-2.pb.gz'));
    await page.waitForTimeout(300);
    // The base's session store (8 MB of its 11.5) is not in this profile at all, yet it shows, as shrinkage.
    const width = Number(await store.getAttribute('width'));
    const graphWidth = Number(await page.locator('svg.d3-flame-graph').getAttribute('width'));
    assert.ok(width > graphWidth * 0.5, `base-only path drawn ${width} px of ${graphWidth}`);
    const shrank = await store.getAttribute('fill');
    const unchanged = await page.locator('g.frame[name="unicode.init"] rect').getAttribute('fill');
    assert.notEqual(shrank, unchanged, 'the shrinking path is coloured, an unchanged one is not');
    const tip = page.locator('.tooltip');
    await storeFrame.hover();
    await tip.waitFor({ state: 'visible' });
    // The change's share is of the base's total, as pprof -diff_base gives it: 7.98 of 11.5 MB.
    assert.match((await tip.textContent()) ?? '', /Cum0 B \(0\.0%\)Change−7\.98 MB vs base \(−69\.\d% of the base\)/);
    assert.match((await page.locator('.status').textContent()) ?? '', /compared with heap-2\.pb\.gz \(11\.5 MB total; /);
    await page.screenshot({ path: path.join(ARTIFACTS, 'report-compare.png') });
    // The top table lists changes, largest first whatever their sign (as pprof sorts), signed, with shares
    // of the base, and no number is cut off.
    await page.mouse.move(0, 0);
    const firstRow = page.locator('.top vscode-data-grid-row').nth(1); // row 0 is the header
    assert.match((await firstRow.textContent()) ?? '', /sessions\.\(\*Store\)\.Create/);
    const storeRow = page.locator('.top vscode-data-grid-row', { hasText: 'sessions.(*Store).Create' });
    const cells = await storeRow.locator('vscode-data-grid-cell').allTextContents();
    assert.deepEqual(cells.slice(0, 4).map((c) => c.trim().replace(/69\.\d/, '69.x')), ['-7.98 MB', '-69.x%', '-7.98 MB', '-69.x%']);
    const cut = await page.locator('.top vscode-data-grid-row vscode-data-grid-cell[grid-column="2"], .top vscode-data-grid-row vscode-data-grid-cell[grid-column="4"], .top vscode-data-grid-row vscode-data-grid-cell[grid-column="1"], .top vscode-data-grid-row vscode-data-grid-cell[grid-column="3"]')
      .evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth).map((e) => e.textContent));
    assert.deepEqual(cut, [], 'numbers that do not fit their column');
    assert.deepEqual(errors, []);
  });

  it('stays responsive under a search and a focus that backtrack badly (linear-time regexps)', async () => {
    // Names a backtracking engine needs 2^40 steps each to reject for (a+)+$: minutes per name.
    const evil = `main.${'a'.repeat(40)}!`;
    const strings = new StringTable();
    const fn = new PprofFunction({ id: 1, name: strings.dedup(evil), filename: strings.dedup('/src/evil.go') });
    const main = new PprofFunction({ id: 2, name: strings.dedup('main.main'), filename: strings.dedup('/src/main.go') });
    const profile = new Profile({
      sampleType: [new ValueType({ type: strings.dedup('samples'), unit: strings.dedup('count') })],
      sample: [new Sample({ locationId: [1, 2], value: [5] }), new Sample({ locationId: [2], value: [3] })],
      location: [new Location({ id: 1, line: [new Line({ functionId: 1, line: 3 })] }), new Location({ id: 2, line: [new Line({ functionId: 2, line: 9 })] })],
      function: [fn, main],
      stringTable: strings,
    });
    const file = path.join(dir, 'backtracking.html');
    writeFileSync(file, reportHtml([{ title: 'evil.pb.gz', bytes: gzipSync(profile.encode()) }], readAssets(path.resolve('dist'))));
    const other = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    try {
      await other.goto(`file://${file}`);
      await other.locator('g.frame[name="main.main"]').waitFor();
      const t0 = Date.now();
      await other.locator('vscode-text-field[placeholder^="Search"]').locator('input').fill('(a+)+$');
      await other.waitForFunction(() => (document.querySelector('#app') as HTMLElement).dataset.searchMatched === '0', undefined, { timeout: 20_000 });
      await other.locator('vscode-text-field[placeholder^="Search"]').locator('input').fill('(a+)+!');
      await other.waitForFunction(() => (document.querySelector('#app') as HTMLElement).dataset.searchMatched === '5', undefined, { timeout: 20_000 });
      assert.ok(Date.now() - t0 < 20_000, `searches answered in ${Date.now() - t0} ms`);
      assert.equal(await other.evaluate(() => 1 + 1), 2, 'the page still answers');
    } finally {
      await other.close();
    }
  });

  it('stops at the size limit on a gzip bomb embedded in a report: one message, in bounded time', async () => {
    // 256 MiB of one-value Sample messages (valid profile.proto all the way) in one gzip member of 0.25 MiB.
    const block = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < block.length; i += 4) block.set([0x12, 0x02, 0x10, 0x01], i);
    const bomb = await new Promise<Buffer>((resolve, reject) => {
      const gzip = createGzip({ level: 9 });
      const out: Buffer[] = [];
      gzip.on('data', (c: Buffer) => out.push(c)).on('end', () => resolve(Buffer.concat(out))).on('error', reject);
      let written = 0;
      const pump = (): void => {
        while (written < 256) {
          written++;
          if (!gzip.write(block)) return void gzip.once('drain', pump);
        }
        gzip.end();
      };
      pump();
    });
    const file = path.join(dir, 'bomb.html');
    writeFileSync(file, reportHtml([{ title: 'bomb.pb.gz', bytes: bomb }], readAssets(path.resolve('dist')), 16 * 1024 * 1024));
    const other = await browser.newPage();
    const pageErrors: string[] = [];
    other.on('pageerror', (e) => pageErrors.push(e.message));
    try {
      const t0 = Date.now();
      await other.goto(`file://${file}`);
      await other.waitForFunction(() => document.querySelector('#app')?.textContent?.includes('cannot be shown'), undefined, { timeout: 30_000 });
      assert.ok(Date.now() - t0 < 30_000, `${Date.now() - t0} ms`);
      // Unpacking stops at the limit, decoding what was unpacked at twice the limit: whichever comes first.
      assert.match(
        (await other.locator('#app').textContent()) ?? '',
        /^This report cannot be shown: bomb\.pb\.gz: the profile is larger than the size limit of 16 MiB once (unpacked \(unpacking stopped there\)|decoded \(decoding stopped at twice the limit\)); raise the limit to open it$/,
      );
      assert.deepEqual(pageErrors, []);
    } finally {
      await other.close();
    }
  });

  it('reads a profile gzipped as several members, as Go and pprof do, within the size limit over all of them', async () => {
    // heap-2's profile.proto cut in three, each part gzipped on its own, the members concatenated (cat a.gz b.gz c.gz).
    const raw = gunzipSync(fixture('heap-2.pb.gz'));
    const cuts = [0, Math.floor(raw.length / 3), Math.floor((2 * raw.length) / 3), raw.length];
    const members = Buffer.concat(cuts.slice(1).map((end, i) => gzipSync(raw.subarray(cuts[i], end))));
    assert.deepEqual(gunzipSync(members), raw, 'node reads all the members as one stream');
    const file = path.join(dir, 'members.html');
    writeFileSync(file, reportHtml([{ title: 'members.pb.gz', bytes: members }, { title: 'heap-2.pb.gz', bytes: fixture('heap-2.pb.gz') }], readAssets(path.resolve('dist'))));
    const other = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    const pageErrors: string[] = [];
    other.on('pageerror', (e) => pageErrors.push(e.message));
    try {
      await other.goto(`file://${file}`);
      await other.waitForSelector('#app[data-ready="true"] .d3-flame-graph g.frame');
      const status = async () => (await other.locator('.status').textContent()) ?? '';
      const whole = (await status()).replace('members.pb.gz', '');
      assert.match(whole, /inuse_space: [\d.]+ MB total/);
      await other.locator('.tab', { hasText: 'heap-2.pb.gz' }).click();
      await other.waitForFunction(() => document.querySelector('.status')?.textContent?.startsWith('heap-2.pb.gz'));
      assert.equal((await status()).replace('heap-2.pb.gz', ''), whole, 'the same profile as the one-member file');
      assert.deepEqual(pageErrors, []);
    } finally {
      await other.close();
    }
    // Two members of 10 MiB each unpacked, under a limit of 16 MiB: the limit counts them together.
    const block = Buffer.alloc(10 * 1024 * 1024);
    for (let i = 0; i < block.length; i += 4) block.set([0x12, 0x02, 0x10, 0x01], i);
    const member = gzipSync(block, { level: 9 });
    const bombFile = path.join(dir, 'members-bomb.html');
    writeFileSync(bombFile, reportHtml([{ title: 'two.pb.gz', bytes: Buffer.concat([member, member]) }], readAssets(path.resolve('dist')), 16 * 1024 * 1024));
    const bombPage = await browser.newPage();
    try {
      await bombPage.goto(`file://${bombFile}`);
      await bombPage.waitForFunction(() => document.querySelector('#app')?.textContent?.includes('cannot be shown'), undefined, { timeout: 30_000 });
      assert.match((await bombPage.locator('#app').textContent()) ?? '', /^This report cannot be shown: two\.pb\.gz: the profile is larger than the size limit of 16 MiB once (unpacked|decoded)/);
    } finally {
      await bombPage.close();
    }
  });

  it('paints from the first view before decoding: damaged bytes still show the graph, and what needs the profile says why not', async () => {
    const input = await reportInput('heap-2.pb.gz', fixture('heap-2.pb.gz'));
    const file = path.join(dir, 'first-view.html');
    writeFileSync(file, reportHtml([{ ...input, bytes: fixture('heap-2.pb.gz').subarray(0, 300) }], readAssets(path.resolve('dist'))));
    const other = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    const pageErrors: string[] = [];
    other.on('pageerror', (e) => pageErrors.push(e.message));
    try {
      await other.goto(`file://${file}`);
      await other.waitForSelector('#app[data-ready="true"] .d3-flame-graph g.frame');
      assert.ok(await other.locator('g.frame', { hasText: 'Create' }).count() > 0, 'the session store is drawn');
      await other.locator('.top vscode-data-grid-row', { hasText: 'sessions.(*Store).Create' }).waitFor();
      await other.locator('vscode-text-field[placeholder^="Search"]').locator('input').fill('Create');
      await other.waitForFunction(() => document.querySelector('.message.error')?.textContent?.includes('heap-2.pb.gz'));
      assert.match((await other.locator('.message.error').textContent()) ?? '', /^heap-2\.pb\.gz: truncated or corrupt gzip data/);
      assert.deepEqual(pageErrors, []);
    } finally {
      await other.close();
    }
  });

  it('says once, as text, when an embedded profile cannot be decoded', async () => {
    const file = path.join(dir, 'tampered.html');
    const tampered = Buffer.from(fixture('heap-2.pb.gz').subarray(0, 300));
    writeFileSync(file, reportHtml([{ title: '<b>cut</b>.pb.gz', bytes: tampered }], readAssets(path.resolve('dist'))));
    const other = await browser.newPage();
    const pageErrors: string[] = [];
    other.on('pageerror', (e) => pageErrors.push(e.message));
    await other.goto(`file://${file}`);
    await other.waitForFunction(() => document.body.textContent?.includes('cannot be shown'));
    const text = (await other.locator('body').textContent())?.trim();
    assert.match(text ?? '', /^This report cannot be shown: <b>cut<\/b>\.pb\.gz: truncated or corrupt gzip data/);
    assert.equal(await other.locator('body b').count(), 0, 'the title is text');
    assert.deepEqual(pageErrors, []);
    await other.close();
  });
});
