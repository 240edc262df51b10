/**
 * Load for "Profile this handler": requests to one route of the attached service while its profiles
 * are captured. Only ever the attached service's origin (scheme, host and port of its pprof URL): the
 * route contributes a path, never a host. Bounded in count and time, stops by itself, stops at once on
 * abort. Pure (no vscode import): tested against a local server and the demo service.
 */

export interface LoadSettings {
  /** Requests in flight at once. */
  concurrency: number;
  /** Requests started per second, at most. */
  ratePerSecond: number;
}

export interface LoadPlan extends LoadSettings {
  /** Absolute URL on the attached service's origin. */
  url: string;
  method: string;
  /** How long to send requests for. */
  durationMs: number;
  /** Never more than this many requests (default: rate × duration, at most MAX_REQUESTS). */
  maxRequests?: number;
  signal?: AbortSignal;
  /** Per-request limit (default 10 s, and never past the end of the run). */
  requestTimeoutMs?: number;
}

export interface LoadStats {
  url: string;
  method: string;
  sent: number;
  /** Responses with a 2xx or 3xx status. */
  ok: number;
  /** Count by status code; network errors and timeouts under "error". */
  statuses: Record<string, number>;
  elapsedMs: number;
  /** Why the run ended: the time ran out, the request budget was used, or it was aborted. */
  stoppedBy: 'time' | 'count' | 'abort';
}

/** Hard limits whatever the settings say. */
export const MAX_CONCURRENCY = 64;
export const MAX_RATE_PER_SECOND = 1000;
export const MAX_REQUESTS = 20_000;
export const MAX_DURATION_MS = 5 * 60_000;

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** What fills a path parameter (`{id}`, `:id`, `*rest`): a value most handlers parse. */
export const PATH_PARAM_PLACEHOLDER = '1';

export class LoadError extends Error {
  override readonly name = 'LoadError';
}

/**
 * `goroscope.handlers.load` → settings, or undefined for "off". Anything else is a LoadError with one
 * clear sentence.
 */
export function parseLoadSetting(raw: unknown): LoadSettings | undefined {
  if (raw === undefined || raw === null || raw === 'off' || raw === false) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new LoadError('goroscope.handlers.load must be "off" or {"concurrency": N, "ratePerSecond": N}');
  }
  const r = raw as Record<string, unknown>;
  const concurrency = r.concurrency ?? 1;
  const rate = r.ratePerSecond ?? 10;
  if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new LoadError(`goroscope.handlers.load.concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}`);
  }
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0 || rate > MAX_RATE_PER_SECOND) {
    throw new LoadError(`goroscope.handlers.load.ratePerSecond must be a number above 0 and at most ${MAX_RATE_PER_SECOND}`);
  }
  return { concurrency, ratePerSecond: rate };
}

/**
 * The URL to load for a route on the service whose pprof URL is `serviceUrl`: same scheme, host and
 * port; the route's path with parameters filled (`/users/{id}` → `/users/1`, `:id`, `*rest`, gorilla's
 * `{id:[0-9]+}`, Go 1.22's `{rest...}`); a Go 1.22 pattern's method and host are dropped (a pattern
 * bound to another host is refused). The method comes from the route, GET by default.
 */
