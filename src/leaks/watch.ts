import { joinLabels } from '../goroutines/cluster';
import { loadGoroutines, loadGoroutineSummary } from '../goroutines/load';
import type { GoroutineSummary } from '../goroutines/model';
import { DEFAULT_VIEW_LIMITS } from '../goroutines/view';
import { decodeProfile } from '../pprof/decode';
import { parseIndexPage, parsePprofUrl, profileUrl, varsUrl } from '../pprof/endpoints';
import { fetchProfile, fetchRaw, fetchText, type FetchOptions } from '../pprof/fetch';
import { parseExpvarMemstats } from '../services/runtimeStats';
import { GoroutineLeakPolicy, type LeakDetection } from './leakDetection';
import type { LeakSnapshot } from './suspects';

/**
 * Takes the snapshots leak suspects are computed from: goroutines (debug=2; labels from the headers, or
 * joined from debug=1 when the dump prints none), a heap profile after a GC, memstats from /debug/vars.
 * When the service offers the goroutineleak profile and `leakPass` allows it (GoroutineLeakPolicy), the
 * goroutines are read from goroutineleak?debug=2 instead: the same dump of every goroutine, taken right
 * after Go's detection pass, the leaked ones marked `(leaked)`. A part that fails is recorded as a
 * problem; the snapshot keeps the rest. Each group keeps its first goroutine ids only (leanSummary): a
 * watch ranks by counts, and a service of 100,000 goroutines would otherwise hold ~0.6 MB of ids in every
 * snapshot, in memory and on disk. Pure node: the CLI and the goroutines worker drive it.
 */
export async function takeLeakSnapshot(
  baseUrl: string,
  fetchOpts: FetchOptions = {},
  now: () => number = Date.now,
  leakPass: (base: string) => 'ran' | 'earlier' | 'off' = () => 'ran',
): Promise<LeakSnapshot> {
  const base = parsePprofUrl(baseUrl).base;
  const takenAt = now();
  const problems: string[] = [];
  const part = async <T>(what: string, run: () => Promise<T>): Promise<T | null> => {
    try {
      return await run();
    } catch (err) {
      problems.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
  };
  let leakDetection: LeakDetection | null = null;
  const [goroutines, heap, memstats] = await Promise.all([
    part('goroutines', async () => {
      // The index says whether the service's Go has the goroutineleak profile (a page it serves anyway).
      const offered = await fetchText(base, fetchOpts).then((html) => parseIndexPage(html).some((e) => e.name === 'goroutineleak'), () => null);
      leakDetection = offered === null ? null : offered ? leakPass(base) : 'not offered';
      const kind = leakDetection === 'ran' ? 'goroutineleak' : 'goroutine';
      const dump = await fetchRaw(profileUrl(base, kind, { debug: 2 }), fetchOpts, 'text');
      const summary = loadGoroutineSummary(dump.body);
      if (!summary.groups.some((g) => g.labels)) {
        const labelled = await fetchRaw(profileUrl(base, 'goroutine', { debug: 1 }), fetchOpts, 'text').catch(() => null);
        if (labelled) joinLabels(summary, loadGoroutines(labelled.body));
      }
      return leanSummary(summary);
    }),
    part('heap', async () => {
      const bytes = await fetchProfile(profileUrl(base, 'heap', { gc: true }), fetchOpts);
      return { profile: decodeProfile(bytes), bytes };
    }),
    part('memstats', async () => {
      const m = parseExpvarMemstats(await fetchText(varsUrl(base), fetchOpts));
      return { heapInuse: m.heapInuse, heapAlloc: m.heapAlloc, stackInuse: m.stackInuse, numGC: m.numGC };
    }),
  ]);
  // Without expvar the service still has a heap profile: that is enough for every series but stack in use.
  if (memstats === null && problems.length > 0) {
    const i = problems.findIndex((p) => p.startsWith('memstats:'));
    if (i >= 0 && goroutines !== null) problems.splice(i, 1, 'memstats: /debug/vars is not served (import _ "expvar" in the service to see stack in use and GC counts)');
  }
  return { takenAt, goroutines, heap: heap?.profile ?? null, ...(heap ? { heapBytes: heap.bytes } : {}), memstats, leakDetection, problems };
}

/** The summary with at most `maxIds` goroutine ids per group (as many as the Goroutines view shows); counts stay whole. */
export function leanSummary(summary: GoroutineSummary, maxIds: number = DEFAULT_VIEW_LIMITS.maxIds): GoroutineSummary {
  return { ...summary, groups: summary.groups.map((g) => (g.ids.length > maxIds ? { ...g, ids: g.ids.slice(0, maxIds) } : g)) };
}

export interface WatchOptions {
  intervalSeconds: number;
  count: number;
  fetch?: FetchOptions;
  /** When the goroutineleak profile may be fetched (default: `auto`, at most once a minute). */
  leakPolicy?: GoroutineLeakPolicy;
  signal?: AbortSignal;
  /** Called after each snapshot, before waiting for the next. */
  onSnapshot?: (snapshot: LeakSnapshot, index: number) => void;
}

/**
 * Takes `count` snapshots `intervalSeconds` apart. A snapshot that fails entirely (the service is down
 * or restarting) is kept with its problems; the watch goes on and picks up when the service answers again.
 */
export async function watchService(baseUrl: string, opts: WatchOptions): Promise<LeakSnapshot[]> {
  const snapshots: LeakSnapshot[] = [];
  const policy = opts.leakPolicy ?? new GoroutineLeakPolicy();
  for (let i = 0; i < opts.count; i++) {
    if (opts.signal?.aborted) break;
    const started = Date.now();
    const fetchOpts: FetchOptions = { ...opts.fetch };
    if (opts.signal) fetchOpts.signal = opts.signal;
    const snap = await takeLeakSnapshot(baseUrl, fetchOpts, Date.now, (base) => policy.claim(base));
    snapshots.push(snap);
    opts.onSnapshot?.(snap, i);
    if (i < opts.count - 1) await sleep(Math.max(0, opts.intervalSeconds * 1000 - (Date.now() - started)), opts.signal);
  }
  return snapshots;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
