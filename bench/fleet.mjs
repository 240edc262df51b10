// Fleet ranking against real Prometheus (Debian's package), two ways:
//  1. 20 real instances of test/fixtures/fleet-instance (Go 1.27.3, client_golang), three leaking,
//     scraped every second for GOROSCOPE_BENCH_FLEET_SECONDS (default 60): loadFleet's time over that range.
//  2. 500 synthetic instances over 7 days at 15 s (go_goroutines and go_memstats_heap_inuse_bytes: 40
//     million samples) written into Prometheus's TSDB with promtool's backfill, then loadFleet over the 7
//     days (step 15 min). The TSDB is built once and kept in ~/.cache/goroscope-fleet/bench-tsdb-v2 (its
//     data is deterministic, its times fixed).
// Anchor: the same server's time for one range query of go_goroutines over the same range and step
// (what any client pays; loadFleet sends that for each of its four metrics, and reads them).
// Results go to bench/results/fleet.json.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { bundleForBench } from './bundle.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..');
process.chdir(root);
// Each instance and server the harness starts kills itself on exit through one listener each.
process.setMaxListeners(0);
const bundle = await bundleForBench(
  'fleet',
  `export { buildFleetInstance, startFleetInstance, startPrometheus, instantValue, waitFor } from './test/integration/fleetEngines';
   export { loadFleet } from './src/fleet/load';
   export { buildFleetView } from './src/fleet/view';`,
);
const { buildFleetInstance, startFleetInstance, startPrometheus, instantValue, waitFor, loadFleet, buildFleetView } = require(bundle);
const results = { machine: { cpus: os.availableParallelism(), node: process.version, date: new Date().toISOString() } };

/** Median of `runs` timings of `f` (ms), after one warm-up. */
async function median(runs, f) {
  await f();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await f();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[times.length >> 1]);
}

/** The anchor: one range query of go_goroutines over the same range and step, straight from the API. */
async function anchor(url, range, step) {
  const query = new URLSearchParams({ query: 'go_goroutines', start: String(range.start), end: String(range.end), step: String(step) });
  return median(3, async () => {
    const res = await fetch(`${url}api/v1/query_range?${query}`);
    await res.arrayBuffer();
  });
}

// 1. Twenty real scraped instances (GOROSCOPE_BENCH_FLEET_SECONDS=0 leaves this part out).
const seconds = Number(process.env.GOROSCOPE_BENCH_FLEET_SECONDS ?? 60);
if (seconds > 0) {
  const built = await buildFleetInstance();
  const instances = [];
  let prometheus;
  try {
    for (let i = 0; i < 20; i++) instances.push(await startFleetInstance(built.binary, { leakGoroutines: i < 3 ? 10 * (i + 1) : 0, leakHeap: i === 3 ? 200_000 : 0 }));
    prometheus = await startPrometheus({ targets: instances.map((i) => i.address) });
    const start = Math.floor(Date.now() / 1000);
    await waitFor(async () => (await instantValue(prometheus.url, 'count(up{job="fleet"} == 1)')) === 20, 60_000, () => 'not all 20 targets up');
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const range = { start, end: Math.floor(Date.now() / 1000) };
    let report;
    const ms = await median(5, async () => {
      report = await loadFleet({ source: { url: prometheus.url }, selector: '{job="fleet"}', range });
    });
    const anchorMs = await anchor(prometheus.url, range, report.step);
    results.scraped20 = { instances: report.instances.length, seconds, step: report.step, suspects: report.suspects.length, firstSuspect: report.suspects[0]?.instance, loadFleetMs: ms, anchorRangeQueryMs: anchorMs };
    console.log(`fleet, 20 real instances scraped every second for ${seconds} s: ranked in ${ms} ms median (anchor: one range query of go_goroutines ${anchorMs} ms); ${report.suspects.length} suspects`);
  } finally {
    for (const i of instances) await i.stop();
    await prometheus?.stop();
    built.cleanup();
  }
}