export function loadTarget(serviceUrl: string, route: string, method: string | null): { url: string; method: string } {
  let base: URL;
  try {
    base = new URL(serviceUrl);
  } catch {
    throw new LoadError(`the attached service's URL is not a URL: ${serviceUrl}`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new LoadError(`the attached service's URL is not http(s): ${serviceUrl}`);
  let pattern = route.trim();
  let patternMethod: string | undefined;
  const withMethod = /^([A-Z]+)\s+(\S.*)$/.exec(pattern);
  if (withMethod) {
    patternMethod = withMethod[1];
    pattern = withMethod[2] as string;
  }
  if (!pattern.startsWith('/')) {
    // Go 1.22 `host/path` patterns: only the attached host itself is acceptable.
    const slash = pattern.indexOf('/');
    const host = slash < 0 ? pattern : pattern.slice(0, slash);
    if (host.toLowerCase() !== base.hostname.toLowerCase() && host.toLowerCase() !== base.host.toLowerCase()) {
      throw new LoadError(`the route ${route} is bound to host ${host}; load goes only to the attached service (${base.host})`);
    }
    pattern = slash < 0 ? '/' : pattern.slice(slash);
  }
  const path = fillPathParams(pattern);
  const url = new URL(base.origin);
  url.pathname = path;
  if (url.origin !== base.origin) throw new LoadError(`the route ${route} does not stay on ${base.origin}`);
  const m = (method ?? patternMethod ?? 'GET').toUpperCase();
  if (!METHODS.has(m)) throw new LoadError(`the route's method ${m} is not one the load generator sends`);
  return { url: url.toString(), method: m };
}

/** `/users/{id}/files/{rest...}` → `/users/1/files/1`; `:id` and `*rest` likewise; `{$}` is the end. */
export function fillPathParams(pattern: string): string {
  return pattern
    .split('/')
    .map((segment) => {
      if (segment === '{$}') return '';
      if (/^[:*]./.test(segment)) return PATH_PARAM_PLACEHOLDER;
      return segment.replace(/\{[^{}]*\}/g, PATH_PARAM_PLACEHOLDER);
    })
    .join('/');
}

/**
 * Sends requests until the duration ends, the request budget is used or `signal` aborts; at most
 * `concurrency` in flight, starts spaced at `1 / ratePerSecond`. Bodies are read and dropped so
 * connections are reused. Never throws for a failed request: it is counted under "error".
 */
export async function runLoad(plan: LoadPlan, fetchImpl: typeof fetch = fetch): Promise<LoadStats> {
  const concurrency = Math.min(Math.max(1, Math.floor(plan.concurrency)), MAX_CONCURRENCY);
  const rate = Math.min(Math.max(plan.ratePerSecond, 0.001), MAX_RATE_PER_SECOND);
  const durationMs = Math.min(Math.max(0, plan.durationMs), MAX_DURATION_MS);
  const budget = Math.min(plan.maxRequests ?? Math.ceil((rate * durationMs) / 1000), MAX_REQUESTS);
  const requestTimeoutMs = plan.requestTimeoutMs ?? 10_000;
  const started = Date.now();
  const end = started + durationMs;
  const stats: LoadStats = { url: plan.url, method: plan.method, sent: 0, ok: 0, statuses: {}, elapsedMs: 0, stoppedBy: 'time' };
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (plan.signal?.aborted) stop.abort();
  plan.signal?.addEventListener('abort', onAbort, { once: true });
  const endTimer = setTimeout(() => stop.abort(), durationMs);
  let next = 0;

  const count = (key: string) => (stats.statuses[key] = (stats.statuses[key] ?? 0) + 1);
  const worker = async (): Promise<void> => {
    for (;;) {
      if (stop.signal.aborted || next >= budget) return;
      const index = next++;
      const wait = started + (index * 1000) / rate - Date.now();
      if (wait > 0 && !(await sleep(wait, stop.signal))) return;
      if (Date.now() >= end || stop.signal.aborted) return;
      stats.sent++;
      const timeout = AbortSignal.timeout(Math.max(1, Math.min(requestTimeoutMs, end - Date.now() + 1000)));
      try {
        const res = await fetchImpl(plan.url, {
          method: plan.method,
          signal: AbortSignal.any([stop.signal, timeout]),
          redirect: 'manual',
          headers: { 'user-agent': 'goroscope-load' },
        });
        await res.arrayBuffer().catch(() => undefined);
        count(String(res.status));
        if (res.status >= 200 && res.status < 400) stats.ok++;
      } catch {
        count('error');
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    clearTimeout(endTimer);
    plan.signal?.removeEventListener('abort', onAbort);
  }
  stats.elapsedMs = Date.now() - started;
  // Without an explicit budget the count follows from rate × duration: the time is what ended it.
  stats.stoppedBy = plan.signal?.aborted ? 'abort' : plan.maxRequests !== undefined && stats.sent >= budget ? 'count' : 'time';
  return stats;
}

/** Resolves true after `ms`, false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
