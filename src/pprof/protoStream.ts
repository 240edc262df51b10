/**
 * Reads profile.proto's top-level fields as the bytes arrive (whole, or chunk by chunk from a streamed
 * gunzip), with the messages there are many of — samples, locations, functions — decoded straight into
 * flat typed arrays: no object, subarray or closure per message. The few others (sample types, mappings)
 * are decoded by pprof-format, the project's protobuf decoder for profiles.
 *
 * Why not pprof-format for all: its decoder builds an object per message, with an object per nested one
 * and an array per number list, through a subarray per field. On a 500,000-sample profile the samples'
 * objects were most of the decode time and garbage (bench/pprof.mjs prints both decoders' times); on a
 * profile of a million functions, the locations' and functions' objects were most of its 1.6 GB
 * (bench/bigProfile.mjs). No Node-only import: report.html's page streams DecompressionStream into it.
 */
import { Mapping as PprofMapping, ValueType as PprofValueType } from 'pprof-format';
import { ProfileError } from './errors';
import { GrowableFloat64, GrowableUint32, type MemoryBudget } from './packed';
import {
  BYTES,
  FIXED32,
  FIXED64,
  fieldLength,
  hashBytes,
  INCOMPLETE,
  invalid,
  readInt64s,
  readUint32s,
  readVarint,
  readVarint64,
  skipField,
  VARINT,
  varintEnd,
} from './protoWire';

/** What the stream holds once read; decodeProto.ts resolves ids and strings into a PackedProfile. */
export interface ProfileParts {
  strings: string[];
  /** A hash of each string's bytes (hashBytes), for finding texts the table holds twice. */
  stringHash: Uint32Array;
  sampleTypes: PprofValueType[];
  mappings: PprofMapping[];
  /** Location i: its id, mapping id and address, and its lines lineFunction/lineNumber[locationLineStart[i] .. [i+1]). */
  locationId: Float64Array;
  locationMapping: Float64Array;
  locationAddress: Float64Array;
  locationLineStart: Uint32Array;
  lineFunction: Float64Array;
  lineNumber: Float64Array;
  /** Function i: its id, and its name's and file's string indices. */
  functionId: Float64Array;
  functionName: Float64Array;
  functionFile: Float64Array;
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

/**
 * push() the uninflated profile.proto bytes in order (any chunking), then finish(). `sizeHint` (the
 * expected total, e.g. from gzip's trailer) only sizes the arrays up front.
 */
export class ProfileProtoStream {
  private readonly strings: string[] = [];
  private readonly stringHash = new GrowableUint32(1 << 10);
  private readonly text = new TextDecoder('utf-8');
  private readonly sampleTypes: PprofValueType[] = [];
  private readonly mappings: PprofMapping[] = [];
  private readonly locationId: GrowableFloat64;
  private readonly locationMapping: GrowableFloat64;
  private readonly locationAddress: GrowableFloat64;
  private readonly locationLineStart: GrowableUint32;
  private readonly lineFunction: GrowableFloat64;
  private readonly lineNumber: GrowableFloat64;
  private readonly functionId: GrowableFloat64;
  private readonly functionName: GrowableFloat64;
  private readonly functionFile: GrowableFloat64;
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
    // A location takes 10 bytes or more, a function 8 or more: sized for a profile of mostly those.
    const locations = Math.max(1 << 10, sizeHint >> 6);
    this.locationId = new GrowableFloat64(locations, budget);
    this.locationMapping = new GrowableFloat64(locations, budget);
    this.locationAddress = new GrowableFloat64(locations, budget);
    this.locationLineStart = new GrowableUint32(locations, budget);
    this.locationLineStart.push(0);
    this.lineFunction = new GrowableFloat64(locations, budget);
    this.lineNumber = new GrowableFloat64(locations, budget);
    this.functionId = new GrowableFloat64(locations >> 1, budget);
    this.functionName = new GrowableFloat64(locations >> 1, budget);
    this.functionFile = new GrowableFloat64(locations >> 1, budget);
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
      stringHash: this.stringHash.toArray(),
      sampleTypes: this.sampleTypes,
      mappings: this.mappings,
      locationId: this.locationId.toArray(),
      locationMapping: this.locationMapping.toArray(),
      locationAddress: this.locationAddress.toArray(),
      locationLineStart: this.locationLineStart.toArray(),
      lineFunction: this.lineFunction.toArray(),
      lineNumber: this.lineNumber.toArray(),
      functionId: this.functionId.toArray(),
      functionName: this.functionName.toArray(),
      functionFile: this.functionFile.toArray(),
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
        this.stringHash.push(hashBytes(buf, begin, end));
        return;
      case 1:
        this.sampleTypes.push(PprofValueType.decode(buf.subarray(begin, end)));
        return;
      case 3:
        this.mappings.push(PprofMapping.decode(buf.subarray(begin, end)));
        return;
      case 4:
        this.location(buf, begin, end);
        return;
      case 5:
        this.function(buf, begin, end);
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

  /** A Location: id, mapping_id, address, its Lines (function_id, line); is_folded is not used. */
  private location(buf: Uint8Array, begin: number, end: number): void {
    let id = 0;
    let mapping = 0;
    let address = 0;
    let i = begin;
    while (i < end) {
      const tag = buf[i] as number;
      if (tag === 0x08 || tag === 0x10 || tag === 0x18) {
        const v = readVarint64(buf, i + 1, end);
        if (v === undefined) throw invalid('a location is cut off');
        i = varintEnd;
        if (tag === 0x08) id = v;
        else if (tag === 0x10) mapping = v;
        else address = v;
      } else if (tag === 0x22) {
        const length = readVarint(buf, i + 1, end);
        if (length === INCOMPLETE || varintEnd + length > end) throw invalid('a location line is cut off');
        i = varintEnd;
        this.line(buf, i, i + length);
        i += length;
      } else {
        i = skipField(buf, i, end);
      }
    }
    this.locationId.push(id);
    this.locationMapping.push(mapping);
    this.locationAddress.push(address);
    this.locationLineStart.push(this.lineFunction.length);
  }

  private line(buf: Uint8Array, begin: number, end: number): void {
    let fn = 0;
    let line = 0;
    for (let i = begin; i < end; ) {
      const tag = buf[i] as number;
      if (tag === 0x08 || tag === 0x10) {
        const v = readVarint64(buf, i + 1, end);
        if (v === undefined) throw invalid('a location line is cut off');
        i = varintEnd;
        if (tag === 0x08) fn = v;
        else line = v;
      } else {
        i = skipField(buf, i, end);
      }
    }
    this.lineFunction.push(fn);
    this.lineNumber.push(line);
  }

  /** A Function: id, name and filename (string indices); system_name and start_line are not used. */
  private function(buf: Uint8Array, begin: number, end: number): void {
    let id = 0;
    let name = 0;
    let file = 0;
    for (let i = begin; i < end; ) {
      const tag = buf[i] as number;
      if (tag === 0x08 || tag === 0x10 || tag === 0x20) {
        const v = readVarint64(buf, i + 1, end);
        if (v === undefined) throw invalid('a function is cut off');
        i = varintEnd;
        if (tag === 0x08) id = v;
        else if (tag === 0x10) name = v;
        else file = v;
      } else {
        i = skipField(buf, i, end);
      }
    }
    this.functionId.push(id);
    this.functionName.push(name);
    this.functionFile.push(file);
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
    this.labelNum.push(num);
  }
}
