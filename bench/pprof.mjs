// Benchmark for the live-pprof issue (`npm run bench`, or `node bench/pprof.mjs` after `npm run build`).
// Summarises a generated 500,000-sample heap profile with `goroscope profile --format json --top 20` and
// with `go tool pprof -top -nodecount=20` on the same file (target: half of pprof's time), checks that
// both list the same top functions with the same values, and times the worker path the panel uses
// (decode, then a pruned flame tree). Measures; asserts nothing. Writes bench/results/pprof.json.
// GOROSCOPE_BENCH_SAMPLES overrides the sample count; GOROSCOPE_BENCH_LABELS=1 adds Go's `bytes` label.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { generateHeapProfile } from './pprofProfile.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const samples = Number(process.env.GOROSCOPE_BENCH_SAMPLES ?? 500_000);
const labels = process.env.GOROSCOPE_BENCH_LABELS === '1';
const hasGo = spawnSync('go', ['version']).status === 0;
const hasTime = existsSync('/usr/bin/time');
const results = { machine: { cpus: os.availableParallelism(), node: process.version, loadavg: os.loadavg().map((l) => +l.toFixed(1)), date: new Date().toISOString() } };

// 1. The profile: generated once per shape, kept in the temp folder between runs.
const file = path.join(os.tmpdir(), `goroscope-bench-heap-${samples}${labels ? '-labels' : ''}-v1.pb.gz`);
if (!existsSync(file)) {
  const t0 = performance.now();
  writeFileSync(file, generateHeapProfile({ samples, labels }));
  console.log(`generated ${file} in ${Math.round(performance.now() - t0)} ms`);
}
const gz = readFileSync(file);
const raw = gunzipSync(gz);
results.profile = { file, samples, labels, gzipMB: +(gz.length / 1e6).toFixed(1), rawMB: +(raw.length / 1e6).toFixed(1) };
console.log(`profile: ${samples} samples, ${results.profile.gzipMB} MB gzipped, ${results.profile.rawMB} MB raw`);

/** Runs a command `runs` times; wall times and the peak RSS (GNU time) of the slowest-memory run. */
function time(cmd, args, runs) {
  const wall = [];
  let peakKb = 0;
  let stdout = '';
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(hasTime ? '/usr/bin/time' : cmd, hasTime ? ['-f', '%M', cmd, ...args] : args, { encoding: 'utf8', maxBuffer: 1 << 28 });
    wall.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    stdout = r.stdout;
    if (hasTime) peakKb = Math.max(peakKb, Number(r.stderr.trim().split('\n').pop()) || 0);
  }
  return { wallMs: wall.map(Math.round), bestMs: Math.round(Math.min(...wall)), peakRssMb: Math.round(peakKb / 1024), stdout };
}

// 2. goroscope profile vs go tool pprof -top, alternating so machine load hits both alike.
const ours = time(process.execPath, [path.join(dist, 'cli.js'), 'profile', file, '--format', 'json', '--top', '20'], 3);
results.goroscope = { ...ours, stdout: undefined };
console.log(`goroscope profile --format json --top 20: best ${ours.bestMs} ms of ${ours.wallMs.join(', ')}; peak RSS ${ours.peakRssMb} MB`);
if (hasGo) {
  const pprof = time('go', ['tool', 'pprof', '-top', '-nodecount=20', file], 2);
  results.pprof = { ...pprof, stdout: undefined };
  results.speedup = +(pprof.bestMs / ours.bestMs).toFixed(2);
  console.log(`go tool pprof -top -nodecount=20:       best ${pprof.bestMs} ms of ${pprof.wallMs.join(', ')}; peak RSS ${pprof.peakRssMb} MB`);
  console.log(`  goroscope takes ${((100 * ours.bestMs) / pprof.bestMs).toFixed(0)}% of pprof's time (target: at most 50%)`);

  // Same answer? pprof without its node-fraction cut, in raw units, against our top 20.
  const check = spawnSync('go', ['tool', 'pprof', '-top', '-nodecount=100000', '-nodefraction=0', '-unit=B', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const ref = new Map();
  for (const line of check.stdout.split('\n')) {
    const m = /^\s*(-?\d+)B?\s+\S+\s+\S+\s+(-?\d+)B?\s+\S+\s+(.+?)(?: \(inline\))?$/.exec(line);
    if (m) ref.set(m[3], { flat: Number(m[1]), cum: Number(m[2]) });
  }
  const top = JSON.parse(ours.stdout).top;
  const mismatches = top.filter((r) => ref.get(r.function)?.flat !== r.flat || ref.get(r.function)?.cum !== r.cum);
  results.sameAsPprof = { checked: top.length, mismatches: mismatches.length };
  console.log(`  top 20 equal to pprof's (flat and cum, raw bytes): ${mismatches.length === 0 ? 'yes' : `NO, ${mismatches.length} differ`}`);
} else {
  console.log('go not found: skipping the go tool pprof comparison (install Go 1.21 or later: https://go.dev/dl)');
}

// 3. Reference: pprof-format's stock decoder on the same bytes (the issue's "plain decode").
{
  const { Profile } = require('pprof-format');
  const t0 = performance.now();
  Profile.decode(raw);
  results.plainPprofFormatDecodeMs = Math.round(performance.now() - t0);
  console.log(`plain pprof-format Profile.decode (no gunzip): ${results.plainPprofFormatDecodeMs} ms`);
}

// 4. The panel's path, in the worker: decode, then the pruned flame tree (boxes under 1/2000 folded).
{
  const worker = new Worker(path.join(dist, 'pprofWorker.js'));
  let nextId = 1;
  const call = (message, transfer = []) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      // The worker's channel (src/protocol/pprofWorker.ts) on the RPC wire (src/protocol/rpc.ts), spoken directly.
      const onMessage = (reply) => {
        if (reply.id !== id) return;
        worker.off('message', onMessage);
        if (reply.kind === 'reply') resolve(reply.result);
        else reject(new Error(reply.error.message));
      };
      worker.on('message', onMessage);
      const { op, ...params } = message;
      worker.postMessage({ kind: 'request', id, method: op, params }, transfer);
    });
  const bytes = new Uint8Array(gz);
  let t0 = performance.now();
  const summary = await call({ op: 'open', bytes, limit: {} }, [bytes.buffer]);
  const openMs = performance.now() - t0;
  t0 = performance.now();
  const tree = await call({ op: 'tree', profileId: summary.profileId, minFraction: 1 / 2000 });
  const treeMs = performance.now() - t0;
  let nodes = 0;
  const count = (n) => {
    nodes++;
    n.children.forEach(count);
  };
  count(tree.root);
  t0 = performance.now();
  const zoom = tree.root.children[0]?.children[0];
  if (zoom) await call({ op: 'subtree', treeId: tree.treeId, nodeId: zoom.id, minFraction: 1 / 2000 });
  const zoomMs = performance.now() - t0;
  await worker.terminate();
  results.worker = { decodeMs: Math.round(openMs), treeMs: Math.round(treeMs), prunedNodes: nodes, zoomMs: Math.round(zoomMs) };
  console.log(`worker: decode ${Math.round(openMs)} ms, flame tree built and pruned to ${nodes} nodes ${Math.round(treeMs)} ms, zoom ${Math.round(zoomMs)} ms`);
}

mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
writeFileSync(path.join(root, 'bench', 'results', 'pprof.json'), JSON.stringify(results, null, 2));
console.log('written to bench/results/pprof.json');
