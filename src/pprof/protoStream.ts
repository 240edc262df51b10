/**
 * Reads profile.proto's top-level fields as the bytes arrive (whole, or chunk by chunk from a streamed
 * gunzip), with the samples — nearly all of a large profile's bytes — decoded straight into flat typed
 * arrays: no object, subarray or closure per sample. The small messages (sample types, mappings,
 * locations, functions) are decoded by pprof-format, the project's protobuf decoder for profiles.
 *
 * Why not pprof-format for the samples too: its decoder builds a Sample object holding a Label object
 * per label and an array per number list, through a subarray per field; on a 500,000-sample profile that
 * was most of the decode time and most of its garbage (bench/pprof.mjs prints both decoders' times).
 * No Node-only import: report.html's page streams the browser's DecompressionStream into it.
 */
import { Function as PprofFunction, Location as PprofLocation, Mapping as PprofMapping, ValueType as PprofValueType } from 'pprof-format';
import { ProfileError } from './errors';
import { GrowableFloat64, GrowableUint32, type MemoryBudget } from './packed';

/** What the stream holds once read; decodeProto.ts resolves ids and strings into a PackedProfile. */
export interface ProfileParts {
  strings: string[];
  sampleTypes: PprofValueType[];
  mappings: PprofMapping[];
  locations: PprofLocation[];
  functions: PprofFunction[];
  sampleCount: number;
  /** Values each sample carried (-1: no samples); `unevenValues` when they differ. */
  valuesPerSample: number;
  unevenValues: boolean;
  /** Location ids (as in the file) of sample s: stackIds[stackStart[s] .. stackStart[s+1]). */
  stackIds: Uint32Array;
  stackStart: Uint32Array;
  values: Float64Array;
  labelStart: Uint32Array;
  labelKey: Uint32Array;
  labelStr: Uint32Array;
  labelNum: Float64Array;
  dropFrames: number;
  keepFrames: number;
  timeNanos: number;
  durationNanos: number;
  periodType: PprofValueType | undefined;
  period: number;
  comments: number[];
  defaultSampleType: number;
}

const VARINT = 0;
const FIXED64 = 1;
const BYTES = 2;
const FIXED32 = 5;

/** Thrown inside the reader when a field's bytes are not all there yet (streaming) or ever (truncated). */
const INCOMPLETE = -1;

/**
 * push() the uninflated profile.proto bytes in order (any chunking), then finish(). `sizeHint` (the
 * expected total, e.g. from gzip's trailer) only sizes the arrays up front.
 */
export class ProfileProtoStream {
  private readonly strings: string[] = [];
  private readonly text = new TextDecoder('utf-8');
  private readonly sampleTypes: PprofValueType[] = [];
  private readonly mappings: PprofMapping[] = [];
  private readonly locations: PprofLocation[] = [];
  private readonly functions: PprofFunction[] = [];
  private readonly stackIds: GrowableUint32;
  private readonly stackStart: GrowableUint32;
  private readonly values: GrowableFloat64;
  private readonly labelStart: GrowableUint32;
  private readonly labelKey: GrowableUint32;
  private readonly labelStr: GrowableUint32;
  private readonly labelNum: GrowableFloat64;
  private sampleCount = 0;
  private valuesPerSample = -1;
  private unevenValues = false;
  private scalars = { dropFrames: 0, keepFrames: 0, timeNanos: 0, durationNanos: 0, period: 0, defaultSampleType: 0 };
  private periodType: PprofValueType | undefined;
  private readonly comments: number[] = [];
  /** Bytes of a field that straddles two pushes. */
  private carry = new Uint8Array(0);
  private carryLength = 0;
  private received = 0;

  /**
   * `budget` bounds the arrays the samples fill (a stream of tiny samples costs them 4 bytes per byte:
   * without it, a gzip bomb just under the size limit could still take several times the limit).
   */
  constructor(sizeHint = 0, budget?: MemoryBudget) {
    // Sized so a large profile rarely grows: every location id and value takes at least a byte, and Go's
    // samples are about a tenth ids by count of bytes or more. Untouched pages cost nothing.
    this.stackIds = new GrowableUint32(Math.max(1 << 12, sizeHint >> 2), budget);
    this.stackStart = new GrowableUint32(Math.max(1 << 10, sizeHint >> 6), budget);
    this.values = new GrowableFloat64(Math.max(1 << 10, sizeHint >> 4), budget);
    this.labelStart = new GrowableUint32(1 << 12, budget);
    this.labelKey = new GrowableUint32(1 << 12, budget);
    this.labelStr = new GrowableUint32(1 << 12, budget);
    this.labelNum = new GrowableFloat64(1 << 12, budget);
    this.stackStart.push(0);
    this.labelStart.push(0);
  }

