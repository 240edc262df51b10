/**
 * Which samples and frames a view keeps, with pprof's meaning (profile.FilterSamplesByName,
 * FilterSamplesByTag and Prune in github.com/google/pprof):
 *  - a location matches a regexp when one of its functions' names or files, or its binary's file, does;
 *  - focus keeps samples with a matching location, ignore drops them (ignore wins on the same location);
 *  - hide removes matching frames (inlined ones one by one) and keeps the samples;
 *  - tagFocus keeps samples whose labels match `key=regexp`, `key=low:high` or a bare regexp;
 *  - the profile's own drop_frames / keep_frames are applied as pprof does before anything else.
 * Regexps are matched once per function, never per sample.
 */
import { ProfileError } from './errors';
import { compileGoRegexp, type GoRegexp } from './goRegexp';
import type { Profile, ViewFilter } from './model';
import { packProfile, type PackedProfile } from './packed';

/** A profile seen through a filter at one sample type: what top, trees and folded stacks read. */
export interface StackView {
  profile: PackedProfile;
  sampleIndex: number;
  /** 1 for kept samples; null when every sample is kept. */
  keep: Uint8Array | null;
  /** Frames of each location after hide and drop_frames (possibly none). */
  locationFrameStart: Uint32Array;
  locationFrames: Uint32Array;
  /** Per sample, how many leaf-most locations drop_frames pruned away (null: none). */
  leafTrim: Uint16Array | null;
}

export function viewProfile(input: Profile | PackedProfile, sampleIndex: number, filter: ViewFilter = {}): StackView {
  const profile = packProfile(input);
  if (sampleIndex < 0 || sampleIndex >= profile.sampleTypes.length) {
    throw new ProfileError(`sample index ${sampleIndex} is out of range (the profile has ${profile.sampleTypes.length} sample types)`);
  }
  const focus = regexpOf(filter.focus, 'focus');
  const ignore = regexpOf(filter.ignore, 'ignore');
  const hide = regexpOf(filter.hide, 'hide');
  const tagMatch = filter.tagFocus ? compileTagFilter(filter.tagFocus) : null;
  const nLoc = profile.locationMappingFile.length;

  let { locationFrameStart, locationFrames } = profile;
  const pruned = pruneByProfileRules(profile);
  if (pruned) ({ locationFrameStart, locationFrames } = pruned);

  // Per location: 1 focused, 2 ignored, 0 neither (pprof's focusOrIgnore map).
  let locationMark: Uint8Array | null = null;
  if (focus || ignore) {
    const ignored = ignore ? functionMatches(profile, ignore) : null;
    const focused = focus ? functionMatches(profile, focus) : null;
    locationMark = new Uint8Array(nLoc);
    for (let l = 0; l < nLoc; l++) {
      if (ignore && locationMatches(profile, l, ignored as Uint8Array, ignore, locationFrameStart, locationFrames)) locationMark[l] = 2;
      else if (!focus || locationMatches(profile, l, focused as Uint8Array, focus, locationFrameStart, locationFrames)) locationMark[l] = 1;
    }
  }

  if (hide) ({ locationFrameStart, locationFrames } = hideFrames(profile, hide, locationFrameStart, locationFrames));

  let keep: Uint8Array | null = null;
  if (locationMark || tagMatch) {
    keep = new Uint8Array(profile.sampleCount);
    const { stackStart, stackLocations } = profile;
    for (let s = 0; s < profile.sampleCount; s++) {
      let ok = true;
      if (locationMark) {
        let focused = false;
        for (let k = stackStart[s] as number; k < (stackStart[s + 1] as number); k++) {
          const mark = locationMark[stackLocations[k] as number];
          if (mark === 2) {
            focused = false;
            break;
          }
          if (mark === 1) focused = true;
        }
        ok = focused;
      }
      if (ok && tagMatch) ok = tagMatch(profile, s);
      keep[s] = ok ? 1 : 0;
    }
  }
  return { profile, sampleIndex, keep, locationFrameStart, locationFrames, leafTrim: pruned?.leafTrim ?? null };
}

/**
 * Calls `visit` for every kept sample with a non-zero value, with its frames leaf first in a
 * shared buffer (valid only during the call). Samples left with no frames are skipped, as pprof drops them.
 */
