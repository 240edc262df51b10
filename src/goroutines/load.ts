import { decodeProfile, isGzip } from '../pprof/decode';
import { ProfileError } from '../pprof/errors';
import { ProfileTooLargeError, type SizeLimit } from '../pprof/sizeLimit';
import { clusterGoroutines, clusterGoroutineStream } from './cluster';
import type { GoroutineDump, GoroutineSummary, StackFrame, StackRecord } from './model';
import { DumpParseError, looksLikeGoroutineDump, parseGoroutineDump, readGoroutineDump } from './parseDump';
import { looksLikeGoroutineProfileText, parseGoroutineProfileText } from './parseProfileText';

/**
 * Reads goroutines from whatever the user has: a debug=2 dump (or crash output containing one), a
 * debug=1 goroutine or goroutineleak profile, or a debug=0 profile.proto of either (gzipped or not).
 * Throws DumpParseError with one clear message when it is none of them. A gzipped profile unpacks within
 * `limit` (default DEFAULT_MAX_BYTES): a gzip bomb stops there.
 */
export function loadGoroutines(bytes: Uint8Array, limit: SizeLimit = {}): GoroutineDump {
  const input = readInput(bytes, limit);
  return typeof input === 'string' ? parseGoroutineDump(input) : input;
}

/**
 * clusterGoroutines(loadGoroutines(bytes, limit)), except that a debug=2 dump is grouped as it is read:
 * its goroutines are not held (a 100,000-goroutine dump spends less time collecting garbage).
 */
export function loadGoroutineSummary(bytes: Uint8Array, limit: SizeLimit = {}): GoroutineSummary {
  const input = readInput(bytes, limit);
  return typeof input === 'string' ? clusterGoroutineStream((visit) => readGoroutineDump(input, visit)) : clusterGoroutines(input);
}

/** The text of a debug=2 dump, or the goroutines of a profile (debug=1 or debug=0). */
function readInput(bytes: Uint8Array, limit: SizeLimit): string | GoroutineDump {
  if (bytes.length === 0) throw new DumpParseError('empty input: no goroutines (0 bytes)');
  if (isGzip(bytes) || !looksLikeText(bytes)) return fromProfile(bytes, limit);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (looksLikeGoroutineProfileText(text)) return parseGoroutineProfileText(text);
  if (looksLikeGoroutineDump(text)) return text;
  if (/^\s*</.test(text)) throw new DumpParseError('got an HTML page, not a goroutine dump');
  throw new DumpParseError('no goroutine found: expected a goroutine dump (debug=2, runtime.Stack, SIGQUIT or panic output) or a goroutine profile (debug=1 or debug=0)');
}

function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 512);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] ?? 0;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return control <= n / 50;
}

/** A debug=0 goroutine or goroutineleak profile: one record per sample, the count being its value. */
function fromProfile(bytes: Uint8Array, limit: SizeLimit): GoroutineDump {
  let profile;
  try {
    profile = decodeProfile(bytes, limit);
  } catch (err) {
    if (err instanceof ProfileTooLargeError) throw new DumpParseError(err.message);
    if (err instanceof ProfileError) throw new DumpParseError(`not a goroutine dump or profile: ${err.message}`);
    throw err;
  }
  // goroutine/count, or goroutineleak/count (Go 1.26+: the goroutines proved leaked).
  const index = profile.sampleTypes.findIndex((t) => t.type === 'goroutine' || t.type === 'goroutineleak');
  const kind = profile.sampleTypes[index]?.type;
  if (kind !== 'goroutine' && kind !== 'goroutineleak') {
    const types = profile.sampleTypes.map((t) => t.type).join(', ');
    throw new DumpParseError(`this is a ${types || 'pprof'} profile, not a goroutine profile`);
  }
  const records: StackRecord[] = profile.samples.map((s) => {
    const frames: StackFrame[] = s.stack.map((i) => {
      const f = profile.frames[i];
      return { function: f?.name ?? '?', file: f?.file ?? '', line: f?.line ?? 0 };
    });
    let labels: Record<string, string> | null = null;
    if (s.labels) {
      labels = {};
      for (const [k, v] of Object.entries(s.labels)) labels[k] = v.join(',');
    }
    return { count: s.values[index] ?? 0, frames, labels };
  });
  const total = records.reduce((n, r) => n + r.count, 0);
  return { format: 'proto', profile: kind, total, goroutines: [], truncated: false, records };
}