  /** Bytes pushed so far. */
  get length(): number {
    return this.received;
  }

  push(chunk: Uint8Array): void {
    this.received += chunk.length;
    let offset = 0;
    while (this.carryLength > 0 && offset < chunk.length) offset = this.completeCarried(chunk, offset);
    if (offset >= chunk.length) return;
    const end = this.readFields(chunk, offset, chunk.length);
    if (end < chunk.length) this.keep(chunk, end, chunk.length);
  }

  finish(): ProfileParts {
    if (this.carryLength > 0) {
      throw new ProfileError('invalid profile: the data ends inside a field (the profile is truncated)');
    }
    return {
      strings: this.strings,
      sampleTypes: this.sampleTypes,
      mappings: this.mappings,
      locations: this.locations,
      functions: this.functions,
      sampleCount: this.sampleCount,
      valuesPerSample: this.valuesPerSample,
      unevenValues: this.unevenValues,
      stackIds: this.stackIds.toArray(),
      stackStart: this.stackStart.toArray(),
      values: this.values.toArray(),
      labelStart: this.labelStart.toArray(),
      labelKey: this.labelKey.toArray(),
      labelStr: this.labelStr.toArray(),
      labelNum: this.labelNum.toArray(),
      ...this.scalars,
      periodType: this.periodType,
      comments: this.comments,
    };
  }

  /** Appends chunk bytes to the carried field until it is whole, then reads it; returns where the chunk continues. */
  private completeCarried(chunk: Uint8Array, offset: number): number {
    // Enough to read the field's header (tag and length are at most 20 bytes), or its rest once known.
    const header = fieldLength(this.carry, 0, this.carryLength);
    const want = header === INCOMPLETE ? 20 : header - this.carryLength;
    const take = Math.min(want, chunk.length - offset);
    this.keep(chunk, offset, offset + take);
    const total = header === INCOMPLETE ? fieldLength(this.carry, 0, this.carryLength) : header;
    if (total === INCOMPLETE || total > this.carryLength) return offset + take;
    // The carry now holds the whole field, and perhaps the start of the next one (from the header read).
    const overshoot = this.carryLength - total;
    this.carryLength = 0;
    this.readFields(this.carry, 0, total);
    return offset + take - overshoot;
  }

  private keep(bytes: Uint8Array, from: number, to: number): void {
    const need = this.carryLength + (to - from);
    if (need > this.carry.length) {
      const bigger = new Uint8Array(Math.max(need, this.carry.length * 2, 256));
      bigger.set(this.carry.subarray(0, this.carryLength));
      this.carry = bigger;
    }
    this.carry.set(bytes.subarray(from, to), this.carryLength);
    this.carryLength = need;
  }

  /** Reads whole top-level fields of buf[from, to); returns where the first incomplete one starts. */
  private readFields(buf: Uint8Array, from: number, to: number): number {
    let i = from;
    while (i < to) {
      const start = i;
      const tag = readVarint(buf, i, to);
      if (tag === INCOMPLETE) return start;
      i = varintEnd;
      const field = tag >>> 3;
      const wire = tag & 7;
      if (field === 0) throw invalid('field number 0');
      if (wire === BYTES) {
        const length = readVarint(buf, i, to);
        if (length === INCOMPLETE) return start;
        const begin = varintEnd;
        const end = begin + length;
        if (end > to) return start;
        this.lengthDelimited(field, buf, begin, end);
        i = end;
      } else if (wire === VARINT) {
        const value = readVarint64(buf, i, to);
        if (value === undefined) return start;
        this.scalar(field, value);
        i = varintEnd;
      } else if (wire === FIXED64 || wire === FIXED32) {
        const end = i + (wire === FIXED64 ? 8 : 4);
        if (end > to) return start;
        i = end; // no fixed-width field in profile.proto: an unknown field, skipped as protobuf says
      } else {
        throw new ProfileError(`not a pprof profile: the bytes are not valid profile.proto (wire type ${wire} in field ${field})`);
      }
    }
    return i;
  }

  private lengthDelimited(field: number, buf: Uint8Array, begin: number, end: number): void {
    switch (field) {
      case 2:
        this.sample(buf, begin, end);
        return;
      case 6:
        this.strings.push(this.text.decode(buf.subarray(begin, end)));
        return;
      case 1:
        this.sampleTypes.push(PprofValueType.decode(buf.subarray(begin, end)));
        return;
      case 3:
        this.mappings.push(PprofMapping.decode(buf.subarray(begin, end)));
        return;
      case 4:
        this.locations.push(PprofLocation.decode(buf.subarray(begin, end)));
        return;
      case 5:
        this.functions.push(PprofFunction.decode(buf.subarray(begin, end)));
        return;
      case 11:
        this.periodType = PprofValueType.decode(buf.subarray(begin, end));
        return;
      case 13: // comments, packed
        for (let i = begin; i < end; ) {
          const v = readVarint64(buf, i, end);
          if (v === undefined) throw invalid('a comment index is cut off');
          this.comments.push(v);
          i = varintEnd;
        }
        return;
      default:
        // An unknown field (a newer profile.proto): skipped, as protobuf readers do.
        return;
    }
  }

