/**
 * Decodes profile.proto bytes (gzipped or not) into the packed form, and into the model's Profile.
 * Gunzips with node's zlib, never past the size limit (sizeLimit.ts): a small gzip bomb stops there,
 * in bounded memory, with one message. The protobuf decoding itself is decodeProto.ts.
 */
import { createGunzip, gunzipSync } from 'node:zlib';
import { gzipSizeHint, isGzip, ProfileDecoder } from './decodeProto';
import { ProfileError } from './errors';
import type { Profile } from './model';
import { unpackProfile, type PackedProfile } from './packed';
import { DEFAULT_MAX_BYTES, ProfileTooLargeError, type SizeLimit } from './sizeLimit';

export { isGzip } from './decodeProto';

/** Decodes a profile into the model's shape (one object per sample). Throws ProfileError. */
export function decodeProfile(bytes: Uint8Array, limit: SizeLimit = {}): Profile {
  return unpackProfile(decodePackedProfile(bytes, limit));
}

/** Decodes a profile into flat arrays: the fast path for large profiles. Throws ProfileError. */
export function decodePackedProfile(bytes: Uint8Array, limit: SizeLimit = {}): PackedProfile {
  const maxBytes = limit.maxBytes ?? DEFAULT_MAX_BYTES;
  if (bytes.length === 0) throw new ProfileError('empty input: there is no profile data (0 bytes)');
  if (!isGzip(bytes)) return decodeWhole(bytes, maxBytes, limit);
  let raw: Uint8Array;
  try {
    // zlib inflates chunk by chunk and stops as soon as the output passes maxOutputLength.
    raw = gunzipSync(bytes, { chunkSize: chunkSize(bytes, maxBytes), maxOutputLength: maxBytes });
  } catch (err) {
    throw gunzipError(err, maxBytes, limit);
  }
  if (raw.length === 0) throw new ProfileError('empty input: the gzip data holds no profile (0 bytes once unpacked)');
  return decodeWhole(raw, maxBytes, limit);
}

/**
 * The same, with the gunzip on libuv's thread pool while this thread decodes what it has inflated so
 * far: on a large profile the inflating costs no time of its own. For workers and the CLI.
 */
export function decodePackedProfileStreamed(bytes: Uint8Array, limit: SizeLimit = {}): Promise<PackedProfile> {
  const maxBytes = limit.maxBytes ?? DEFAULT_MAX_BYTES;
  if (bytes.length === 0 || !isGzip(bytes)) return Promise.resolve().then(() => decodePackedProfile(bytes, limit));
  return new Promise<PackedProfile>((resolve, reject) => {
    const decoder = new ProfileDecoder(gzipSizeHint(bytes), limit);
    const gunzip = createGunzip({ chunkSize: 1 << 20 });
    let inflated = 0;
    let failed = false;
    const fail = (err: unknown): void => {
      if (failed) return;
      failed = true;
      gunzip.destroy();
      reject(err);
    };
    // zlib hands over a chunk before it starts inflating the next: decoding it a microtask later lets
    // the thread pool inflate the next one meanwhile.
    const queue: Uint8Array[] = [];
    const drain = (): void => {
      try {
        for (let chunk = queue.shift(); chunk && !failed; chunk = queue.shift()) decoder.push(chunk);
      } catch (err) {
        fail(err);
      }
    };
    gunzip.on('data', (chunk: Buffer) => {
      if (failed) return;
      inflated += chunk.length;
      if (inflated > maxBytes) {
        fail(new ProfileTooLargeError(maxBytes, 'unpacked', limit.limitName));
        return;
      }
      if (queue.push(chunk) === 1) queueMicrotask(drain);
    });
    gunzip.on('error', (err) => fail(gunzipError(err, maxBytes, limit)));
    gunzip.on('end', () => {
      queueMicrotask(() => {
        drain();
        if (failed) return;
        if (decoder.length === 0) {
          fail(new ProfileError('empty input: the gzip data holds no profile (0 bytes once unpacked)'));
          return;
        }
        try {
          resolve(decoder.finish());
        } catch (err) {
          fail(err);
        }
      });
    });
    gunzip.end(bytes);
  });
}

function decodeWhole(raw: Uint8Array, maxBytes: number, limit: SizeLimit): PackedProfile {
  if (raw.length > maxBytes) throw new ProfileTooLargeError(maxBytes, 'packed', limit.limitName);
  const decoder = new ProfileDecoder(raw.length, limit);
  decoder.push(raw);
  return decoder.finish();
}

/** Output chunks about the size of the whole (one copy less), within reason: a bomb's chunk stays small. */
function chunkSize(bytes: Uint8Array, maxBytes: number): number {
  return Math.min(64 << 20, maxBytes + 1, Math.max(64 << 10, gzipSizeHint(bytes)));
}

function gunzipError(err: unknown, maxBytes: number, limit: SizeLimit): ProfileError {
  if (err instanceof ProfileError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ERR_BUFFER_TOO_LARGE') return new ProfileTooLargeError(maxBytes, 'unpacked', limit.limitName);
  if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test((err as Error).message)) {
    return new ProfileError('truncated gzip data: the profile is incomplete (was the download cut off?)');
  }
  return new ProfileError(`corrupt gzip data: ${(err as Error).message}`);
}
