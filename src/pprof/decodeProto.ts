/**
 * Decodes ungzipped profile.proto bytes into the packed form, whole or as they arrive (ProfileDecoder:
 * a streamed gunzip feeds it chunk by chunk). No Node-only imports: the extension's worker and CLI use
 * it through decode.ts (which gunzips with node's zlib), and report.html's page uses it directly
 * (gunzipping with the browser's DecompressionStream). protoStream.ts reads the protobuf.
 */
import { ProfileError } from './errors';
import type { Frame, SampleType } from './model';
import { GrowableUint32, MemoryBudget, type FunctionKey, type PackedProfile } from './packed';
import { DEFAULT_MAX_BYTES, ProfileTooLargeError, type SizeLimit } from './sizeLimit';
import type { Location as PprofLocation } from 'pprof-format';
import { ProfileProtoStream, type ProfileParts } from './protoStream';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** gzip's trailer says the unpacked size (modulo 4 GiB, of the last member): a hint for sizing, never trusted. */
export function gzipSizeHint(bytes: Uint8Array): number {
  if (bytes.length < 18) return 0;
  const n = bytes.length;
  return ((bytes[n - 4] as number) | ((bytes[n - 3] as number) << 8) | ((bytes[n - 2] as number) << 16) | ((bytes[n - 1] as number) << 24)) >>> 0;
}

/** Decodes profile.proto bytes that are not gzipped. Throws ProfileError (text or HTML where a profile belongs, corrupt data). */
export function decodeUngzipped(bytes: Uint8Array, limit?: SizeLimit): PackedProfile {
  const decoder = new ProfileDecoder(bytes.length, limit);
  decoder.push(bytes);
  return decoder.finish();
}

/** The decoded arrays' budget, per byte of the size limit (plus a mebibyte for their smallest sizes). */
const DECODED_PER_UNPACKED_BYTE = 2;

/** Bytes looked at to tell text (an HTML page, debug=1 or debug=2 output) from protobuf. */
const HEAD_BYTES = 256;

/**
 * A profile decoded as its ungzipped bytes arrive: push() them in order (any chunking), then finish().
 * Every error is a ProfileError. `sizeHint`, the expected length when known, sizes the arrays up front.
 */
export class ProfileDecoder {
  private readonly stream: ProfileProtoStream;
  /** The first bytes, held until there are enough to tell text from protobuf. */
  private head: Uint8Array | null = new Uint8Array(0);

  /**
   * With `limit`, the samples' arrays may take at most twice its maxBytes (a Go profile's take about 1.5
   * times its unpacked size): past that, a ProfileTooLargeError.
   */
  constructor(sizeHint = 0, limit?: SizeLimit) {
    const maxBytes = limit?.maxBytes ?? DEFAULT_MAX_BYTES;
    const budget = new MemoryBudget(DECODED_PER_UNPACKED_BYTE * maxBytes + (1 << 20), () => new ProfileTooLargeError(maxBytes, 'decoded', limit?.limitName));
    this.stream = new ProfileProtoStream(Math.min(sizeHint, maxBytes), budget);
  }

  /** Bytes received so far. */
  get length(): number {
    return this.stream.length + (this.head?.length ?? 0);
  }