  private scalar(field: number, value: number): void {
    switch (field) {
      case 7:
        this.scalars.dropFrames = value;
        break;
      case 8:
        this.scalars.keepFrames = value;
        break;
      case 9:
        this.scalars.timeNanos = value;
        break;
      case 10:
        this.scalars.durationNanos = value;
        break;
      case 12:
        this.scalars.period = value;
        break;
      case 13:
        this.comments.push(value);
        break;
      case 14:
        this.scalars.defaultSampleType = value;
        break;
      default:
        break;
    }
  }

  /** One Sample message: location ids (packed or not), values (packed or not), labels. */
  private sample(buf: Uint8Array, begin: number, end: number): void {
    const valuesBefore = this.values.length;
    let i = begin;
    while (i < end) {
      const tag = buf[i++] as number;
      if (tag === 0x0a || tag === 0x12) {
        // Field 1 or 2, packed: a length, then varints.
        const length = readVarint(buf, i, end);
        if (length === INCOMPLETE || varintEnd + length > end) throw invalid('a sample is cut off');
        i = varintEnd;
        if (tag === 0x0a) readUint32s(buf, i, i + length, this.stackIds);
        else readInt64s(buf, i, i + length, this.values);
        i += length;
      } else if (tag === 0x08 || tag === 0x10) {
        // Field 1 or 2, one unpacked varint.
        const at = i;
        if (readVarint64(buf, i, end) === undefined) throw invalid('a sample is cut off');
        i = varintEnd;
        if (tag === 0x08) readUint32s(buf, at, i, this.stackIds);
        else readInt64s(buf, at, i, this.values);
      } else if (tag === 0x1a) {
        const length = readVarint(buf, i, end);
        if (length === INCOMPLETE || varintEnd + length > end) throw invalid('a sample label is cut off');
        i = varintEnd;
        this.label(buf, i, i + length);
        i += length;
      } else {
        // Another field of Sample: skip it by its wire type.
        i = skipField(buf, i - 1, end);
      }
    }
    const count = this.values.length - valuesBefore;
    // A sample without values is never valid (decodeProto.ts would refuse it at the end): refusing it now
    // keeps a stream of empty samples, the cheapest gzip bomb there is, from filling the arrays first.
    if (count === 0) throw new ProfileError('invalid profile: a sample carries no values');
    if (this.valuesPerSample === -1) this.valuesPerSample = count;
    else if (count !== this.valuesPerSample) this.unevenValues = true;
    this.stackStart.push(this.stackIds.length);
    this.labelStart.push(this.labelKey.length);
    this.sampleCount++;
  }

  /** A Label: key, str, num (num_unit is not used). */
  private label(buf: Uint8Array, begin: number, end: number): void {
    let key = 0;
    let str = 0;
    let num = 0;
    let i = begin;
    while (i < end) {
      const tag = buf[i] as number;
      if (tag === 0x08 || tag === 0x10 || tag === 0x18 || tag === 0x20) {
        const v = readVarint64(buf, i + 1, end);
        if (v === undefined) throw invalid('a sample label is cut off');
        i = varintEnd;
        if (tag === 0x08) key = v;
        else if (tag === 0x10) str = v;
        else if (tag === 0x18) num = v;
      } else {
        i = skipField(buf, i, end);
      }
    }
    this.labelKey.push(key);
    this.labelStr.push(str);
    if (this.labelNum.length === this.labelNum.data.length) this.labelNum.grow(this.labelNum.length + 1);
    this.labelNum.data[this.labelNum.length++] = num;
  }
}

function invalid(what: string): ProfileError {
  return new ProfileError(`not a pprof profile: the bytes are not valid profile.proto (${what})`);
}

/** Where the varint last read by readVarint/readVarint64 ended (one module-level slot: no object per read). */
let varintEnd = 0;

/** A varint of at most 32 bits (tags, lengths); INCOMPLETE when buf ends first. Larger ones are invalid here. */
function readVarint(buf: Uint8Array, at: number, end: number): number {
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
function readVarint64(buf: Uint8Array, at: number, end: number): number | undefined {
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

function skipField(buf: Uint8Array, at: number, end: number): number {
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
function fieldLength(buf: Uint8Array, at: number, end: number): number {
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
function readUint32s(buf: Uint8Array, from: number, to: number, out: GrowableUint32): void {
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
function readInt64s(buf: Uint8Array, from: number, to: number, out: GrowableFloat64): void {
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
