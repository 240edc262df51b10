/**
 * Fleet sources: where a fleet's metrics (and, later, profiles) live. They come from the
 * `goroscope.fleet.sources` setting (untrusted JSON) or from a URL the user typed; bearer tokens never
 * belong here (the extension keeps them in SecretStorage, keyed by the Prometheus URL).
 */
import type { FetchOptions } from '../pprof/fetch';

export interface FleetSource {
  /** Shown in the quick pick and the Fleet view; unique among sources. */
  name: string;
  /** The Prometheus-compatible server's base URL. */
  prometheusUrl: string;
  /** A Parca server's URL, for profiles across the fleet (not read yet: no Parca server can run in this project's tests). */
  parcaUrl?: string;
  headers?: Record<string, string>;
  insecure?: boolean;
}

export interface ParsedFleetSources {
  sources: FleetSource[];
  problems: string[];
}

/** Read the setting: keep every well-formed entry; one message for each entry that is not. */
export function parseFleetSourcesSetting(raw: unknown): ParsedFleetSources {
  const sources: FleetSource[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { sources, problems };
  if (!Array.isArray(raw)) return { sources, problems: ['goroscope.fleet.sources must be a list of {name, prometheusUrl} objects'] };
  const names = new Set<string>();
  raw.forEach((entry: unknown, i) => {
    const where = `goroscope.fleet.sources[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return void problems.push(`${where} is not an object`);
    const e = entry as Record<string, unknown>;
    if (typeof e.name !== 'string' || e.name.trim() === '') return void problems.push(`${where} has no name`);
    if (names.has(e.name)) return void problems.push(`${where}: the name "${e.name}" is used twice`);
    if (typeof e.prometheusUrl !== 'string' || !isHttpUrl(e.prometheusUrl)) return void problems.push(`${where} ("${e.name}"): prometheusUrl must be an http(s) URL`);
    if (e.parcaUrl !== undefined && (typeof e.parcaUrl !== 'string' || !isHttpUrl(e.parcaUrl))) return void problems.push(`${where} ("${e.name}"): parcaUrl must be an http(s) URL`);
    if (e.headers !== undefined && (typeof e.headers !== 'object' || e.headers === null || Object.values(e.headers).some((v) => typeof v !== 'string'))) {
      return void problems.push(`${where} ("${e.name}"): headers must map names to strings`);
    }
    if (e.insecure !== undefined && typeof e.insecure !== 'boolean') return void problems.push(`${where} ("${e.name}"): insecure must be true or false`);
    names.add(e.name);
    const source: FleetSource = { name: e.name, prometheusUrl: e.prometheusUrl };
    if (typeof e.parcaUrl === 'string') source.parcaUrl = e.parcaUrl;
    if (e.headers) source.headers = e.headers as Record<string, string>;
    if (e.insecure) source.insecure = true;
    sources.push(source);
  });
  return { sources, problems };
}

export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The transport options of a request to the source's Prometheus. */
export function fleetFetchOptions(source: FleetSource, extra: { bearerToken?: string | undefined; connectTimeoutMs?: number; readTimeoutMs?: number; maxBytes?: number } = {}): FetchOptions {
  const opts: FetchOptions = {};
  if (source.headers) opts.headers = source.headers;
  if (source.insecure) opts.insecure = true;
  if (extra.bearerToken) opts.bearerToken = extra.bearerToken;
  if (extra.connectTimeoutMs !== undefined) opts.connectTimeoutMs = extra.connectTimeoutMs;
  if (extra.readTimeoutMs !== undefined) opts.readTimeoutMs = extra.readTimeoutMs;
  if (extra.maxBytes !== undefined) opts.maxBytes = extra.maxBytes;
  return opts;
}

/** The pprof base URL of an instance, from the `goroscope.fleet.attachUrlTemplate` setting. */
export function attachUrl(template: string, instance: string, labels: Record<string, string>): string {
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => (name === 'instance' ? instance : (labels[name] ?? whole)));
}
