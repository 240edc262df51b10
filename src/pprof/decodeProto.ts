/**
 * Decodes ungzipped profile.proto bytes into the packed form, whole or as they arrive (ProfileDecoder:
 * a streamed gunzip feeds it chunk by chunk). No Node-only imports: the extension's worker and CLI use
 * it through decode.ts (which gunzips with node's zlib), and report.html's page uses it directly
 * (gunzipping with the browser's DecompressionStream). protoStream.ts reads the protobuf.
 */
import { ProfileError } from './errors';
import type { SampleType } from './model';
import { GrowableFloat64, GrowableUint32, MemoryBudget, type FunctionKey, type PackedProfile } from './packed';
import { DEFAULT_MAX_BYTES, ProfileTooLargeError, type SizeLimit } from './sizeLimit';
import { firstIndexOfEachText, PairIndex } from './intern';
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
  /** Dropped once finished, with the arrays it sized for the whole profile (the result keeps what it filled). */
  private stream: ProfileProtoStream;
  /** The first bytes, held until there are enough to tell text from protobuf. */
  private head: Uint8Array | null = new Uint8Array(0);

  /**
   * With `limit`, the samples' arrays may take at most twice its maxBytes (a Go profile's take about 1.5
   * times its unpacked size): past that, a ProfileTooLargeError.
   */
  constructor(sizeHint = 0, limit?: SizeLimit) {
    const maxBytes = limit?.maxBytes ?? DEFAULT_MAX_BYTES;
    const budget = new MemoryBudget(DECODED_PER_UNPACKED_BYTE * maxBytes + (1 << 20), () => new ProfileTooLargeError(maxBytes, 'decoded', limit?.limitName));
    // The arrays sized up front take about twice the hint: at most half the limit, so that a profile near
    // the limit still has budget left to grow them.
    this.stream = new ProfileProtoStream(Math.min(sizeHint, maxBytes / 2), budget);
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
    const parts = this.read(() => this.stream.finish());
    this.stream = new ProfileProtoStream(0);
    return this.read(() => assemble(parts));
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
  if (isLegacyCpuProfile(raw)) {
    throw new ProfileError(
      'this is a legacy binary CPU profile (Go before 1.9, gperftools or Java); convert it with `go tool pprof -proto FILE > FILE.pb.gz` to get profile.proto',
    );
  }
  const head = new TextDecoder('utf-8', { fatal: false }).decode(raw.subarray(0, 256)).replace(/^\uFEFF/, '');
  const trimmed = head.trimStart();
  if (trimmed.startsWith('<')) {
    throw new ProfileError('got an HTML page, not a profile (is the address a pprof endpoint, and is debug=0?)');
  }
  if (/^(heap|goroutine|threadcreate|block|mutex) profile:|^--- (contention|mutex)/.test(trimmed)) {
    throw new ProfileError(
      'this is a legacy text profile (debug=1); capture it with debug=0, or convert it with `go tool pprof -proto FILE > FILE.pb.gz`, to get profile.proto',
    );
  }
  if (/^goroutine \d+ (gp=\S+ )?(m=\S+ )?(mp=\S+ )?\[/.test(trimmed)) {
    throw new ProfileError('this is a goroutine stack dump (debug=2 text), not a pprof profile');
  }
  if (raw.length >= 4 && isMostlyPrintable(raw.subarray(0, 256))) {
    throw new ProfileError(`got text, not a pprof profile: "${oneLine(trimmed, 40)}"`);
  }
}

/**
 * The legacy CPU profile starts with the header words 0, 3, a version (0; 1 from Java), the sampling period, 0, as 32- or
 * 64-bit integers in either byte order; profile.proto can never start with a zero byte (field number 0).
 */
function isLegacyCpuProfile(raw: Uint8Array): boolean {
  for (const size of [8, 4]) {
    if (raw.length < size * 5) continue;
    const word = (i: number, little: boolean): number => {
      let v = 0;
      for (let k = 0; k < size; k++) v = v * 256 + (raw[i * size + (little ? size - 1 - k : k)] ?? 0);
      return v;
    };
    for (const little of [true, false]) {
      if (word(0, little) === 0 && word(1, little) === 3 && word(2, little) <= 1 && word(4, little) === 0) return true;
    }
  }
  return false;
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
 * A lookup from an id to the index of the entry with that id (the last, should two share it), -1 for
 * none. Ids are arbitrary uint64s; Go numbers them 1..n, so a dense table is the usual case.
 */
function indexOfIds(ids: Float64Array): (id: number) => number {
  let maxId = 0;
  for (let i = 0; i < ids.length; i++) maxId = Math.max(maxId, ids[i] as number);
  if (maxId < 4 * ids.length + 1024) {
    const table = new Int32Array(maxId + 1).fill(-1);
    for (let i = 0; i < ids.length; i++) table[ids[i] as number] = i;
    return (id) => (id <= maxId ? (table[id] as number) : -1);
  }
  const index = new Map<number, number>();
  ids.forEach((id, i) => index.set(id, i));
  return (id) => index.get(id) ?? -1;
}

/** Resolves the stream's ids and string indices into the packed form; checks what protobuf cannot. */
export function assemble(parts: ProfileParts): PackedProfile {
  const { strings: stringTable, sampleTypes, mappings, sampleCount, valuesPerSample, unevenValues } = parts;
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

  // Functions: pprof's default granularity groups frames by function name and file. The same text can
  // sit at two string indices: names and files are compared by the first index of their text.
  const functionKeys: FunctionKey[] = [];
  const firstOfText = firstIndexOfEachText(stringTable, parts.stringHash);
  const byNameAndFile = new PairIndex(stringTable.length, parts.functionId.length);
  const syntheticIndex = new Map<string, number>();
  const internFunction = (name: number, file: number): number => {
    str(name); // checks the indices
    str(file);
    const before = byNameAndFile.size;
    const i = byNameAndFile.intern(firstOfText[name] as number, firstOfText[file] as number);
    if (i === before) functionKeys.push({ name: stringTable[name] as string, file: stringTable[file] as string });
    return i;
  };
  const functionKeyOf = new Int32Array(parts.functionId.length);
  for (let f = 0; f < functionKeyOf.length; f++) functionKeyOf[f] = internFunction(parts.functionName[f] as number, parts.functionFile[f] as number);
  /** A location without function information is named by its address, as pprof does. */
  const addressFunction = (address: number): number => {
    const name = `0x${address.toString(16)}`;
    let i = syntheticIndex.get(name);
    if (i === undefined) {
      i = functionKeys.push({ name, file: '' }) - 1;
      syntheticIndex.set(name, i);
    }
    return i;
  };
  const functionById = indexOfIds(parts.functionId);

  const frameFunction = new GrowableUint32(1024);
  const frameLine = new GrowableFloat64(1024);
  const frameIndex = new PairIndex(parts.functionId.length + 16, parts.lineFunction.length + 16);
  const internFrame = (fn: number, line: number): number => {
    const before = frameIndex.size;
    const i = frameIndex.intern(fn, line);
    if (i === before) {
      frameFunction.push(fn);
      frameLine.push(line);
    }
    return i;
  };

  const mappingFile = new Map<number, string>();
  for (const m of mappings) mappingFile.set(Number(m.id), str(m.filename));

  const { locationId, locationMapping, locationAddress, locationLineStart, lineFunction, lineNumber } = parts;
  const nLoc = locationId.length;
  const locationFrameStart = new Uint32Array(nLoc + 1);
  const locationFrames = new GrowableUint32(lineFunction.length + 16);
  // Filled by push: `new Array(n)` past 100,000 elements is a dictionary, slow to fill by index.
  const locationMappingFile: string[] = [];
  for (let i = 0; i < nLoc; i++) {
    locationMappingFile.push(mappingFile.get(locationMapping[i] as number) ?? '');
    const from = locationLineStart[i] as number;
    const to = locationLineStart[i + 1] as number;
    if (from === to) locationFrames.push(internFrame(addressFunction(locationAddress[i] as number), 0));
    for (let l = from; l < to; l++) {
      const f = functionById(lineFunction[l] as number);
      const fn = f >= 0 ? (functionKeyOf[f] as number) : addressFunction(locationAddress[i] as number);
      locationFrames.push(internFrame(fn, lineNumber[l] as number));
    }
    locationFrameStart[i + 1] = locationFrames.length;
  }
  const stackLocations = parts.stackIds;
  const locationById = indexOfIds(locationId);
  for (let k = 0; k < stackLocations.length; k++) {
    const i = locationById(stackLocations[k] as number);
    if (i < 0) throw new ProfileError(`invalid profile: a sample refers to location ${stackLocations[k]}, which the profile does not define`);
    stackLocations[k] = i;
  }

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
    frameFunction: frameFunction.toArray(),
    frameLine: frameLine.toArray(),
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