// 2. 500 synthetic instances, 7 days at 15 s, backfilled with promtool.
{
  const INSTANCES = 500;
  const STEP = 15;
  const END = 1_796_000_400; // fixed: the cached TSDB stays valid
  const START = END - 7 * 86_400;
  const cache = path.join(os.homedir(), '.cache', 'goroscope-fleet', 'bench-tsdb-v2');
  if (!existsSync(path.join(cache, 'done'))) {
    rmSync(cache, { recursive: true, force: true });
    mkdirSync(cache, { recursive: true });
    // promtool (2.42) reads its whole input once per 2-hour block it writes: one file per 2-hour window
    // keeps the reading to one pass over the data.
    const input = path.join(cache, 'window.om');
    let generated = 0;
    let ingested = 0;
    let samples = 0;
    for (let from = START - (START % 7200); from <= END; from += 7200) {
      const t0 = performance.now();
      samples += await writeOpenMetrics(input, INSTANCES, START, END, STEP, Math.max(from, START), Math.min(from + 7200 - 1, END));
      generated += performance.now() - t0;
      const t1 = performance.now();
      const run = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', input, path.join(cache, 'data')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      ingested += performance.now() - t1;
      if (run.status !== 0) throw new Error(`promtool backfill failed: ${run.stderr || run.error?.message}`);
    }
    rmSync(input, { force: true });
    writeFileSync(path.join(cache, 'done'), `${new Date().toISOString()}\n`);
    results.backfill = { samples, generatedMs: Math.round(generated), promtoolMs: Math.round(ingested) };
    console.log(`backfill of ${INSTANCES} instances × 7 d at ${STEP} s (${(samples / 1e6).toFixed(1)} M samples): text written in ${Math.round(generated / 1000)} s, promtool ${Math.round(ingested / 1000)} s (kept in ${cache})`);
  }
  const prometheus = await startPrometheus({ dataDir: cache, flags: ['--storage.tsdb.retention.time=100y', '--query.max-samples=100000000'] });
  try {
    const range = { start: START, end: END };
    let report;
    let view;
    const ms = await median(3, async () => {
      report = await loadFleet({ source: { url: prometheus.url }, selector: '{job="bench"}', range });
    });
    const viewMs = await median(3, async () => {
      view = buildFleetView(report, 'bench', prometheus.url);
    });
    const anchorMs = await anchor(prometheus.url, range, report.step);
    const messageKb = Math.round(JSON.stringify({ type: 'fleet', view }).length / 1024);
    const restarted = report.instances.filter((i) => i.restarts.length > 0).length;
    results.synthetic500 = { instances: report.instances.length, days: 7, step: report.step, suspects: report.suspects.length, restarted, loadFleetMs: ms, pageViewMs: viewMs, pageMessageKb: messageKb, anchorRangeQueryMs: anchorMs };
    console.log(`fleet, ${report.instances.length} instances over 7 days (step ${report.step} s): ranked in ${ms} ms median, page view ${viewMs} ms (${messageKb} KB message); anchor: one range query of go_goroutines ${anchorMs} ms; ${report.suspects.length} suspects, ${restarted} restarts found`);
  } finally {
    await prometheus.stop();
  }
}

mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
writeFileSync(path.join(root, 'bench', 'results', 'fleet.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log('written to bench/results/fleet.json');

/**
 * OpenMetrics text for promtool, samples from `from` to `to` only: per instance a goroutine count and heap
 * in use around their own level; 5 % leak goroutines steadily, 5 % heap; 10 % restart once (the series
 * stops for ten minutes and comes back at its level: a restart told by the gap). Returns the samples written.
 */
async function writeOpenMetrics(file, instances, start, end, step, from, to) {
  const out = createWriteStream(file);
  let buffer = '';
  let samples = 0;
  const flush = async () => {
    const ok = out.write(buffer);
    buffer = '';
    if (!ok) await new Promise((r) => out.once('drain', r));
  };
  const rnd = (i, t) => {
    const x = Math.sin(i * 12.9898 + t * 78.233) * 43758.5453;
    return x - Math.floor(x);
  };
  const restartAt = (i) => (i % 10 === 5 ? start + 86_400 + ((i * 7919) % (end - start - 2 * 86_400)) : Infinity);
  const since = (i, t) => (t >= restartAt(i) + 600 ? t - restartAt(i) - 600 : t - start);
  const metrics = {
    go_goroutines: (i, t) => Math.round(50 + (i % 40) + (i % 20 === 0 ? (since(i, t) / 3600) * 5 : 0) + rnd(i, t) * 6),
    go_memstats_heap_inuse_bytes: (i, t) => Math.round(40e6 + (i % 30) * 1e6 + (i % 20 === 1 ? (since(i, t) / 3600) * 2e6 : 0) + rnd(i, t) * 4e6),
  };
  const first = from + ((step - ((from - start) % step)) % step);
  for (const [name, value] of Object.entries(metrics)) {
    buffer += `# TYPE ${name} gauge\n`;
    for (let i = 0; i < instances; i++) {
      const labels = `{instance="10.1.${i >> 8}.${i & 255}:8080",job="bench"}`;
      const down = restartAt(i);
      for (let t = first; t <= to; t += step) {
        if (t >= down && t < down + 600) continue;
        buffer += `${name}${labels} ${value(i, t)} ${t}\n`;
        samples++;
      }
      if (buffer.length > 4 << 20) await flush();
    }
  }
  buffer += '# EOF\n';
  await flush();
  await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
  return samples;
}
