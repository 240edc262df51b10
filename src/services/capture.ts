/**
 * Capturing a profile from a service into the snapshot store: build the URL, fetch with the service's
 * transport options, check that the bytes are a profile, then store them. Nothing is written unless the
 * whole profile arrived, so a failed capture leaves the stored snapshots as they were.
 */
import { DEFAULT_CPU_SECONDS, endpointFor, profileUrl } from '../pprof/endpoints';
import { fetchProfile, redact } from '../pprof/fetch';
import { fetchOptionsFor, type ServiceConfig } from './config';
import type { Snapshot, SnapshotStore } from './snapshotStore';

export interface CaptureOptions {
  store: SnapshotStore;
  /** CPU: duration (default 30). Delta-capable kinds: capture the difference over this many seconds. */
  seconds?: number;
  /** Heap: collect garbage first. */
  gc?: boolean;
  /** The sample type the user chose (heap: inuse/alloc × space/objects); stored as the snapshot's hint. */
  sampleIndex?: string;
  /** From the extension's secret storage. */
  bearerToken?: string;
  signal?: AbortSignal;
  /** Clock, for the snapshot's takenAt. */
  now?: () => number;
}

export class CaptureError extends Error {
  override readonly name = 'CaptureError';
}

export async function capture(service: ServiceConfig, kind: string, opts: CaptureOptions): Promise<Snapshot> {
  const now = opts.now ?? Date.now;
  const isCpu = endpointFor(kind) === 'profile';
  const seconds = isCpu ? (opts.seconds ?? DEFAULT_CPU_SECONDS) : opts.seconds;
  const urlOpts: { seconds?: number; gc?: boolean } = {};
  if (seconds !== undefined) urlOpts.seconds = seconds;
  if (opts.gc) urlOpts.gc = true;
  const url = profileUrl(service.url, kind, urlOpts);
  const fetchOpts = fetchOptionsFor(service, pick(opts));
  // The server answers only after the capture window: wait for it on top of the read timeout.
  if (seconds !== undefined) fetchOpts.waitMs = seconds * 1000;
  const takenAt = now();
  const bytes = await fetchProfile(url, fetchOpts);
  checkLooksLikeProfile(bytes, url);
  const meta: Parameters<SnapshotStore['add']>[0] = { serviceName: service.name, kind, takenAt, url: redact(url) };
  if (seconds !== undefined) meta.seconds = seconds;
  if (opts.sampleIndex) meta.sampleIndexHint = opts.sampleIndex;
  return opts.store.add(meta, bytes);
}

function pick(opts: CaptureOptions): { bearerToken?: string; signal?: AbortSignal } {
  const out: { bearerToken?: string; signal?: AbortSignal } = {};
  if (opts.bearerToken) out.bearerToken = opts.bearerToken;
  if (opts.signal) out.signal = opts.signal;
  return out;
}

/**
 * A cheap check before storing: Go serves debug=0 profiles gzipped; a raw profile.proto starts with a
 * protobuf field key. Text (a debug=1 page, an error message sent with status 200) is neither.
 * The full decode happens later, in a worker.
 */
export function checkLooksLikeProfile(bytes: Uint8Array, url: string): void {
  if (bytes.byteLength === 0) throw new CaptureError(`${redact(url)}: the server sent an empty response, not a profile`);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return;
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 80)).toString('utf8');
  if (/^[\t\n\r\x20-\x7e]*$/.test(head)) {
    const line = head.split(/\r?\n/, 1)[0] ?? '';
    throw new CaptureError(`${redact(url)}: the server sent text, not a profile (it starts with ${JSON.stringify(line.slice(0, 60))})`);
  }
  const key = bytes[0] ?? 0;
  const field = key >> 3;
  const wire = key & 7;
  // profile.proto fields are 1..14; wire types 0 (varint) and 2 (length-delimited) are the ones it uses.
  if (field < 1 || field > 14 || (wire !== 0 && wire !== 2)) {
    throw new CaptureError(`${redact(url)}: the response is neither gzip nor a profile.proto message`);
  }
}
