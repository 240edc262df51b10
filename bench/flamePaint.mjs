// First paint of the flame graph for a 500,000-sample heap profile, in Debian's Chromium.
// Two parts, as in VS Code: the extension host decodes and builds the pruned tree in the pprof worker
// (dist/pprofWorker.js), then the page (dist/webview.js) receives the view by postMessage and draws it.
// "page" is from navigation start (bundle parse included) to the paint of the frame that first shows the
// graph with its labels (Element Timing's renderTime). Target: 500 ms for the page. The tree is pruned
// for the graph width the page reports in Ready, as the host prunes it (pruneFraction); a first load,
// not timed, learns that width. The median is over the timed runs; the first one is printed apart (the browser warms up).
// Each timed load opens the page in a browser context of its own (a fresh renderer, as a new panel gets),
// driven over a bare DevTools pipe (bench/cdpPipe.mjs); loads of the same page driven by Playwright, as
// this bench timed it until 2026-12-01, alternate with them and are printed beside.
// Usage: node bench/flamePaint.mjs [--samples N]   (env RUNS, default 15; VERBOSE=1 prints each run's marks)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { bundleForBench } from './bundle.mjs';
import { CdpBrowser } from './cdpPipe.mjs';
import { generateHeapProfile } from './pprofProfile.mjs';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const samplesArg = process.argv.indexOf('--samples');
const samples = samplesArg > 0 ? Number(process.argv[samplesArg + 1]) : 500_000;
const RUNS = Number(process.env.RUNS ?? 15);
const VIEWPORT = { width: 1600, height: 900 };
const { pruneFraction, WEBVIEW_BUNDLE, ProfileWorker } = createRequire(import.meta.url)(
  await bundleForBench(
    'flamePaint',
    "export { pruneFraction } from './src/pprof/prune'; export { WEBVIEW_BUNDLE } from './src/extension/panel/html'; export { ProfileWorker } from './src/pprof/decodeInWorker';",
  ),
);

const bytes = generateHeapProfile({ samples });
const worker = new ProfileWorker(path.join(dist, 'pprofWorker.js'));
let t = performance.now();
const summary = await worker.open(bytes);
const openMs = performance.now() - t;

// A stand-in for VS Code's webview host: answers Ready with the view, by postMessage as VS Code does.
// VS Code's host holds the view in another process and the page never parses it as HTML: here it waits in
// a script of its own (one string literal, loaded before the bundle), as text.
const dir = mkdtempSync(path.join(os.tmpdir(), 'goroscope-paint-'));
const writePage = (withView) =>
  writeFileSync(
  path.join(dir, withView ? 'index.html' : 'probe.html'),
  `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="file://${dist}/${WEBVIEW_BUNDLE.style}">
${WEBVIEW_BUNDLE.chunks.map((chunk) => `<link rel="modulepreload" href="file://${dist}/${chunk}">`).join('\n')}</head>
<body class="vscode-dark" style="--vscode-editor-background:#1f1f1f;--vscode-editor-foreground:#ccc;--vscode-charts-orange:#d18616;--vscode-charts-yellow:#cca700;--vscode-charts-blue:#3794ff">
<main id="app"></main>
${withView ? '<script src="view.js"></script>\n' : ''}<script>
// First paint: when the browser painted the frame that first shows the graph's labels (Element Timing:
// each label that gets its text is marked before the next frame, and Chromium reports the render time of
// the frame that painted it). Whatever the page does after that frame does not count.
new MutationObserver(() => {
  for (const label of document.querySelectorAll('.d3-flame-graph-label:not([elementtiming])')) {
    if (label.textContent !== '') label.setAttribute('elementtiming', 'flame-label');
  }
}).observe(document, { subtree: true, childList: true, characterData: true });
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.identifier === 'flame-label' && window.__paint === undefined) window.__paint = entry.renderTime;
  }
}).observe({ type: 'element', buffered: true });
window.acquireVsCodeApi = () => ({
  postMessage(message) {
    if (message.kind !== 'request' || message.method !== 'ready') return;
    window.__graphWidth = JSON.parse(message.json).graphWidth;
    if (window.__viewJson === undefined) return; // the first load only learns the width
    // As the extension host sends it (src/protocol/webview.ts toWire): the result as JSON text, and later,
    // never inside the page's own postMessage call (VS Code's host answers from another process). Replying
    // synchronously here, while the bundle's first task still runs, cost the page 140 ms that VS Code never charges.
    setTimeout(() => window.postMessage({ kind: 'reply', id: message.id, json: window.__viewJson }, '*'));
  },
});
</script>
<script type="module" src="file://${dist}/${WEBVIEW_BUNDLE.script}"></script>
</body></html>`,
);

