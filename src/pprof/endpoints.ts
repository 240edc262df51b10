/**
 * net/http/pprof endpoints: reading the index page a service serves at /debug/pprof/ and building the URL
 * of one profile with its query parameters, checked against what Go's handler accepts (net/http/pprof's
 * pprof.go: `seconds` is a delta only for some profiles and excludes `debug`; `gc` only affects heap).
 */
import { CAPTURE_KINDS, captureKind, type ProfileKind } from '../services/captureKinds';
import { decodeEntities } from './fetch';

/** One row of the index page's table: the profile's name, its current count, and the link as written. */
export interface ProfileEntry {
  name: string;
  count: number;
  /** The link from the page (`heap?debug=1`, `my%2Fprofile?debug=1`), relative to the index page. */
  href: string;
}

/**
 * The profiles Go's runtime registers (the capture-kinds table), plus `cpu` for `profile`. Custom profiles
 * are any other name. `goroutineleak` (Go 1.27; Go 1.26 with GOEXPERIMENT=goroutineleakprofile) runs a GC
 * pass that proves which goroutines leaked before it answers: the pass costs GC time, so it is fetched
 * sparingly.
 */
export type { ProfileKind } from '../services/captureKinds';

export const PROFILE_KINDS: readonly ProfileKind[] = CAPTURE_KINDS.map((k) => k.kind);

/** Endpoints whose handler accepts `seconds=N` and returns the difference over N seconds (Go ≥ 1.16; goroutineleak since it exists). */
export const DELTA_KINDS: ReadonlySet<string> = new Set(CAPTURE_KINDS.filter((k) => k.seconds === 'delta').map((k) => k.endpoint));

/** Endpoints whose handler prints stacks like a crash dump with `debug=2`. */
export const DUMP_KINDS: ReadonlySet<string> = new Set(CAPTURE_KINDS.filter((k) => k.dump).map((k) => k.endpoint));

/** Endpoints whose `seconds=N` is how long to sample (the CPU profile), DEFAULT_CPU_SECONDS when not given. */
const DURATION_ENDPOINTS: ReadonlySet<string> = new Set(CAPTURE_KINDS.filter((k) => k.seconds === 'duration').map((k) => k.endpoint));

/** Endpoints whose handler runs a garbage collection first with `gc=1`. */
const GC_ENDPOINTS: ReadonlySet<string> = new Set(CAPTURE_KINDS.filter((k) => k.gc).map((k) => k.endpoint));

/** Endpoints under /debug/pprof/ that are not pprof profiles: they are listed on the index page too. */
export const NON_PROFILE_ENDPOINTS: ReadonlySet<string> = new Set(['cmdline', 'trace', 'symbol']);

/** Endpoint names the runtime serves (used to tell a full profile URL from a base URL). */
const KNOWN_ENDPOINTS: ReadonlySet<string> = new Set([...CAPTURE_KINDS.map((k) => k.endpoint), ...NON_PROFILE_ENDPOINTS]);

export const DEFAULT_CPU_SECONDS = 30;

export class EndpointError extends Error {
  override readonly name = 'EndpointError';
}

/**
 * Parse the HTML index of net/http/pprof into its profile rows. Handles the layouts Go has written:
 * `<tr><td>3</td><td><a href='heap?debug=1'>heap</a></td></tr>` (fmt, Go ≥ 1.16, links built with url.URL
 * since 1.20 so odd names are escaped, `./` before a name with a colon), the older html/template table
 * (`<td align=right>3<td><a href="heap?debug=1">heap</a>`), and custom profiles registered with
 * pprof.NewProfile, which appear as rows like any other. The `full goroutine stack dump` link is not a row.
 */
export function parseIndexPage(html: string): ProfileEntry[] {
  const entries: ProfileEntry[] = [];
  const seen = new Set<string>();
  const row = /<td[^>]*>\s*(\d+)\s*(?:<\/td>)?\s*<td[^>]*>\s*<a\s+href\s*=\s*(?:'([^']*)'|"([^"]*)"|([^\s>]+))\s*>([\s\S]*?)<\/a>/gi;
  for (const match of html.matchAll(row)) {
    const href = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
    const name = decodeEntities((match[5] ?? '').replace(/<[^>]*>/g, '')).trim();
    if (!name || seen.has(name)) continue;
    seen.add(name);
    entries.push({ name, count: Number(match[1]), href });
  }
  return entries;
}

/** Where a user's URL points: the pprof base (always ending in `/`) and, for a full profile URL, the profile. */
export interface PprofTarget {
  /** `http://host:6060/debug/pprof/` */
  base: string;
  /** The endpoint name when the URL named one (`heap`, `profile`, a custom profile). */
  endpoint?: string;
  /** The query of a full profile URL (`seconds=5`), kept when that same endpoint is fetched. */
  query: URLSearchParams;
}

/**
 * Understand a URL a user typed: `localhost:6060` (scheme and /debug/pprof/ added), a base with or without
 * its trailing slash (`http://h/debug/pprof`), a base mounted elsewhere (`http://h/internal/pprof/`), or a
 * full profile URL (`http://h/debug/pprof/heap?gc=1`, custom names included).
 */
