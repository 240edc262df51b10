// A profile of a million distinct functions (issue 12, big inputs: it took 14 s and 1.3 GB): `goroscope
// profile --format json --top 20` as a whole process, and the panel's path (the pprof worker's store:
// open, the pruned flame tree, the top table) in a fresh process of its own, each with its peak RSS, beside
// `go tool pprof -top` on the same file in the same run. Memory is stated as a multiple of the profile's
// size (gzipped and unpacked). The top 20 is checked against pprof's. Measures; asserts nothing.
// Usage: node bench/bigProfile.mjs (after npm run build); env GOROSCOPE_BENCH_FUNCTIONS (default 1,000,000),
// RUNS (default 3), PPROF_RUNS (default 1: pprof takes tens of seconds and gigabytes on this profile).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { bundleForBench } from './bundle.mjs';
import { generateHeapProfile } from './pprofProfile.mjs';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const functions = Number(process.env.GOROSCOPE_BENCH_FUNCTIONS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 3);
const PPROF_RUNS = Number(process.env.PPROF_RUNS ?? 1);
const hasGo = spawnSync('go', ['version']).status === 0;

const file = path.join(os.tmpdir(), `goroscope-bench-functions-${functions}-v1.pb.gz`);
if (!existsSync(file)) {
  const t0 = performance.now();
  writeFileSync(file, generateHeapProfile({ samples: 200_000, functions }));
  console.log(`generated ${file} in ${Math.round(performance.now() - t0)} ms`);
}
const gzMB = readFileSync(file).length / 1e6;
const rawMB = gunzipSync(readFileSync(file)).length / 1e6;

// The panel's path in a process of its own: peak RSS is then the store's, not this script's.
// The worker's open (src/pprof/worker.ts) is decodePackedProfileStreamed then the store's add.
const store = await bundleForBench(
  'bigProfileStore',
  `export { ProfileStore } from './src/pprof/profileStore';
   export { decodePackedProfileStreamed } from './src/pprof/decode';`,
);
const panelScript = `
const { readFileSync } = require('node:fs');
const { ProfileStore, decodePackedProfileStreamed } = require(${JSON.stringify(store)});
(async () => {
  const store = new ProfileStore();
  const t0 = performance.now();
  const summary = store.add(await decodePackedProfileStreamed(new Uint8Array(readFileSync(${JSON.stringify(file)}))));
  const opened = performance.now() - t0;
  store.tree({ profileId: summary.profileId, minFraction: 1 / 2000 });
  store.top({ profileId: summary.profileId, limit: 500 });
  process.stdout.write(JSON.stringify({ openMs: opened, viewMs: performance.now() - t0, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
})();
`;

/** A whole process: wall ms and peak RSS in MB (GNU time), and its stdout. */
function run(cmd, args) {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, peakRssMb: Number(r.stderr.trim().split('\n').pop()) / 1024, stdout: r.stdout };
}

const cli = [];
const panel = [];
const pprof = [];
let top;
let pprofOut;
for (let i = 0; i < RUNS; i++) {
  const c = run(process.execPath, [path.join(dist, 'cli.js'), 'profile', file, '--format', 'json', '--top', '20']);
  cli.push(c);
  top = JSON.parse(c.stdout).top;
  const p = run(process.execPath, ['-e', panelScript]);
  panel.push({ ...JSON.parse(p.stdout), ms: p.ms, peakRssMb: p.peakRssMb });
  if (hasGo && pprof.length < PPROF_RUNS) {
    // -nodefraction=0: by default pprof drops nodes under 0.5% of the total, here every function.
    const g = run('go', ['tool', 'pprof', '-top', '-nodecount=20', '-nodefraction=0', '-unit=B', file]);
    pprof.push(g);
    pprofOut = g.stdout;
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const r0 = (x) => Math.round(x);
const result = {
  bench: 'bigProfile',
  functions,
  profileGzipMB: +gzMB.toFixed(1),
  profileRawMB: +rawMB.toFixed(1),
  runs: RUNS,
  loadavg: os.loadavg().map((l) => +l.toFixed(1)),
  cli: { medianMs: r0(median(cli.map((c) => c.ms))), peakRssMb: r0(Math.max(...cli.map((c) => c.peakRssMb))) },
  panel: {
    medianMs: r0(median(panel.map((p) => p.ms))),
    openMedianMs: r0(median(panel.map((p) => p.openMs))),
    viewMedianMs: r0(median(panel.map((p) => p.viewMs))),
    peakRssMb: r0(Math.max(...panel.map((p) => p.peakRssMb))),
  },
  pprof: hasGo ? { medianMs: r0(median(pprof.map((p) => p.ms))), peakRssMb: r0(Math.max(...pprof.map((p) => p.peakRssMb))) } : null,
};
if (hasGo) {
  // The same top 20 as pprof (flat and cum in bytes)? pprof's rows: flat flat% sum% cum cum% name.
  const ref = new Map();
  for (const line of pprofOut.split('\n')) {
    const m = /^\s*(-?\d+)B?\s+\S+\s+\S+\s+(-?\d+)B?\s+\S+\s+(.+?)(?: \(inline\))?$/.exec(line);
    if (m) ref.set(m[3], { flat: Number(m[1]), cum: Number(m[2]) });
  }
  result.sameTopAsPprof = top.every((r) => ref.get(r.function)?.flat === r.flat && ref.get(r.function)?.cum === r.cum);
}

const times = (mb) => `${(mb / rawMB).toFixed(1)}× unpacked, ${(mb / gzMB).toFixed(1)}× gzipped`;
console.log(`a profile of ${functions.toLocaleString('en-US')} distinct functions (${result.profileGzipMB} MB gzipped, ${result.profileRawMB} MB unpacked), median of ${RUNS}:`);
console.log(`  goroscope profile --top 20:    ${result.cli.medianMs} ms, peak RSS ${result.cli.peakRssMb} MB (${times(result.cli.peakRssMb)})`);
console.log(
  `  panel's store (open, tree, top): ${result.panel.medianMs} ms as a process (open ${result.panel.openMedianMs}, view ready ${result.panel.viewMedianMs}), peak RSS ${result.panel.peakRssMb} MB (${times(result.panel.peakRssMb)})`,
);
if (hasGo) {
  console.log(`  go tool pprof -top (${pprof.length} run):     ${result.pprof.medianMs} ms, peak RSS ${result.pprof.peakRssMb} MB (${times(result.pprof.peakRssMb)})`);
  console.log(`  ratios to pprof: time ${(result.cli.medianMs / result.pprof.medianMs).toFixed(2)}, memory ${(result.cli.peakRssMb / result.pprof.peakRssMb).toFixed(2)}; top 20 equal to pprof's: ${result.sameTopAsPprof ? 'yes' : 'NO'}`);
}
mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
writeFileSync(path.join(root, 'bench', 'results', 'bigProfile.json'), JSON.stringify(result, null, 2));
console.log(JSON.stringify(result));
