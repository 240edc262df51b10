/**
 * Decodes ungzipped profile.proto bytes into the packed form. No Node-only imports: the extension's
 * worker and CLI use it through decode.ts (which gunzips with node's zlib), and report.html's page
 * uses it directly (gunzipping with the browser's DecompressionStream).
 *
 * pprof-format frames every message (tags, wire types, lengths). Its stock decoder builds a Sample
 * object with two arrays per sample and slices a subarray per number, which dominates the time on
 * large profiles; here its own `decode` entry points are given hook classes instead, so each sample's
 * packed location ids and values land straight in flat typed arrays and strings are decoded once.
 */
import {
  Function as PprofFunction,
  Label as PprofLabel,
  Location as PprofLocation,
  Mapping as PprofMapping,
  Profile as PprofProfile,
  Sample as PprofSample,
  ValueType as PprofValueType,
  type ProfileInput,
} from 'pprof-format';
import { ProfileError } from './errors';
import type { Frame, SampleType } from './model';
import { GrowableFloat64, GrowableUint32, type FunctionKey, type PackedProfile } from './packed';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decodes profile.proto bytes that are not gzipped. Throws ProfileError (text or HTML where a profile belongs, corrupt data). */
export function decodeUngzipped(bytes: Uint8Array): PackedProfile {
  if (bytes.length === 0) throw new ProfileError('empty input: there is no profile data (0 bytes)');
  // A plain Uint8Array view: subarrays of a Buffer are Buffers, and slower to make by the million.
  const raw = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  rejectText(raw);
  return decodeRaw(raw);
}

type Numeric = number | bigint;
type FieldDecoder = (data: object, field: number, buffer: Uint8Array) => void;

