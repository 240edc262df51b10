// Peak memory of the extension host while it opens the 500,000-sample heap profile in the flame-graph
// panel (issue 3). Runs the host's own code path — src/pprof/decodeInWorker.ts's ProfileWorker driving
// dist/pprofWorker.js, with the panel's requests (pruned tree at PRUNE_FRACTION, what a 2,500 px graph gets, plus the top table, as
// src/pprof/session.ts asks for them) and the JSON serialisation VS Code's postMessage does —
// in a fresh Node process, the way the extension host is one Node process with the worker as a thread.
// Reports the process's peak RSS (worker included: threads share the process) and the main thread's peak
// JS heap (what the extension host itself holds). Measures; asserts nothing. Writes bench/results/hostMemory.json.
// Usage: node bench/hostMemory.mjs (after npm run build); GOROSCOPE_BENCH_SAMPLES overrides the sample count.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleForBench } from './bundle.mjs';
import { generateHeapProfile } from './pprofProfile.mjs';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const samples = Number(process.env.GOROSCOPE_BENCH_SAMPLES ?? 500_000);
const file = path.join(os.tmpdir(), `goroscope-bench-heap-${samples}-v1.pb.gz`); // shared with bench/pprof.mjs
if (!existsSync(file)) writeFileSync(file, generateHeapProfile({ samples }));

// The host-side modules, bundled from source as the extension bundle includes them.
const entry = await bundleForBench('host-pprof', "export { ProfileWorker } from './src/pprof/decodeInWorker'; export { PRUNE_FRACTION } from './src/pprof/prune';");

// The measured process: fresh, so nothing else in it (the benchmark runner's own buffers) is counted.
const child = `
const { readFileSync } = require('node:fs');
const { ProfileWorker, PRUNE_FRACTION } = require(${JSON.stringify(entry)});
const mb = (b) => Math.round(b / 1048576);
let peakRss = 0, peakHeap = 0;
const sample = () => { const m = process.memoryUsage(); peakRss = Math.max(peakRss, m.rss); peakHeap = Math.max(peakHeap, m.heapUsed); };
const timer = setInterval(sample, 5);
(async () => {
  global.gc(); sample();
  const before = process.memoryUsage();
  const bytes = readFileSync(${JSON.stringify(file)});           // what a capture or "Open" holds
  const worker = new ProfileWorker(${JSON.stringify(path.join(dist, 'pprofWorker.js'))});
  const summary = await worker.open(bytes);
  sample();
  const request = { profileId: summary.profileId, sampleIndex: summary.defaultSampleIndex, filter: {}, inverted: false };
  const [tree, top] = await Promise.all([worker.tree({ ...request, minFraction: PRUNE_FRACTION }), worker.top(request)]);
  const message = JSON.stringify({ type: 'view', tree: tree.root, top }); // postMessage serialises to JSON
  sample();
  global.gc(); sample();
  const held = process.memoryUsage();
  await worker.close(summary.profileId);
  worker.dispose();
  clearInterval(timer);
  global.gc();
  const after = process.memoryUsage();
  console.log(JSON.stringify({
    profileMB: +(bytes.length / 1e6).toFixed(1),
    viewMessageMB: +(message.length / 1e6).toFixed(1),
    baselineRssMB: mb(before.rss),
    peakRssMB: mb(Math.max(peakRss, process.resourceUsage().maxRSS * 1024)),
    peakMainHeapMB: mb(peakHeap),
    mainHeapWhileShownMB: mb(held.heapUsed),
    rssAfterCloseMB: mb(after.rss),
    mainHeapAfterCloseMB: mb(after.heapUsed),
  }));
})().catch((e) => { console.error(e); process.exit(1); });
`;
const out = execFileSync(process.execPath, ['--expose-gc', '-e', child], { encoding: 'utf8', maxBuffer: 1 << 26 });
const r = JSON.parse(out.trim().split('\n').pop());
console.log(
  `extension host, opening the ${samples}-sample heap profile (${r.profileMB} MB) in the panel: peak RSS ${r.peakRssMB} MB ` +
    `(baseline ${r.baselineRssMB} MB; decoder worker included), main-thread JS heap peak ${r.peakMainHeapMB} MB, ` +
    `${r.mainHeapWhileShownMB} MB while shown (view message ${r.viewMessageMB} MB); after close: RSS ${r.rssAfterCloseMB} MB, heap ${r.mainHeapAfterCloseMB} MB`,
);
mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
writeFileSync(path.join(root, 'bench', 'results', 'hostMemory.json'), JSON.stringify({ samples, ...r, date: new Date().toISOString() }, null, 2));
console.log('written to bench/results/hostMemory.json');
