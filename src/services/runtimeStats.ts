/**
 * The few numbers the status bar shows for an attached service: goroutine count and heap in use, read
 * from expvar (/debug/vars → memstats) and from the goroutine profile's text header. Either source may be
 * missing (expvar is optional in a Go service); the result says which numbers are known.
 */
import { profileUrl, varsUrl, parseIndexPage } from '../pprof/endpoints';
import { fetchText, fetchTextHead } from '../pprof/fetch';
import { fetchOptionsFor, type ServiceConfig } from './config';

/** runtime.MemStats fields Goroscope shows. */
export interface MemStats {
  heapInuse: number;
  heapAlloc: number;
  stackInuse: number;
  numGC: number;
  pauseTotalNs: number;
}

export interface RuntimeStats {
  takenAt: number;
  /** null when neither goroutine?debug=1 nor the index page could be read. */
  goroutines: number | null;
  /** null when the service does not serve expvar (or it failed). */
  memstats: MemStats | null;
  /** One message per source that failed, for a tooltip. */
  problems: string[];
}

export class RuntimeStatsError extends Error {
  override readonly name = 'RuntimeStatsError';
}

/**
 * Parse /debug/vars. Throws RuntimeStatsError when it is not expvar JSON with memstats (an HTML page,
 * a service without expvar answering with something else).
 */
export function parseExpvarMemstats(text: string): MemStats {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new RuntimeStatsError('/debug/vars is not JSON (does the service import expvar?)');
  }
  const mem = (data as { memstats?: unknown } | null)?.memstats;
  if (typeof mem !== 'object' || mem === null) throw new RuntimeStatsError('/debug/vars has no memstats');
  const m = mem as Record<string, unknown>;
  const num = (key: string): number => {
    const v = m[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RuntimeStatsError(`/debug/vars memstats has no number ${key}`);
    return v;
  };
  return {
    heapInuse: num('HeapInuse'),
    heapAlloc: num('HeapAlloc'),
    stackInuse: num('StackInuse'),
    numGC: num('NumGC'),
    pauseTotalNs: num('PauseTotalNs'),
  };
}

/** `goroutine profile: total 42` → 42; null when the text does not start that way. */
export function parseGoroutineTotal(text: string): number | null {
  const match = /^\s*goroutine profile: total (\d+)/.exec(text);
  return match ? Number(match[1]) : null;
}

export interface StatsOptions {
  bearerToken?: string;
  signal?: AbortSignal;
  now?: () => number;
}

/** Read memstats and the goroutine count in parallel; throws only when both fail. */
export async function readRuntimeStats(service: ServiceConfig, opts: StatsOptions = {}): Promise<RuntimeStats> {
  const extra: { bearerToken?: string; signal?: AbortSignal } = {};
  if (opts.bearerToken) extra.bearerToken = opts.bearerToken;
  if (opts.signal) extra.signal = opts.signal;
  const fetchOpts = fetchOptionsFor(service, extra);
  const takenAt = (opts.now ?? Date.now)();
  const [mem, goroutines] = await Promise.allSettled([
    fetchText(varsUrl(service.url), fetchOpts).then(parseExpvarMemstats),
    readGoroutineCount(service, fetchOpts),
  ]);
  const problems: string[] = [];
  if (mem.status === 'rejected') problems.push(errorText(mem.reason));
  if (goroutines.status === 'rejected') problems.push(errorText(goroutines.reason));
  if (mem.status === 'rejected' && goroutines.status === 'rejected') {
    throw goroutines.reason instanceof Error ? goroutines.reason : new RuntimeStatsError(problems.join('; '));
  }
  return {
    takenAt,
    goroutines: goroutines.status === 'fulfilled' ? goroutines.value : null,
    memstats: mem.status === 'fulfilled' ? mem.value : null,
    problems,
  };
}

/** From the first line of goroutine?debug=1 (only its head is read); else from the index page's count. */
async function readGoroutineCount(service: ServiceConfig, fetchOpts: ReturnType<typeof fetchOptionsFor>): Promise<number> {
  let firstError: unknown;
  try {
    const head = await fetchTextHead(profileUrl(service.url, 'goroutine', { debug: 1 }), 256, fetchOpts);
    const total = parseGoroutineTotal(head);
    if (total !== null) return total;
    firstError = new RuntimeStatsError('goroutine?debug=1 does not start with "goroutine profile: total N"');
  } catch (err) {
    firstError = err;
  }
  try {
    const entry = parseIndexPage(await fetchText(service.url, fetchOpts)).find((e) => e.name === 'goroutine');
    if (entry) return entry.count;
  } catch {
    // The first error explains it better.
  }
  throw firstError;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