/** Text where protobuf belongs is the usual mistake (an HTML error page, debug=1 or debug=2 output): name it. */
function rejectText(raw: Uint8Array): void {
  const head = new TextDecoder('utf-8', { fatal: false }).decode(raw.subarray(0, 256)).replace(/^\uFEFF/, '');
  const trimmed = head.trimStart();
  if (trimmed.startsWith('<')) {
    throw new ProfileError('got an HTML page, not a profile (is the address a pprof endpoint, and is debug=0?)');
  }
  if (/^(heap|goroutine|threadcreate|block|mutex) profile:|^--- (contention|mutex)/.test(trimmed)) {
    throw new ProfileError('this is a legacy text profile (debug=1); capture it with debug=0 to get profile.proto');
  }
  if (/^goroutine \d+ (gp=\S+ )?(m=\S+ )?(mp=\S+ )?\[/.test(trimmed)) {
    throw new ProfileError('this is a goroutine stack dump (debug=2 text), not a pprof profile');
  }
  if (raw.length >= 4 && isMostlyPrintable(raw.subarray(0, 256))) {
    throw new ProfileError(`got text, not a pprof profile: "${oneLine(trimmed, 40)}"`);
  }
}

/** Protobuf is full of bytes below 0x20; text has almost none (a stray escape sequence at most). */
function isMostlyPrintable(bytes: Uint8Array): boolean {
  let printable = 0;
  for (const b of bytes) if (b >= 0x20 || b === 0x0a || b === 0x0d || b === 0x09) printable++;
  return printable >= bytes.length * 0.95;
}

function oneLine(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function decodeRaw(raw: Uint8Array): PackedProfile {
  const strings: Uint8Array[] = [];
  const sampleTypes: PprofValueType[] = [];
  const mappings: PprofMapping[] = [];
  const locations: PprofLocation[] = [];
  const functions: PprofFunction[] = [];
  // Sized from the input so large profiles rarely grow: every location id and value takes at least
  // a byte, and Go's samples are about a tenth ids by count of bytes or more. Untouched pages cost nothing.
  const stackIds = new GrowableUint32(Math.max(1 << 12, raw.length >> 2));
  const stackStart = new GrowableUint32(Math.max(1 << 10, raw.length >> 6));
  stackStart.push(0);
  const values = new GrowableFloat64(Math.max(1 << 10, raw.length >> 4));
  const labelStart = new GrowableUint32(1 << 12);
  labelStart.push(0);
  const labelKey = new GrowableUint32(1 << 12);
  const labelStr = new GrowableUint32(1 << 12);
  const labelNum = new GrowableFloat64(1 << 12);
  let sampleCount = 0;
  let valuesPerSample = -1;
  let unevenValues = false;
  let scalars: ProfileInput = {};

  const sampleField: FieldDecoder = (_data, field, buffer) => {
    if (field === 1) readUint32s(buffer, stackIds);
    else if (field === 2) readInt64s(buffer, values);
    else if (field === 3) PprofLabel.decode.call(LabelHook as unknown as typeof PprofLabel, buffer);
  };
  const SampleHook = hookClass(sampleField);
  // Labels go straight to flat arrays too (Go's heap profiles carry a `bytes` label on every sample).
  const LabelHook = hookClass(PprofLabel.decodeValue as FieldDecoder, (data) => {
    const label = data as { key?: Numeric; str?: Numeric; num?: Numeric };
    labelKey.push(Number(label.key ?? 0));
    labelStr.push(Number(label.str ?? 0));
    if (labelNum.length === labelNum.data.length) labelNum.grow(labelNum.length + 1);
    labelNum.data[labelNum.length++] = Number(label.num ?? 0);
  });

  const profileField: FieldDecoder = (data, field, buffer) => {
    switch (field) {
      case 1:
        sampleTypes.push(PprofValueType.decode(buffer));
        break;
      case 2: {
        const before = values.length;
        PprofSample.decode.call(SampleHook as unknown as typeof PprofSample, buffer);
        const count = values.length - before;
        if (valuesPerSample === -1) valuesPerSample = count;
        else if (count !== valuesPerSample) unevenValues = true;
        stackStart.push(stackIds.length);
        labelStart.push(labelKey.length);
        sampleCount++;
        break;
      }
      case 3:
        mappings.push(PprofMapping.decode(buffer));
        break;
      case 4:
        locations.push(PprofLocation.decode(buffer));
        break;
      case 5:
        functions.push(PprofFunction.decode(buffer));
        break;
      case 6:
        strings.push(buffer);
        break;
      default:
        PprofProfile.decodeValue(data as ProfileInput, field, buffer);
    }
  };
  const ProfileHook = hookClass(profileField, (data) => (scalars = data as ProfileInput));

  try {
    PprofProfile.decode.call(ProfileHook as unknown as typeof PprofProfile, raw);
  } catch (err) {
    if (err instanceof ProfileError) throw err;
    throw new ProfileError(`not a pprof profile: the bytes are not valid profile.proto (${oneLine((err as Error).message, 80)})`);
  }

  const text = new TextDecoder('utf-8');
  const stringTable = strings.map((b) => text.decode(b));
  if (stringTable.length === 0 || stringTable[0] !== '') {
    throw new ProfileError('not a pprof profile: the bytes are not valid profile.proto (its string table must start with "")');
  }
  const str = (index: Numeric | undefined): string => {
    const i = Number(index ?? 0);
    const s = stringTable[i];
    if (s === undefined) throw new ProfileError(`invalid profile: string index ${i} is out of range (the data may be truncated)`);
    return s;
  };

  const types: SampleType[] = sampleTypes.map((t) => ({ type: str(t.type), unit: str(t.unit) }));
  const nTypes = types.length;
  if (sampleCount > 0 && nTypes === 0) throw new ProfileError('invalid profile: it has samples but no sample types');
  if (unevenValues || (sampleCount > 0 && valuesPerSample !== nTypes)) {
    throw new ProfileError(`invalid profile: samples carry ${valuesPerSample} values for ${nTypes} sample types`);
  }

  // Functions: pprof's default granularity groups frames by function name and file.
  const functionKeys: FunctionKey[] = [];
  const functionKeyIndex = new Map<string, number>();
  const internFunction = (name: string, file: string): number => {
    const key = `${name}\0${file}`;
    let i = functionKeyIndex.get(key);
    if (i === undefined) {
      i = functionKeys.push({ name, file }) - 1;
      functionKeyIndex.set(key, i);
    }
    return i;
  };
  const functionById = new Map<number, number>();
  for (const fn of functions) functionById.set(Number(fn.id), internFunction(str(fn.name), str(fn.filename)));

  const frames: Frame[] = [];
  const frameFunction = new GrowableUint32(1024);
  const frameIndex = new Map<string, number>();
  const internFrame = (fn: number, line: number): number => {
    const key = `${fn}:${line}`;
    let i = frameIndex.get(key);
    if (i === undefined) {
      const f = functionKeys[fn] as FunctionKey;
      i = frames.push({ name: f.name, file: f.file, line }) - 1;
      frameFunction.push(fn);
      frameIndex.set(key, i);
    }
    return i;
  };

  const mappingFile = new Map<number, string>();
  for (const m of mappings) mappingFile.set(Number(m.id), str(m.filename));

  const nLoc = locations.length;
  const locationFrameStart = new Uint32Array(nLoc + 1);
  const locationFrames = new GrowableUint32(nLoc * 2 + 16);
  const locationMappingFile = new Array<string>(nLoc);
  const locationIndex = new Map<number, number>();
  locations.forEach((loc, i) => {
    locationIndex.set(Number(loc.id), i);
    locationMappingFile[i] = mappingFile.get(Number(loc.mappingId)) ?? '';
    if (loc.line.length === 0) {
      locationFrames.push(internFrame(internFunction(`0x${Number(loc.address).toString(16)}`, ''), 0));
    }
    for (const line of loc.line) {
      const fn = functionById.get(Number(line.functionId));
      const frameFn = fn ?? internFunction(`0x${Number(loc.address).toString(16)}`, '');
      locationFrames.push(internFrame(frameFn, Number(line.line)));
    }
    locationFrameStart[i + 1] = locationFrames.length;
  });

  // Location ids are arbitrary uint64s; Go numbers them 1..n, so a dense table is the usual case.
  const stackLocations = stackIds.toArray();
  let maxId = 0;
  for (const id of locationIndex.keys()) if (id > maxId) maxId = id;
  if (maxId < 4 * nLoc + 1024) {
    const table = new Int32Array(maxId + 1).fill(-1);
    for (const [id, i] of locationIndex) table[id] = i;
    for (let k = 0; k < stackLocations.length; k++) {
      const id = stackLocations[k] as number;
      const i = id <= maxId ? (table[id] as number) : -1;
      if (i < 0) throw new ProfileError(`invalid profile: a sample refers to location ${id}, which the profile does not define`);
      stackLocations[k] = i;
    }
  } else {
    for (let k = 0; k < stackLocations.length; k++) {
      const i = locationIndex.get(stackLocations[k] as number);
      if (i === undefined) throw new ProfileError(`invalid profile: a sample refers to location ${stackLocations[k]}, which the profile does not define`);
      stackLocations[k] = i;
    }
  }

  const keys = labelKey.toArray();
  const strs = labelStr.toArray();
  for (let i = 0; i < keys.length; i++) {
    str(keys[i]);
    str(strs[i]);
  }

  const defaultName = scalars.defaultSampleType === undefined ? '' : str(scalars.defaultSampleType);
  const named = defaultName === '' ? -1 : types.findIndex((t) => t.type === defaultName);
  const periodType = scalars.periodType ? { type: str(scalars.periodType.type), unit: str(scalars.periodType.unit) } : null;

  return {
    sampleTypes: types,
    defaultSampleIndex: named >= 0 ? named : Math.max(0, nTypes - 1),
    periodType,
    period: Number(scalars.period ?? 0),
    timeNanos: Number(scalars.timeNanos ?? 0),
    durationNanos: Number(scalars.durationNanos ?? 0),
    comments: (scalars.comment ?? []).map(str),
    dropFrames: str(scalars.dropFrames),
    keepFrames: str(scalars.keepFrames),
    frames,
    frameFunction: frameFunction.toArray(),
    functions: functionKeys,
    locationFrameStart,
    locationFrames: locationFrames.toArray(),
    locationMappingFile,
    sampleCount,
    stackStart: stackStart.toArray(),
    stackLocations,
    values: values.toArray(),
    labelStart: labelStart.toArray(),
    labelKey: keys,
    labelStr: strs,
    labelNum: labelNum.toArray(),
    labelStrings: stringTable,
  };
}

/**
 * A class whose static `decode` (borrowed from a pprof-format message class) hands each field to
 * `onField` instead of collecting it, and whose instance is nothing: no object per sample.
 */
function hookClass(onField: FieldDecoder, onDone?: (data: object) => void): new (data: object) => object {
  return class {
    static decodeValue = onField;
    constructor(data: object) {
      onDone?.(data);
    }
  };
}

/** Packed (or single) unsigned varints: location ids. */
function readUint32s(buf: Uint8Array, out: GrowableUint32): void {
  const n = buf.length;
  if (out.length + n > out.data.length) out.grow(out.length + n);
  const data = out.data;
  let len = out.length;
  let i = 0;
  while (i < n) {
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
    data[len++] = v;
  }
  out.length = len;
}

/** Packed (or single) int64 varints: sample values, negative in diff profiles. */
function readInt64s(buf: Uint8Array, out: GrowableFloat64): void {
  const n = buf.length;
  if (out.length + n > out.data.length) out.grow(out.length + n);
  const data = out.data;
  let len = out.length;
  let i = 0;
  while (i < n) {
    const start = i;
    let b = buf[i++] as number;
    let v = b & 0x7f;
    if (b >= 0x80) {
      let mul = 128;
      do {
        b = buf[i++] as number;
        v += (b & 0x7f) * mul;
        mul *= 128;
      } while (b >= 0x80 && i < n);
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