writePage(false);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--allow-file-access-from-files'],
});
// The timed loads: a browser driven over a bare DevTools pipe (bench/cdpPipe.mjs says why), with the same
// switches. Playwright still learns the width and takes the screenshot, and times the same page too.
const bare = new CdpBrowser('/usr/bin/chromium');
const paints = [];
const viaPlaywright = [];
let viewMs = 0;
let nodes = 0;
let graphWidth = 0;
try {
  // The width the page asks its tree for (the graph pane: the top table takes the rest of the row).
  const probe = await browser.newPage({ viewport: VIEWPORT });
  await probe.goto(`file://${dir}/probe.html`);
  graphWidth = await probe.waitForFunction(() => globalThis.__graphWidth).then((h) => h.jsonValue());
  await probe.close();

  t = performance.now();
  const request = { profileId: summary.profileId, sampleIndex: summary.defaultSampleIndex, filter: {}, inverted: false };
  const [tree, top] = await Promise.all([worker.tree({ ...request, minFraction: pruneFraction(graphWidth) }), worker.top(request)]);
  viewMs = performance.now() - t;
  const count = (n) => {
    nodes++;
    n.children.forEach(count);
  };
  count(tree.root);
  const view = {
    viewId: 1,
    title: `generated heap profile (${samples.toLocaleString('en-US')} samples)`,
    sampleTypes: summary.sampleTypes,
    sampleIndex: tree.sampleIndex,
    unit: tree.sampleType.unit,
    total: tree.total,
    tree: tree.root,
    top: top.rows.sort((a, b) => b.flat - a.flat).slice(0, 500),
    filter: {},
    inverted: false,
    canOpenSource: true,
    canSave: true,
    canCompare: true,
  };
  writeFileSync(path.join(dir, 'view.js'), `window.__viewJson = ${JSON.stringify(JSON.stringify(view))};\n`);
  writePage(true);

  // The page loads alternately through the bare pipe and through Playwright, so both see the same moments
  // of this machine (its speed drifts by up to ~1.6× within an hour).
  const url = `file://${dir}/index.html`;
  const marksOf = "performance.getEntriesByType('mark').map((m) => m.name.replace('goroscope:', '') + ' ' + m.startTime.toFixed(0)).join(', ')";
  for (let i = 0; i < RUNS; i++) {
    // Measured in the page (the stand-in host starts watching before the bundle runs): no CDP latency.
    const [ms, asked, marks] = await bare.load(url, VIEWPORT, 'globalThis.__paint', ['globalThis.__graphWidth', marksOf]);
    if (asked !== graphWidth) throw new Error(`the page asked for a tree ${asked} px wide, the probe for ${graphWidth} px`);
    paints.push(ms);
    if (process.env.VERBOSE) console.log(`  run ${i + 1}: ${ms.toFixed(0)} ms (${marks})`);

    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(url);
    viaPlaywright.push(await page.waitForFunction(() => globalThis.__paint).then((h) => h.jsonValue()));
    if (i === 0) await page.screenshot({ path: path.join(root, 'test/e2e/artifacts/flame-500k.png') }).catch(() => {});
    await page.close();
  }
} finally {
  worker.dispose();
  await browser.close();
  await bare.close();
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
  else console.log(dir);
}
const first = paints[0];
paints.sort((a, b) => a - b);
const median = paints[Math.floor(paints.length / 2)];
const playwrightMedian = [...viaPlaywright].sort((a, b) => a - b)[Math.floor(viaPlaywright.length / 2)];
const frames = nodes.toLocaleString('en-US');
console.log(`flame paint (${samples.toLocaleString('en-US')}-sample heap profile, ${(bytes.length / 1e6).toFixed(1)} MB gzipped)`);
console.log(`  host (pprof worker): decode ${openMs.toFixed(0)} ms, tree pruned for a ${graphWidth} px graph (${frames} frames) + top ${viewMs.toFixed(0)} ms`);
console.log(`  page first paint: median ${median.toFixed(0)} ms of ${RUNS} runs (min ${paints[0].toFixed(0)}, max ${paints.at(-1).toFixed(0)}; first run ${first.toFixed(0)}); target 500 ms`);
console.log(`  the same page driven by Playwright (its instrumentation in the page), loads interleaved: median ${playwrightMedian.toFixed(0)} ms`);
console.log(JSON.stringify({ bench: 'flamePaint', samples, decodeMs: Math.round(openMs), viewMs: Math.round(viewMs), graphWidth, frames: nodes, paintMedianMs: Math.round(median), firstRunMs: Math.round(first), playwrightPaintMedianMs: Math.round(playwrightMedian) }));
