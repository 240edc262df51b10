/**
 * Protobuf's wire format, as profile.proto's stream reader (protoStream.ts) needs it: varints (bounded,
 * with an "incomplete" answer for bytes still to come), skipping unknown fields, packed number lists
 * straight into growable typed arrays, and a hash of a field's bytes.
 */
import { ProfileError } from './errors';
import type { GrowableFloat64, GrowableUint32 } from './packed';

export const VARINT = 0;
export const FIXED64 = 1;
export const BYTES = 2;
export const FIXED32 = 5;

/** What the readers answer when a field's bytes are not all there yet (streaming) or ever (truncated). */
export const INCOMPLETE = -1;

/**
 * FNV-1a over bytes, finished as murmur3 does (FNV's low bits alone cluster). The string table's texts
 * are hashed here, where their bytes are at hand: over the decoded strings' characters it took four times as long.
 */
export function hashBytes(buf: Uint8Array, begin: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = begin; i < end; i++) h = Math.imul(h ^ (buf[i] as number), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function invalid(what: string): ProfileError {
  return new ProfileError(`not a pprof profile: the bytes are not valid profile.proto (${what})`);
}

/** Where the varint last read by readVarint/readVarint64 ended (one module-level slot: no object per read). */
export let varintEnd = 0;

/** A varint of at most 32 bits (tags, lengths); INCOMPLETE when buf ends first. Larger ones are invalid here. */
export function readVarint(buf: Uint8Array, at: number, end: number): number {
  let value = 0;
  let shift = 0;
  for (let i = at; i < end; i++) {
    const b = buf[i] as number;
    if (shift === 28) {
      if (b > 0x0f) throw invalid('a length or tag does not fit in 32 bits');
      varintEnd = i + 1;
      return value + b * 2 ** 28;
    }
    value |= (b & 0x7f) << shift;
    if (b < 0x80) {
      varintEnd = i + 1;
      return value >>> 0;
    }
    shift += 7;
  }
  return INCOMPLETE;
}

/** A varint as an int64 (negative when its 64-bit two's complement is), as a Number; undefined when buf ends first. */
export function readVarint64(buf: Uint8Array, at: number, end: number): number | undefined {
  let value = 0;
  let mul = 1;
  for (let i = at; i < end && i - at < 10; i++) {
    const b = buf[i] as number;
    value += (b & 0x7f) * mul;
    mul *= 128;
    if (b < 0x80) {
      varintEnd = i + 1;
      // Beyond 2^53 a Number is already approximate; only an int64's sign needs the exact bits.
      return i - at >= 9 ? Number(BigInt.asIntN(64, bigVarint(buf, at, i + 1))) : value;
    }
  }
  if (end - at >= 10) throw invalid('a varint is longer than 10 bytes');
  return undefined;
}

export function skipField(buf: Uint8Array, at: number, end: number): number {
  const tag = readVarint(buf, at, end);
  if (tag === INCOMPLETE) throw invalid('a field is cut off');
  let i = varintEnd;
  switch (tag & 7) {
    case VARINT:
      if (readVarint64(buf, i, end) === undefined) throw invalid('a field is cut off');
      i = varintEnd;
      break;
    case BYTES: {
      const length = readVarint(buf, i, end);
      if (length === INCOMPLETE) throw invalid('a field is cut off');
      i = varintEnd + length;
      break;
    }
    case FIXED64:
      i += 8;
      break;
    case FIXED32:
      i += 4;
      break;
    default:
      throw invalid(`wire type ${tag & 7}`);
  }
  if (i > end) throw invalid('a field is cut off');
  return i;
}

/** The length of the top-level field starting at buf[at] (tag, length and payload), or INCOMPLETE. */
export function fieldLength(buf: Uint8Array, at: number, end: number): number {
  const tag = readVarint(buf, at, end);
  if (tag === INCOMPLETE) return INCOMPLETE;
  const afterTag = varintEnd;
  switch (tag & 7) {
    case VARINT:
      return readVarint64(buf, afterTag, end) === undefined ? INCOMPLETE : varintEnd - at;
    case BYTES: {
      const length = readVarint(buf, afterTag, end);
      return length === INCOMPLETE ? INCOMPLETE : varintEnd + length - at;
    }
    case FIXED64:
      return afterTag + 8 - at;
    case FIXED32:
      return afterTag + 4 - at;
    default:
      throw invalid(`wire type ${tag & 7} in field ${tag >>> 3}`);
  }
}

/** Packed (or single) unsigned varints: location ids. */
export function readUint32s(buf: Uint8Array, from: number, to: number, out: GrowableUint32): void {
  if (out.length + (to - from) > out.data.length) out.grow(out.length + (to - from));
  const data = out.data;
  let len = out.length;
  let i = from;
  while (i < to) {
    let b = buf[i++] as number;
    let v = b & 0x7f;
    if (b >= 0x80) {
      b = buf[i++] as number;
      v |= (b & 0x7f) << 7;
      if (b >= 0x80) {
        b = buf[i++] as number;
        v |= (b & 0x7f) << 14;
        if (b >= 0x80) {
          b = buf[i++] as number;
          v |= (b & 0x7f) << 21;
          if (b >= 0x80) {
            b = buf[i++] as number;
            v = (v >>> 0) + (b & 0x7f) * 2 ** 28;
            if (b >= 0x80 || v > 0xffffffff) throw new ProfileError('invalid profile: a location id does not fit in 32 bits');
          }
        }
      }
    }
    if (i > to) throw invalid('a location id is cut off');
    data[len++] = v;
  }
  out.length = len;
}

/** Packed (or single) int64 varints: sample values, negative in diff profiles. */
export function readInt64s(buf: Uint8Array, from: number, to: number, out: GrowableFloat64): void {
  if (out.length + (to - from) > out.data.length) out.grow(out.length + (to - from));
  const data = out.data;
  let len = out.length;
  let i = from;
  while (i < to) {
    const start = i;
    let b = buf[i++] as number;
    let v = b & 0x7f;
    if (b >= 0x80) {
      let mul = 128;
      do {
        b = buf[i++] as number;
        v += (b & 0x7f) * mul;
        mul *= 128;
      } while (b >= 0x80 && i < to);
      if (i - start >= 10) v = Number(BigInt.asIntN(64, bigVarint(buf, start, i)));
    }
    data[len++] = v;
  }
  out.length = len;
}

function bigVarint(buf: Uint8Array, start: number, end: number): bigint {
  let v = 0n;
  for (let i = end - 1; i >= start; i--) v = (v << 7n) | BigInt((buf[i] as number) & 0x7f);
  return v;
}
