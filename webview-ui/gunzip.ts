/**
 * Gunzip in report.html's page with the browser's own DecompressionStream (no request leaves the page:
 * the stream is built from memory), chunk by chunk, stopping at the size limit: a gzip bomb in a report
 * costs the page the limit's worth of work, not its memory.
 *
 * A gzip file may hold several members one after the other (RFC 1952 §2.2; `cat a.gz b.gz`), which Go's
 * gzip reader, and so pprof, read as one stream. Chromium's DecompressionStream ends with the first
 * member and calls what follows junk, without saying where the member ended, and drops the output it
 * had not handed over yet. So when the stream stops early, the member's end is found — the first place
 * where gzip's magic follows and the bytes before it inflate cleanly as one member — and the member is
 * inflated again from there, handing on what the first pass had not. Files of one member (all of Go's)
 * are inflated once.
 */
import { ProfileError } from '../src/pprof/errors';
import { ProfileTooLargeError } from '../src/pprof/sizeLimit';

/** A gzip member: 10 bytes of header, at least 2 of deflate data, 8 of trailer. */
const MIN_MEMBER_BYTES = 20;

/** Gunzips every member of `bytes` in order into `sink`; returns the unpacked length. Throws ProfileError. */
export async function gunzipMembers(bytes: Uint8Array<ArrayBuffer>, maxBytes: number, sink: (chunk: Uint8Array) => void): Promise<number> {
  let unpacked = 0;
  const take = (chunk: Uint8Array): void => {
    unpacked += chunk.length;
    if (unpacked > maxBytes) throw new ProfileTooLargeError(maxBytes, 'unpacked');
    sink(chunk);
  };
  for (let at = 0; at < bytes.length; ) {
    const rest = bytes.subarray(at);
    const before = unpacked;
    if (await inflate(rest, take)) break;
    // Another member follows, or the data is corrupt. What came out so far is the member's beginning.
    const end = await memberEnd(rest, maxBytes);
    if (end < 0) throw new ProfileError('truncated or corrupt gzip data: the embedded profile is incomplete');
    let handedOn = unpacked - before;
    const whole = await inflate(rest.subarray(0, end), (chunk) => {
      const skip = Math.min(handedOn, chunk.length);
      handedOn -= skip;
      if (skip < chunk.length) take(chunk.subarray(skip));
    });
    if (!whole) throw new ProfileError('truncated or corrupt gzip data: the embedded profile is incomplete');
    at += end;
  }
  return unpacked;
}

/**
 * Inflates the gzip data at the start of `bytes` into `sink`: true when it was all one member, false
 * when the stream stopped with an error (a member that others follow, or corrupt data).
 */
async function inflate(bytes: Uint8Array<ArrayBuffer>, sink: (chunk: Uint8Array) => void): Promise<boolean> {
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      return false;
    }
    if (chunk.done) return true;
    try {
      sink(chunk.value);
    } catch (err) {
      void reader.cancel();
      throw err;
    }
  }
}

/**
 * The length of the gzip member at the start of `bytes`: the first offset where gzip's magic, deflate
 * method and a valid flags byte start, before which the bytes inflate as one whole member (within the
 * size limit); -1 for none (the data is truncated or corrupt).
 */
async function memberEnd(bytes: Uint8Array<ArrayBuffer>, maxBytes: number): Promise<number> {
  for (let k = MIN_MEMBER_BYTES; k + MIN_MEMBER_BYTES <= bytes.length; k++) {
    if (bytes[k] !== 0x1f || bytes[k + 1] !== 0x8b || bytes[k + 2] !== 8 || ((bytes[k + 3] as number) & 0xe0) !== 0) continue;
    let length = 0;
    const whole = await inflate(bytes.subarray(0, k), (chunk) => {
      length += chunk.length;
      if (length > maxBytes) throw new ProfileTooLargeError(maxBytes, 'unpacked');
    });
    if (whole) return k;
  }
  return -1;
}