export function forEachStack(view: StackView, visit: (frames: Uint32Array, depth: number, value: number, sample: number) => void): void {
  const { profile, keep, locationFrameStart, locationFrames, leafTrim } = view;
  const { stackStart, stackLocations, values } = profile;
  const nTypes = profile.sampleTypes.length;
  let buffer = new Uint32Array(256);
  for (let s = 0; s < profile.sampleCount; s++) {
    if (keep && keep[s] === 0) continue;
    const value = values[s * nTypes + view.sampleIndex] as number;
    if (value === 0) continue;
    let depth = 0;
    const first = (stackStart[s] as number) + (leafTrim ? (leafTrim[s] as number) : 0);
    const end = stackStart[s + 1] as number;
    for (let k = first; k < end; k++) {
      const loc = stackLocations[k] as number;
      const from = locationFrameStart[loc] as number;
      const to = locationFrameStart[loc + 1] as number;
      if (depth + (to - from) > buffer.length) {
        const bigger = new Uint32Array(buffer.length * 2 + (to - from));
        bigger.set(buffer);
        buffer = bigger;
      }
      for (let f = from; f < to; f++) buffer[depth++] = locationFrames[f] as number;
    }
    if (depth > 0) visit(buffer, depth, value, s);
  }
}

/** Sum of the view's sample type over kept samples (what pprof calls the total after filters). */
export function viewTotal(view: StackView): number {
  let total = 0;
  forEachStack(view, (_f, _d, value) => (total += value));
  return total;
}

function regexpOf(source: string | undefined, what: string): GoRegexp | null {
  return source === undefined || source === '' ? null : compileGoRegexp(source, what);
}

/** Per function: 1 when its name or file matches. */
function functionMatches(profile: PackedProfile, re: GoRegexp): Uint8Array {
  const out = new Uint8Array(profile.functions.length);
  profile.functions.forEach((fn, i) => {
    out[i] = re.test(fn.name) || re.test(fn.file) ? 1 : 0;
  });
  return out;
}

function locationMatches(
  profile: PackedProfile,
  loc: number,
  fnMatch: Uint8Array,
  re: GoRegexp,
  start: Uint32Array,
  frames: Uint32Array,
): boolean {
  for (let f = start[loc] as number; f < (start[loc + 1] as number); f++) {
    if (fnMatch[profile.frameFunction[frames[f] as number] as number]) return true;
  }
  const mapping = profile.locationMappingFile[loc] as string;
  return mapping !== '' && re.test(mapping);
}

function hideFrames(
  profile: PackedProfile,
  hide: GoRegexp,
  start: Uint32Array,
  frames: Uint32Array,
): { locationFrameStart: Uint32Array; locationFrames: Uint32Array } {
  const hidden = functionMatches(profile, hide);
  const nLoc = profile.locationMappingFile.length;
  const nextStart = new Uint32Array(nLoc + 1);
  const next = new Uint32Array(frames.length);
  let n = 0;
  for (let l = 0; l < nLoc; l++) {
    const mapping = profile.locationMappingFile[l] as string;
    if (!(mapping !== '' && hide.test(mapping))) {
      for (let f = start[l] as number; f < (start[l + 1] as number); f++) {
        const frame = frames[f] as number;
        if (!hidden[profile.frameFunction[frame] as number]) next[n++] = frame;
      }
    }
    nextStart[l + 1] = n;
  }
  return { locationFrameStart: nextStart, locationFrames: next.subarray(0, n) };
}

/**
 * pprof's Profile.Prune with the profile's drop_frames / keep_frames: frames below (leafward of) a
 * matching function are cut off, never before the first frame that does not match.
 */
