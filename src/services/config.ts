/**
 * A Go service Goroscope attaches to: its pprof base URL and how to talk to it. Services come from the
 * `goroscope.services` setting (untrusted JSON) or from the Attach command; the bearer token is never part
 * of this (the extension keeps it in SecretStorage and passes it per call).
 */
import { EndpointError, parsePprofUrl } from '../pprof/endpoints';
import type { FetchOptions } from '../pprof/fetch';

export interface ServiceConfig {
  /** Shown in the tree view and the status bar; unique among services. */
  name: string;
  /** The pprof base URL, normalised to end in `/` (`http://127.0.0.1:6060/debug/pprof/`). */
  url: string;
  /** Extra request headers (an API gateway's key, a tenant header…). */
  headers?: Record<string, string>;
  /** Accept a self-signed certificate for this service. */
  insecure?: boolean;
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
  maxBytes?: number;
}

/** The transport options for a request to this service; the token comes from the caller's secret store. */
export function fetchOptionsFor(service: ServiceConfig, extra: { bearerToken?: string; signal?: AbortSignal } = {}): FetchOptions {
  const opts: FetchOptions = {};
  if (service.headers) opts.headers = service.headers;
  if (service.insecure) opts.insecure = true;
  if (service.connectTimeoutMs !== undefined) opts.connectTimeoutMs = service.connectTimeoutMs;
  if (service.readTimeoutMs !== undefined) opts.readTimeoutMs = service.readTimeoutMs;
  if (service.maxBytes !== undefined) opts.maxBytes = service.maxBytes;
  if (extra.bearerToken) opts.bearerToken = extra.bearerToken;
  if (extra.signal) opts.signal = extra.signal;
  return opts;
}

/** A service's name when the user gave none: the host and port of its URL. */
export function defaultServiceName(url: string): string {
  const parsed = new URL(parsePprofUrl(url).base);
  return parsed.host;
}

export type ParsedServices = { services: ServiceConfig[]; problems: string[] };

/**
 * Read the `goroscope.services` setting: keep every well-formed entry, and say precisely what is wrong
 * with the others (one message each) instead of failing the whole list.
 */
export function parseServicesSetting(raw: unknown): ParsedServices {
  const services: ServiceConfig[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { services, problems };
  if (!Array.isArray(raw)) return { services, problems: ['goroscope.services must be a list of {name, url} objects'] };
  const names = new Set<string>();
  raw.forEach((entry, i) => {
    const where = `goroscope.services[${i}]`;
    const result = parseServiceEntry(entry, where);
    if (typeof result === 'string') {
      problems.push(result);
      return;
    }
    if (names.has(result.name)) {
      problems.push(`${where}: the name "${result.name}" is used twice; the first one is kept`);
      return;
    }
    names.add(result.name);
    services.push(result);
  });
  return { services, problems };
}

function parseServiceEntry(entry: unknown, where: string): ServiceConfig | string {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return `${where}: expected an object with name and url`;
  const e = entry as Record<string, unknown>;
  if (typeof e.url !== 'string' || !e.url.trim()) return `${where}: url is missing`;
  let base: string;
  try {
    base = parsePprofUrl(e.url).base;
  } catch (err) {
    return `${where}: ${err instanceof EndpointError ? err.message : String(err)}`;
  }
  const service: ServiceConfig = { name: '', url: base };
  if (e.name !== undefined && typeof e.name !== 'string') return `${where}: name must be a string`;
  service.name = typeof e.name === 'string' && e.name.trim() ? e.name.trim() : defaultServiceName(base);
  if (e.headers !== undefined) {
    if (typeof e.headers !== 'object' || e.headers === null || Array.isArray(e.headers)) return `${where}: headers must be an object of strings`;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(e.headers as Record<string, unknown>)) {
      if (typeof v !== 'string') return `${where}: header ${JSON.stringify(k)} must be a string`;
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) return `${where}: ${JSON.stringify(k)} is not a valid header name`;
      if (/[\r\n]/.test(v)) return `${where}: header ${JSON.stringify(k)} contains a line break`;
      if (k.toLowerCase() === 'authorization') return `${where}: an Authorization header does not belong in settings files: Goroscope keeps bearer tokens in VS Code's secret storage`;
      headers[k] = v;
    }
    service.headers = headers;
  }
  if (e.insecure !== undefined) {
    if (typeof e.insecure !== 'boolean') return `${where}: insecure must be true or false`;
    service.insecure = e.insecure;
  }
  for (const key of ['connectTimeoutMs', 'readTimeoutMs', 'maxBytes'] as const) {
    const v = e[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) return `${where}: ${key} must be a positive number`;
    service[key] = v;
  }
  return service;
}
