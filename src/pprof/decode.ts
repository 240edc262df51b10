/**
 * Decodes profile.proto bytes (gzipped or not) into the packed form, and into the model's Profile.
 * Gunzips with node's zlib; the protobuf decoding itself is decodeProto.ts.
 */
import { gunzipSync } from 'node:zlib';
import { decodeUngzipped, isGzip } from './decodeProto';
import { ProfileError } from './errors';
import type { Profile } from './model';
import { unpackProfile, type PackedProfile } from './packed';

export { isGzip } from './decodeProto';

/** Decodes a profile into the model's shape (one object per sample). Throws ProfileError. */
export function decodeProfile(bytes: Uint8Array): Profile {
  return unpackProfile(decodePackedProfile(bytes));
}

/** Decodes a profile into flat arrays: the fast path for large profiles. Throws ProfileError. */
export function decodePackedProfile(bytes: Uint8Array): PackedProfile {
  if (bytes.length === 0) throw new ProfileError('empty input: there is no profile data (0 bytes)');
  return decodeUngzipped(isGzip(bytes) ? gunzip(bytes) : bytes);
}
function gunzip(bytes: Uint8Array): Uint8Array {
  try {
    const out = gunzipSync(bytes, { chunkSize: Math.min(64 << 20, Math.max(64 << 10, bytes.length * 2)) });
    if (out.length === 0) throw new ProfileError('empty input: the gzip data holds no profile (0 bytes once unpacked)');
    return out;
  } catch (err) {
    if (err instanceof ProfileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR') throw new ProfileError('truncated gzip data: the profile is incomplete (was the download cut off?)');
    throw new ProfileError(`corrupt gzip data: ${(err as Error).message}`);
  }
}

