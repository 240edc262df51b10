/**
 * The working form of a profile inside the core: samples packed into typed arrays, frames and
 * functions interned once. A 500,000-sample profile is a handful of arrays here instead of a
 * million small objects; the model's Profile (model.ts) is built from it on demand.
 */
import type { Frame, Profile, Sample, SampleType } from './model';

/** A function as pprof groups by default (granularity "functions"): name and file. */
export interface FunctionKey {
  name: string;
  file: string;
}

export interface PackedProfile {
  sampleTypes: SampleType[];
  defaultSampleIndex: number;
  periodType: SampleType | null;
  period: number;
  timeNanos: number;
  durationNanos: number;
  comments: string[];
  dropFrames: string;
  keepFrames: string;

  /**
   * Deduplicated frames (a function at a line): frame f is functions[frameFunction[f]] at frameLine[f].
   * Arrays, not Frame objects: a profile of a million functions has a few million frames (frameAt makes one).
   */
  frameFunction: Uint32Array;
  frameLine: Float64Array;
  functions: FunctionKey[];

  /** Frames of location i, leaf first: locationFrames[locationFrameStart[i] .. locationFrameStart[i+1]). */
  locationFrameStart: Uint32Array;
  locationFrames: Uint32Array;
  /** File of the binary each location belongs to ('' when unknown): pprof matches focus/ignore/hide against it too. */
  locationMappingFile: string[];

  sampleCount: number;
  /** Locations of sample s, leaf first: stackLocations[stackStart[s] .. stackStart[s+1]). */
  stackStart: Uint32Array;
  stackLocations: Uint32Array;
  /** values[s * sampleTypes.length + t]. */
  values: Float64Array;
  /** Labels of sample s: labelKey/labelStr/labelNum[labelStart[s] .. labelStart[s+1]). */
  labelStart: Uint32Array;
  /** Index into labelStrings of each label's key and string value (0: none, the label is numeric). */
  labelKey: Uint32Array;
  labelStr: Uint32Array;
  labelNum: Float64Array;
  labelStrings: string[];
}

const packedOf = new WeakMap<Profile, PackedProfile>();
const profileOf = new WeakMap<PackedProfile, Profile>();

/** Frame f as the model spells it. */
export function frameAt(packed: PackedProfile, f: number): Frame {
  const fn = packed.functions[packed.frameFunction[f] as number] as FunctionKey;
  return { name: fn.name, file: fn.file, line: packed.frameLine[f] as number };
}

/** The model's view of a packed profile: one Sample object per sample, inlined frames expanded. */
export function unpackProfile(packed: PackedProfile): Profile {
  const cached = profileOf.get(packed);
  if (cached) return cached;
  const nTypes = packed.sampleTypes.length;
  const samples: Sample[] = []; // pushed: `new Array(n)` past 100,000 elements is a slow dictionary
  for (let s = 0; s < packed.sampleCount; s++) {
    const stack: number[] = [];
    for (let k = packed.stackStart[s] as number; k < (packed.stackStart[s + 1] as number); k++) {
      const loc = packed.stackLocations[k] as number;
      for (let f = packed.locationFrameStart[loc] as number; f < (packed.locationFrameStart[loc + 1] as number); f++) {
        stack.push(packed.locationFrames[f] as number);
      }
    }
    const sample: Sample = { stack, values: Array.from(packed.values.subarray(s * nTypes, (s + 1) * nTypes)) };
    const { labels, numLabels } = sampleLabels(packed, s);
    if (labels) sample.labels = labels;
    if (numLabels) sample.numLabels = numLabels;
    samples.push(sample);
  }
  const profile: Profile = {
    sampleTypes: packed.sampleTypes,
    defaultSampleIndex: packed.defaultSampleIndex,
    periodType: packed.periodType,
    period: packed.period,
    timeNanos: packed.timeNanos,
    durationNanos: packed.durationNanos,
    frames: Array.from({ length: packed.frameFunction.length }, (_, f) => frameAt(packed, f)),
    samples,
    comments: packed.comments,
    dropFrames: packed.dropFrames,
    keepFrames: packed.keepFrames,
  };
  profileOf.set(packed, profile);
  packedOf.set(profile, packed);
  return profile;
}

/**
 * The packed form of a model Profile (decoded here, built by hand, or received by structured clone).
 * Each frame becomes a location of its own, so focus/ignore/hide match per frame.
 */
