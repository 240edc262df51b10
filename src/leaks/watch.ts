import { clusterGoroutines, joinLabels } from '../goroutines/cluster';
import { loadGoroutines } from '../goroutines/load';
import type { GoroutineSummary } from '../goroutines/model';
import { DEFAULT_VIEW_LIMITS } from '../goroutines/view';
import { decodeProfile } from '../pprof/decode';
import { parseIndexPage, parsePprofUrl, profileUrl, varsUrl } from '../pprof/endpoints';
import { fetchProfile, fetchRaw, fetchText, type FetchOptions } from '../pprof/fetch';
import { parseExpvarMemstats } from '../services/runtimeStats';
import type { LeakSnapshot } from './suspects';

/**
 * Takes the snapshots leak suspects are computed from: goroutines (debug=2, labels joined from debug=1),
 * a heap profile after a GC, memstats from /debug/vars, and the goroutineleak profile when the service
 * offers it. A part that fails is recorded as a problem; the snapshot keeps the rest. Each group keeps
 * its first goroutine ids only (leanSummary): a watch ranks by counts, and a service of 100,000
 * goroutines would otherwise hold ~0.6 MB of ids in every snapshot, in memory and on disk. Pure node:
 * the CLI and the goroutines worker drive it.
 */
export async function takeLeakSnapshot(baseUrl: string, fetchOpts: FetchOptions = {}, now: () => number = Date.now): Promise<LeakSnapshot> {
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
  const [goroutines, heap, memstats, offered] = await Promise.all([
    part('goroutines', async () => {
      const dump = await fetchRaw(profileUrl(base, 'goroutine', { debug: 2 }), fetchOpts, 'text');
      const summary = clusterGoroutines(loadGoroutines(dump.body));
      const labelled = await fetchRaw(profileUrl(base, 'goroutine', { debug: 1 }), fetchOpts, 'text').catch(() => null);
      if (labelled) joinLabels(summary, loadGoroutines(labelled.body));
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
    part('index', async () => new Set(parseIndexPage(await fetchText(base, fetchOpts)).map((e) => e.name))),
  ]);
  let leaked = null;
  if (offered?.has('goroutineleak')) {
    leaked = await part('goroutineleak', async () => {
      // Go 1.26+: debug=2 prints the leaked goroutines as a dump, each marked `(leaked)`.
      const dump = await fetchRaw(new URL('goroutineleak?debug=2', base).href, fetchOpts, 'text');
      return leanSummary(clusterGoroutines(loadGoroutines(dump.body)));
    });
  }
  // Without expvar the service still has a heap profile: that is enough for every series but stack in use.
  if (memstats === null && problems.length > 0) {
    const i = problems.findIndex((p) => p.startsWith('memstats:'));
    if (i >= 0 && goroutines !== null) problems.splice(i, 1, 'memstats: /debug/vars is not served (import _ "expvar" in the service to see stack in use and GC counts)');
  }
  return { takenAt, goroutines, heap: heap?.profile ?? null, ...(heap ? { heapBytes: heap.bytes } : {}), memstats, leaked, problems };
}

/** The summary with at most `maxIds` goroutine ids per group (as many as the Goroutines view shows); counts stay whole. */
export function leanSummary(summary: GoroutineSummary, maxIds: number = DEFAULT_VIEW_LIMITS.maxIds): GoroutineSummary {
  return { ...summary, groups: summary.groups.map((g) => (g.ids.length > maxIds ? { ...g, ids: g.ids.slice(0, maxIds) } : g)) };
}

export interface WatchOptions {
  intervalSeconds: number;
  count: number;
  fetch?: FetchOptions;
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
  for (let i = 0; i < opts.count; i++) {
    if (opts.signal?.aborted) break;
    const started = Date.now();
    const fetchOpts: FetchOptions = { ...opts.fetch };
    if (opts.signal) fetchOpts.signal = opts.signal;
    const snap = await takeLeakSnapshot(baseUrl, fetchOpts);
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
