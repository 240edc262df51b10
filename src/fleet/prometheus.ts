/**
 * Prometheus's HTTP API (`/api/v1/…`), as Prometheus, Thanos, Mimir, Cortex and VictoriaMetrics serve it,
 * over the shared transport (src/pprof/fetch.ts: timeouts, size limits, redaction, TLS `insecure`). Every
 * way a server can fail to be one becomes a FleetError with one line to act on.
 */
import { fetchRaw, looksLikeHtml, redact, statusError, TransportError, type FetchOptions } from '../pprof/fetch';
import { FleetError } from './errors';
import type { TimeRange } from './range';

/** A Prometheus-compatible server and how to talk to it. */
export interface PrometheusSource {
  /** The server's base URL (`http://prometheus:9090/`, or with a path prefix behind a proxy). */
  url: string;
  fetch?: FetchOptions;
}

/** One series of a range query: its labels (without `__name__`) and its points in time order. */
export interface RangeSeries {
  labels: Record<string, string>;
  /** Seconds since the epoch. */
  times: number[];
  values: number[];
}

/** `{status: "success", data}` or `{status: "error", errorType, error}`: the envelope of every answer. */
interface Envelope {
  status?: unknown;
  data?: unknown;
  errorType?: unknown;
  error?: unknown;
}

/** GET an API path (`api/v1/query_range`) relative to the source's base URL and return its `data`. */
export async function prometheusGet(source: PrometheusSource, path: string, params: Record<string, string>): Promise<unknown> {
  const url = apiUrl(source.url, path, params);
  let res;
  try {
    res = await fetchRaw(url, { ...source.fetch, returnErrorStatus: true }, 'text');
  } catch (err) {
    if (err instanceof TransportError) throw new FleetError('unreachable', err.message);
    throw err;
  }
  const shown = redact(source.url);
  if (res.status === 401 || res.status === 403) {
    throw new FleetError('unauthorized', `${shown}: the server answered ${res.status} ${res.status === 401 ? 'Unauthorized' : 'Forbidden'}: it needs a bearer token (or refused the one given)`);
  }
  if (looksLikeHtml(res.contentType, res.body)) {
    throw new FleetError('not-an-api', `${shown}: answered with an HTML page${htmlTitle(res.body)} where Prometheus's API should be (${path}): is this the URL of a Prometheus-compatible server?`);
  }
  let envelope: Envelope;
  try {
    envelope = JSON.parse(Buffer.from(res.body.buffer, res.body.byteOffset, res.body.byteLength).toString('utf8')) as Envelope;
  } catch {
    if (res.status < 200 || res.status > 299) throw new FleetError('not-an-api', `${statusError(res).message} (is this the URL of a Prometheus-compatible server?)`);
    throw new FleetError('not-an-api', `${shown}: ${path} did not answer with JSON: is this the URL of a Prometheus-compatible server?`);
  }
  if (envelope === null || typeof envelope !== 'object') {
    throw new FleetError('not-an-api', `${shown}: ${path} answered JSON that is not Prometheus's API`);
  }
  if (envelope.status === 'error') {
    const type = typeof envelope.errorType === 'string' ? `${envelope.errorType}: ` : '';
    throw new FleetError('server-error', `${shown}: Prometheus refused the query: ${type}${typeof envelope.error === 'string' ? envelope.error : 'no reason given'}`);
  }
  if (envelope.status !== 'success' || envelope.data === undefined) {
    if (res.status < 200 || res.status > 299) throw new FleetError('not-an-api', `${statusError(res).message} (is this the URL of a Prometheus-compatible server?)`);
    throw new FleetError('not-an-api', `${shown}: ${path} answered JSON that is not Prometheus's API (no status "success" and data)`);
  }
  return envelope.data;
}

function apiUrl(base: string, path: string, params: Record<string, string>): string {
  let url: URL;
  try {
    url = new URL(path, base.endsWith('/') ? base : `${base}/`);
  } catch {
    throw new FleetError('unreachable', `not a valid URL: ${JSON.stringify(base)}`);
  }
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

function htmlTitle(body: Uint8Array): string {
  const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 4096)).toString('utf8');
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(head)?.[1]?.trim();
  return title ? ` ("${title.slice(0, 80)}")` : '';
}

/** `query_range`: every series the query returns, its values as numbers (NaN and ±Inf kept as such). */
export async function queryRange(source: PrometheusSource, query: string, range: TimeRange, step: number): Promise<RangeSeries[]> {
  const data = await prometheusGet(source, 'api/v1/query_range', {
    query,
    start: String(range.start),
    end: String(range.end),
    step: String(step),
  });
  const { resultType, result } = data as { resultType?: unknown; result?: unknown };
  if (resultType !== 'matrix' || !Array.isArray(result)) {
    throw new FleetError('not-an-api', `${redact(source.url)}: query_range answered a ${String(resultType)}, not a matrix`);
  }
  return result.map((entry: { metric?: Record<string, string>; values?: Array<[number, string]> }) => {
    const labels: Record<string, string> = {};
    for (const [name, value] of Object.entries(entry.metric ?? {})) if (name !== '__name__') labels[name] = String(value);
    const points = Array.isArray(entry.values) ? entry.values : [];
    const times = new Array<number>(points.length);
    const values = new Array<number>(points.length);
    for (let i = 0; i < points.length; i++) {
      const point = points[i] as [number, string];
      times[i] = Number(point[0]);
      values[i] = Number(point[1]);
    }
    return { labels, times, values };
  });
}

/**
 * How many series `match` selects between `range.start` and `range.end`, from the series index alone (no
 * sample is read: cheap however long the range, unlike a count over the samples).
 */
export async function countSeries(source: PrometheusSource, match: string, range: TimeRange): Promise<number> {
  const data = await prometheusGet(source, 'api/v1/series', { 'match[]': match, start: String(range.start), end: String(range.end) });
  if (!Array.isArray(data)) throw new FleetError('not-an-api', `${redact(source.url)}: the series answer is not a list`);
  return data.length;
}

/** The values a label takes on the server (`job`), sorted; what the selector picker offers. */
export async function labelValues(source: PrometheusSource, label: string, match?: string): Promise<string[]> {
  const data = await prometheusGet(source, `api/v1/label/${encodeURIComponent(label)}/values`, match ? { 'match[]': match } : {});
  if (!Array.isArray(data)) throw new FleetError('not-an-api', `${redact(source.url)}: label values are not a list`);
  return data.map(String).sort();
}