function pruneByProfileRules(
  profile: PackedProfile,
): { locationFrameStart: Uint32Array; locationFrames: Uint32Array; leafTrim: Uint16Array } | null {
  if (profile.dropFrames === '') return null;
  const drop = compileGoRegexp(`^(${profile.dropFrames})$`, 'the profile\'s drop_frames');
  const keepRe = profile.keepFrames === '' ? null : compileGoRegexp(`^(${profile.keepFrames})$`, 'the profile\'s keep_frames');
  const dropFn = new Uint8Array(profile.functions.length);
  profile.functions.forEach((fn, i) => {
    const name = simplifyFunctionName(fn.name);
    dropFn[i] = fn.name !== '' && drop.test(name) && !(keepRe && keepRe.test(name)) ? 1 : 0;
  });
  const nLoc = profile.locationMappingFile.length;
  const pruneWhole = new Uint8Array(nLoc);
  const pruneBeneath = new Uint8Array(nLoc);
  const start = profile.locationFrameStart;
  const nextStart = new Uint32Array(nLoc + 1);
  const next = new Uint32Array(profile.locationFrames.length);
  let n = 0;
  for (let l = 0; l < nLoc; l++) {
    const from = start[l] as number;
    const to = start[l + 1] as number;
    let i = to - 1;
    for (; i >= from; i--) if (dropFn[profile.frameFunction[profile.locationFrames[i] as number] as number]) break;
    let keepFrom = from;
    if (i >= from) {
      pruneBeneath[l] = 1;
      if (i === to - 1) pruneWhole[l] = 1;
      else keepFrom = i + 1;
    }
    for (let f = keepFrom; f < to; f++) next[n++] = profile.locationFrames[f] as number;
    nextStart[l + 1] = n;
  }
  const leafTrim = new Uint16Array(profile.sampleCount);
  const { stackStart, stackLocations } = profile;
  for (let s = 0; s < profile.sampleCount; s++) {
    const first = stackStart[s] as number;
    let foundUser = false;
    for (let k = (stackStart[s + 1] as number) - 1; k >= first; k--) {
      const loc = stackLocations[k] as number;
      if (!pruneWhole[loc] && !pruneBeneath[loc]) {
        foundUser = true;
        continue;
      }
      if (!foundUser) continue;
      leafTrim[s] = Math.min(0xffff, pruneWhole[loc] ? k + 1 - first : k - first);
      break;
    }
  }
  return { locationFrameStart: nextStart, locationFrames: next.subarray(0, n), leafTrim };
}

/** pprof's simplifyFunc: drops argument lists and template parameters before matching drop_frames. */
function simplifyFunctionName(name: string): string {
  return name.replace(/\(anonymous namespace\)::/g, '').replace(/\(.*?\)|<.*?>/g, '').trim() || name;
}

type TagMatch = (profile: PackedProfile, sample: number) => boolean;

const UNIT_SCALE: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1024,
  mb: 1024 ** 2,
  gb: 1024 ** 3,
  tb: 1024 ** 4,
  ns: 1,
  us: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/**
 * pprof -tagfocus: `key=regexp[,regexp…]` matches string labels, `key=low:high` (either end optional,
 * units like 64kb or 10ms allowed) numeric ones; without `key=` any label value may match.
 */
export function compileTagFilter(spec: string): TagMatch {
  const eq = spec.indexOf('=');
  const key = eq >= 0 ? spec.slice(0, eq) : null;
  const rest = eq >= 0 ? spec.slice(eq + 1) : spec;
  const range = /^\s*([-\d.]*)([a-z]*)\s*(:)?\s*([-\d.]*)([a-z]*)\s*$/i.exec(rest);
  const numeric = range && (range[1] !== '' || range[4] !== '') && rest.trim() !== '';
  if (numeric && range) {
    const scale = (num: string, unit: string, fallback: number): number => {
      if (num === '') return fallback;
      const factor = UNIT_SCALE[unit.toLowerCase()];
      if (factor === undefined || Number.isNaN(Number(num))) throw new ProfileError(`tagFocus: cannot read "${rest}" as a number range`);
      return Number(num) * factor;
    };
    const low = scale(range[1] as string, range[2] as string, -Infinity);
    const high = range[3] ? scale(range[4] as string, range[5] as string, Infinity) : low;
    const inRange = (v: number): boolean => v >= low && v <= high;
    return (p, s) => {
      for (let i = p.labelStart[s] as number; i < (p.labelStart[s + 1] as number); i++) {
        if (p.labelStr[i] !== 0) continue;
        if ((key === null || p.labelStrings[p.labelKey[i] as number] === key) && inRange(p.labelNum[i] as number)) return true;
      }
      return false;
    };
  }
  const res = rest.split(',').map((r) => compileGoRegexp(r, 'tagFocus'));
  return (p, s) => {
    for (let i = p.labelStart[s] as number; i < (p.labelStart[s + 1] as number); i++) {
      const str = p.labelStr[i] as number;
      if (str === 0) continue;
      if (key !== null && p.labelStrings[p.labelKey[i] as number] !== key) continue;
      const value = p.labelStrings[str] as string;
      if (res.some((re) => re.test(value))) return true;
    }
    return false;
  };
}