export function packProfile(profile: Profile | PackedProfile): PackedProfile {
  if (isPacked(profile)) return profile;
  const cached = packedOf.get(profile);
  if (cached) return cached;
  const functionIndex = new Map<string, number>();
  const functions: FunctionKey[] = [];
  const frameFunction = new Uint32Array(profile.frames.length);
  profile.frames.forEach((frame, i) => {
    const key = `${frame.name}\0${frame.file}`;
    let fn = functionIndex.get(key);
    if (fn === undefined) {
      fn = functions.push({ name: frame.name, file: frame.file }) - 1;
      functionIndex.set(key, fn);
    }
    frameFunction[i] = fn;
  });
  const nFrames = profile.frames.length;
  const locationFrameStart = new Uint32Array(nFrames + 1);
  const locationFrames = new Uint32Array(nFrames);
  for (let i = 0; i < nFrames; i++) {
    locationFrameStart[i + 1] = i + 1;
    locationFrames[i] = i;
  }
  const nTypes = profile.sampleTypes.length;
  let depth = 0;
  for (const s of profile.samples) depth += s.stack.length;
  const stackStart = new Uint32Array(profile.samples.length + 1);
  const stackLocations = new Uint32Array(depth);
  const values = new Float64Array(profile.samples.length * nTypes);
  const labelStrings = [''];
  const labelStringIndex = new Map<string, number>([['', 0]]);
  const intern = (text: string): number => {
    let i = labelStringIndex.get(text);
    if (i === undefined) {
      i = labelStrings.push(text) - 1;
      labelStringIndex.set(text, i);
    }
    return i;
  };
  const labelStart = new Uint32Array(profile.samples.length + 1);
  const labelKey: number[] = [];
  const labelStr: number[] = [];
  const labelNum: number[] = [];
  let k = 0;
  profile.samples.forEach((sample, s) => {
    for (const frame of sample.stack) stackLocations[k++] = frame;
    stackStart[s + 1] = k;
    for (let t = 0; t < nTypes; t++) values[s * nTypes + t] = sample.values[t] ?? 0;
    for (const [key, vs] of Object.entries(sample.labels ?? {})) {
      for (const v of vs) {
        labelKey.push(intern(key));
        labelStr.push(intern(v));
        labelNum.push(0);
      }
    }
    for (const [key, vs] of Object.entries(sample.numLabels ?? {})) {
      for (const v of vs) {
        labelKey.push(intern(key));
        labelStr.push(0);
        labelNum.push(v);
      }
    }
    labelStart[s + 1] = labelKey.length;
  });
  const packed: PackedProfile = {
    sampleTypes: profile.sampleTypes,
    defaultSampleIndex: profile.defaultSampleIndex,
    periodType: profile.periodType,
    period: profile.period,
    timeNanos: profile.timeNanos,
    durationNanos: profile.durationNanos,
    comments: profile.comments,
    dropFrames: profile.dropFrames,
    keepFrames: profile.keepFrames,
    frameLine: Float64Array.from(profile.frames, (f) => f.line),
    frameFunction,
    functions,
    locationFrameStart,
    locationFrames,
    locationMappingFile: Array.from({ length: nFrames }, () => ''),
    sampleCount: profile.samples.length,
    stackStart,
    stackLocations,
    values,
    labelStart,
    labelKey: Uint32Array.from(labelKey),
    labelStr: Uint32Array.from(labelStr),
    labelNum: Float64Array.from(labelNum),
    labelStrings,
  };
  packedOf.set(profile, packed);
  return packed;
}

/** The string and numeric labels of sample `s`, as the model spells them (undefined when it has none). */
export function sampleLabels(
  packed: PackedProfile,
  s: number,
): { labels?: Record<string, string[]>; numLabels?: Record<string, number[]> } {
  const from = packed.labelStart[s] as number;
  const to = packed.labelStart[s + 1] as number;
  if (from === to) return {};
  let labels: Record<string, string[]> | undefined;
  let numLabels: Record<string, number[]> | undefined;
  for (let i = from; i < to; i++) {
    const key = packed.labelStrings[packed.labelKey[i] as number] as string;
    const str = packed.labelStr[i] as number;
    if (str !== 0) ((labels ??= {})[key] ??= []).push(packed.labelStrings[str] as string);
    else ((numLabels ??= {})[key] ??= []).push(packed.labelNum[i] as number);
  }
  return { ...(labels ? { labels } : {}), ...(numLabels ? { numLabels } : {}) };
}

export function isPacked(profile: Profile | PackedProfile): profile is PackedProfile {
  return (profile as PackedProfile).stackLocations instanceof Uint32Array;
}

/**
 * Bytes a decoder's arrays may take, all together: a limit on what a profile costs once decoded, as the
 * size limit is on what it unpacks to. `spend` throws `exceeded()` when an allocation would pass it.
 */
export class MemoryBudget {
  constructor(
    private left: number,
    private readonly exceeded: () => Error,
  ) {}

  spend(bytes: number): void {
    this.left -= bytes;
    if (this.left < 0) throw this.exceeded();
  }
}

/** Growable typed arrays for decoding when the count is not known up front. */
export class GrowableUint32 {
  data: Uint32Array;
  length = 0;
  constructor(
    capacity = 1024,
    private readonly budget?: MemoryBudget,
  ) {
    budget?.spend(capacity * 4);
    this.data = new Uint32Array(capacity);
  }
  push(value: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = value;
  }
  grow(min: number): void {
    const capacity = Math.max(min, Math.ceil(this.data.length * 1.5));
    this.budget?.spend((capacity - this.data.length) * 4);
    const next = new Uint32Array(capacity);
    next.set(this.data);
    this.data = next;
  }
  /** The filled part; shared rather than copied when it is most of the buffer (copies of large arrays add up). */
  toArray(): Uint32Array {
    return this.length * 2 >= this.data.length ? this.data.subarray(0, this.length) : this.data.slice(0, this.length);
  }
}

export class GrowableFloat64 {
  data: Float64Array;
  length = 0;
  constructor(
    capacity = 1024,
    private readonly budget?: MemoryBudget,
  ) {
    budget?.spend(capacity * 8);
    this.data = new Float64Array(capacity);
  }
  push(value: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = value;
  }
  grow(min: number): void {
    const capacity = Math.max(min, Math.ceil(this.data.length * 1.5));
    this.budget?.spend((capacity - this.data.length) * 8);
    const next = new Float64Array(capacity);
    next.set(this.data);
    this.data = next;
  }
  toArray(): Float64Array {
    return this.length * 2 >= this.data.length ? this.data.subarray(0, this.length) : this.data.slice(0, this.length);
  }
}