export function parsePprofUrl(input: string): PprofTarget {
  const trimmed = input.trim();
  if (!trimmed) throw new EndpointError('no URL given: expected something like http://localhost:6060/debug/pprof/');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new EndpointError(`not a valid URL: ${JSON.stringify(input)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EndpointError(`${JSON.stringify(input)}: pprof is served over http or https, not ${url.protocol.replace(/:$/, '')}`);
  }
  url.hash = '';
  const query = new URLSearchParams(url.search);
  url.search = '';
  const path = url.pathname;
  if (path === '' || path === '/') {
    url.pathname = '/debug/pprof/';
    return { base: url.href, query: new URLSearchParams() };
  }
  if (path.endsWith('/')) return { base: url.href, query: new URLSearchParams() };
  const slash = path.lastIndexOf('/');
  const last = safeDecode(path.slice(slash + 1));
  const parent = path.slice(0, slash + 1);
  if (KNOWN_ENDPOINTS.has(last) || /\/debug\/pprof\/$/.test(parent)) {
    url.pathname = parent;
    return { base: url.href, endpoint: last, query };
  }
  url.pathname = `${path}/`;
  return { base: url.href, query: new URLSearchParams() };
}

export interface ProfileUrlOptions {
  /** CPU: the duration (default 30). Delta-capable profiles: return the difference over N seconds. */
  seconds?: number;
  /** Heap: run a garbage collection first (`gc=1`), so the profile reflects live memory. */
  gc?: boolean;
  /** 0: gzipped profile.proto (default), 1: legacy text, 2: goroutine (or goroutineleak) stacks as in a crash dump. */
  debug?: 0 | 1 | 2;
}

/** The endpoint name for a kind: `cpu` is served as `profile`; custom profiles keep their name. */
export function endpointFor(kind: string): string {
  return captureKind(kind)?.endpoint ?? kind;
}

/** The kind for an endpoint name: `profile` is `cpu`. */
export function kindFor(endpoint: string): string {
  return CAPTURE_KINDS.find((k) => k.endpoint === endpoint)?.kind ?? endpoint;
}

/**
 * The URL of one profile. `base` is anything parsePprofUrl accepts; when it is a full profile URL of the
 * same endpoint, its query is kept under the options. Throws EndpointError for combinations Go's handler
 * rejects or ignores, so the user learns it before waiting for a capture.
 */
export function profileUrl(base: string, kind: string, opts: ProfileUrlOptions = {}): string {
  const target = parsePprofUrl(base);
  const endpoint = endpointFor(kind);
  if (!endpoint || /[?#]/.test(endpoint)) throw new EndpointError(`not a profile name: ${JSON.stringify(kind)}`);
  if (NON_PROFILE_ENDPOINTS.has(endpoint)) {
    throw new EndpointError(`${endpoint} is not a pprof profile (it is listed on the index page, but Goroscope cannot read it)`);
  }
  const query = target.endpoint === endpoint ? new URLSearchParams(target.query) : new URLSearchParams();
  if (opts.seconds !== undefined) {
    if (!Number.isInteger(opts.seconds) || opts.seconds <= 0) {
      throw new EndpointError(`seconds must be a positive whole number, not ${opts.seconds}`);
    }
    if (!DURATION_ENDPOINTS.has(endpoint) && !DELTA_KINDS.has(endpoint)) {
      throw new EndpointError(`${kind} does not support a delta capture (seconds); these do: ${[...DELTA_KINDS].join(', ')}`);
    }
    query.set('seconds', String(opts.seconds));
  } else if (DURATION_ENDPOINTS.has(endpoint) && !query.has('seconds')) {
    query.set('seconds', String(DEFAULT_CPU_SECONDS));
  }
  if (opts.gc) {
    if (!GC_ENDPOINTS.has(endpoint)) throw new EndpointError(`gc=1 only applies to the heap profile, not ${kind}`);
    if (query.has('seconds')) throw new EndpointError('gc=1 has no effect on a delta heap capture (seconds)');
    query.set('gc', '1');
  }
  if (opts.debug !== undefined) {
    if (opts.debug === 2 && !DUMP_KINDS.has(endpoint)) throw new EndpointError(`debug=2 only applies to the ${[...DUMP_KINDS].join(' and ')} profiles`);
    if (opts.debug !== 0 && query.has('seconds')) throw new EndpointError('seconds and debug cannot be combined (Go rejects it)');
    if (opts.debug === 0) query.delete('debug');
    else query.set('debug', String(opts.debug));
  }
  const url = new URL(encodeURIComponent(endpoint).replace(/%2F/gi, '/'), target.base);
  url.search = query.toString();
  return url.href;
}

/** The expvar URL next to a pprof base: `/debug/pprof/` → `/debug/vars` (or `vars` beside a custom mount). */
export function varsUrl(base: string): string {
  const target = parsePprofUrl(base);
  const url = new URL(target.base);
  url.pathname = /\/debug\/pprof\/$/.test(url.pathname) ? url.pathname.replace(/pprof\/$/, 'vars') : '/debug/vars';
  return url.href;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
