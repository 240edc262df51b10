/**
 * Per-line costs of a profile, for the editor's inline costs: pprof's `-list` numbers for every line
 * at once. A line's flat is the value of samples whose leaf frame is that line; its cum is the value of
 * samples with that line anywhere on the stack, counted once per sample (recursion does not double it).
 * Inlined frames are lines of their own, as pprof lists them. Pure: no vscode import.
 */
import { forEachStack, viewProfile } from './filter';
import type { Profile, SampleType, ViewFilter } from './model';
import { frameAt, packProfile, type PackedProfile } from './packed';

export interface LineCost {
  /** 1-based, as the profile records it. */
  line: number;
  flat: number;
  cum: number;
  /** Functions recorded at this line (usually one; several when inlined code shares it). */
  functions: string[];
}

export interface FileCosts {
  /** Source path as recorded on the build machine (map it with pathMapping.ts). */
  file: string;
  /** Lines with a non-zero flat or cum, by line number. */
  lines: LineCost[];
}

export interface LineCostsResult {
  sampleType: SampleType;
  sampleIndex: number;
  /** Sum of the sample type over the kept samples: what percentages are of. */
  total: number;
  /** Files by descending largest cum. */
  files: FileCosts[];
}

export function lineCosts(input: Profile | PackedProfile, sampleIndex: number, filter?: ViewFilter): LineCostsResult {
  const profile = packProfile(input);
  const view = viewProfile(profile, sampleIndex, filter);
  // Frames are deduplicated by (function, file, line); several frames can share a line.
  const lineKey = new Map<string, number>();
  const frameLine = new Int32Array(profile.frameFunction.length).fill(-1);
  const lines: Array<{ file: string; line: number; functions: Set<string> }> = [];
  for (let i = 0; i < frameLine.length; i++) {
    const frame = frameAt(profile, i);
    if (frame.file === '' || frame.line <= 0) continue;
    const key = `${frame.file}\0${frame.line}`;
    let slot = lineKey.get(key);
    if (slot === undefined) {
      slot = lines.push({ file: frame.file, line: frame.line, functions: new Set() }) - 1;
      lineKey.set(key, slot);
    }
    lines[slot]?.functions.add(frame.name);
    frameLine[i] = slot;
  }
  const flat = new Float64Array(lines.length);
  const cum = new Float64Array(lines.length);
  // Marks the lines already counted for the current sample: stamp = sample number + 1.
  const seen = new Float64Array(lines.length);
  let total = 0;
  forEachStack(view, (stack, depth, value, sample) => {
    total += value;
    const leaf = frameLine[stack[0] as number] as number;
    if (leaf >= 0) flat[leaf] = (flat[leaf] as number) + value;
    const stamp = sample + 1;
    for (let d = 0; d < depth; d++) {
      const slot = frameLine[stack[d] as number] as number;
      if (slot < 0 || seen[slot] === stamp) continue;
      seen[slot] = stamp;
      cum[slot] = (cum[slot] as number) + value;
    }
  });

  const byFile = new Map<string, { file: string; lines: LineCost[]; top: number }>();
  lines.forEach((l, slot) => {
    const f = flat[slot] as number;
    const c = cum[slot] as number;
    if (f === 0 && c === 0) return;
    let entry = byFile.get(l.file);
    if (!entry) {
      entry = { file: l.file, lines: [], top: 0 };
      byFile.set(l.file, entry);
    }
    entry.lines.push({ line: l.line, flat: f, cum: c, functions: [...l.functions].sort() });
    entry.top = Math.max(entry.top, Math.abs(c));
  });
  const files = [...byFile.values()]
    .sort((a, b) => b.top - a.top || a.file.localeCompare(b.file))
    .map(({ file, lines: ls }) => ({ file, lines: ls.sort((a, b) => a.line - b.line) }));
  return { sampleType: profile.sampleTypes[sampleIndex] as SampleType, sampleIndex, total, files };
}

/**
 * The string labels a profile's samples carry, each key with its distinct values (sorted): what a
 * label filter (tagFocus) can choose from. `route` → [`/primes`, `/search`] for the demo service.
 */
export function labelValues(input: Profile | PackedProfile): Record<string, string[]> {
  const profile = packProfile(input);
  const found = new Map<string, Set<string>>();
  for (let i = 0; i < profile.labelKey.length; i++) {
    const str = profile.labelStr[i] as number;
    if (str === 0) continue; // numeric label
    const key = profile.labelStrings[profile.labelKey[i] as number] ?? '';
    const value = profile.labelStrings[str] ?? '';
    let values = found.get(key);
    if (!values) {
      values = new Set();
      found.set(key, values);
    }
    values.add(value);
  }
  const out: Record<string, string[]> = {};
  for (const key of [...found.keys()].sort()) out[key] = [...(found.get(key) as Set<string>)].sort();
  return out;
}