  push(chunk: Uint8Array): void {
    // A plain Uint8Array view: subarrays of a Buffer are Buffers, and slower to make.
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.head) {
      const head = this.head.length === 0 ? bytes : concat(this.head, bytes);
      if (head.length < HEAD_BYTES) {
        this.head = head === bytes ? bytes.slice() : head;
        return;
      }
      this.head = null;
      rejectText(head);
      this.read(() => this.stream.push(head));
      return;
    }
    this.read(() => this.stream.push(bytes));
  }

  finish(): PackedProfile {
    if (this.head) {
      const head = this.head;
      this.head = null;
      if (head.length === 0) throw new ProfileError('empty input: there is no profile data (0 bytes)');
      rejectText(head);
      this.read(() => this.stream.push(head));
    }
    return this.read(() => assemble(this.stream.finish()));
  }

  private read<T>(step: () => T): T {
    try {
      return step();
    } catch (err) {
      if (err instanceof ProfileError) throw err;
      throw new ProfileError(`not a pprof profile: the bytes are not valid profile.proto (${oneLine((err as Error).message, 80)})`);
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

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

type Numeric = number | bigint;

/**
 * Replaces each location id in `ids` by the index of the location with that id (the last one, should two
 * share it). Ids are arbitrary uint64s; Go numbers them 1..n, so a dense table is the usual case.
 */
function locationIdsToIndices(ids: Uint32Array, locationIds: Float64Array): void {
  let maxId = 0;
  for (let i = 0; i < locationIds.length; i++) maxId = Math.max(maxId, locationIds[i] as number);
  const missing = (id: number): ProfileError => new ProfileError(`invalid profile: a sample refers to location ${id}, which the profile does not define`);
  if (maxId < 4 * locationIds.length + 1024) {
    const table = new Int32Array(maxId + 1).fill(-1);
    for (let i = 0; i < locationIds.length; i++) table[locationIds[i] as number] = i;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k] as number;
      const i = id <= maxId ? (table[id] as number) : -1;
      if (i < 0) throw missing(id);
      ids[k] = i;
    }
    return;
  }
  const index = new Map<number, number>();
  locationIds.forEach((id, i) => index.set(id, i));
  for (let k = 0; k < ids.length; k++) {
    const i = index.get(ids[k] as number);
    if (i === undefined) throw missing(ids[k] as number);
    ids[k] = i;
  }
}

/** Resolves the stream's ids and string indices into the packed form; checks what protobuf cannot. */
export function assemble(parts: ProfileParts): PackedProfile {
  const { strings: stringTable, sampleTypes, mappings, locations, functions, sampleCount, valuesPerSample, unevenValues } = parts;
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
  // A frame is a function at a line: one number as the key (no string per lookup) while it fits.
  const frameIndex = new Map<number | string, number>();
  const internFrame = (fn: number, line: number): number => {
    const key = fn < 0x200000 && line >= 0 && line < 0x100000000 ? fn * 0x100000000 + line : `${fn}:${line}`;
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
  const locationIds = new Float64Array(nLoc);
  for (let i = 0; i < nLoc; i++) {
    const loc = locations[i] as PprofLocation;
    locationIds[i] = Number(loc.id);
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
  }
  const stackLocations = parts.stackIds;
  locationIdsToIndices(stackLocations, locationIds);

  const keys = parts.labelKey;
  const strs = parts.labelStr;
  for (let i = 0; i < keys.length; i++) {
    str(keys[i]);
    str(strs[i]);
  }

  const defaultName = str(parts.defaultSampleType);
  const named = defaultName === '' ? -1 : types.findIndex((t) => t.type === defaultName);
  const periodType = parts.periodType ? { type: str(parts.periodType.type), unit: str(parts.periodType.unit) } : null;

  return {
    sampleTypes: types,
    defaultSampleIndex: named >= 0 ? named : Math.max(0, nTypes - 1),
    periodType,
    period: parts.period,
    timeNanos: parts.timeNanos,
    durationNanos: parts.durationNanos,
    comments: parts.comments.map(str),
    dropFrames: str(parts.dropFrames),
    keepFrames: str(parts.keepFrames),
    frames,
    frameFunction: frameFunction.toArray(),
    functions: functionKeys,
    locationFrameStart,
    locationFrames: locationFrames.toArray(),
    locationMappingFile,
    sampleCount,
    stackStart: parts.stackStart,
    stackLocations,
    values: parts.values,
    labelStart: parts.labelStart,
    labelKey: keys,
    labelStr: strs,
    labelNum: parts.labelNum,
    labelStrings: stringTable,
  };
}
