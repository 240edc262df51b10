/** pprof -top: flat and cumulative value per function, at pprof's default granularity (name + file). */
import { forEachStack, viewProfile, viewTotal, type StackView } from './filter';
import type { Profile, SampleType, TopRow, ViewFilter } from './model';
import { packProfile, type FunctionKey, type PackedProfile } from './packed';
import { matchingSampleIndex } from './sampleTypes';

export interface TopOptions {
  /** A base profile: rows show this profile minus the base (pprof -diff_base). */
  base?: Profile | PackedProfile;
  /** Only the first `limit` rows (0 or absent: all): ordering a million functions to show twenty is most of the work. */
  limit?: number;
}

export interface TopResult {
  /** Sum of the sample type over the kept samples (minus the base's with a base). */
  total: number;
  /** Every function with a non-zero flat or cum (the first `limit`), by |flat| descending, then name, then |cum|. */
  rows: TopRow[];
  /** How many functions have a non-zero flat or cum (rows.length without a limit). */
  functions: number;
}

export function topFunctions(profile: Profile | PackedProfile, sampleIndex: number, filter?: ViewFilter, options: TopOptions = {}): TopResult {
  const view = viewProfile(profile, sampleIndex, filter);
  const acc = new FunctionAccumulator();
  let total = acc.add(view, 1);
  if (options.base) {
    const base = packProfile(options.base);
    const baseView = viewProfile(base, matchingSampleIndex(base, view.profile.sampleTypes[sampleIndex] as SampleType), filter);
    total += acc.add(baseView, -1);
  }
  const rows = acc.rows();
  return { total, rows: firstTopRows(rows, options.limit), functions: rows.length };
}

/** Just the total of a sample type after filters (the JSON `total`). */
export function profileTotal(profile: Profile | PackedProfile, sampleIndex: number, filter?: ViewFilter): number {
  return viewTotal(viewProfile(profile, sampleIndex, filter));
}

/** Sums flat and cum per function across one or more views; functions are matched by name and file. */
class FunctionAccumulator {
  private readonly index = new Map<string, number>();
  private readonly names: Array<{ name: string; file: string }> = [];
  private flat: Float64Array = new Float64Array(0);
  private cum: Float64Array = new Float64Array(0);

  add(view: StackView, sign: 1 | -1): number {
    const { profile } = view;
    // Map this profile's functions onto the accumulator's: the first profile's are its own (a profile's
    // functions are distinct by name and file already); a base's are matched by name and file.
    const slot = new Uint32Array(profile.functions.length);
    if (this.names.length === 0) {
      for (let i = 0; i < slot.length; i++) {
        this.names.push(profile.functions[i] as FunctionKey);
        slot[i] = i;
      }
    } else {
      if (this.index.size === 0) this.names.forEach((fn, j) => this.index.set(`${fn.name}\0${fn.file}`, j));
      profile.functions.forEach((fn, i) => {
        const key = `${fn.name}\0${fn.file}`;
        let j = this.index.get(key);
        if (j === undefined) {
          j = this.names.push(fn) - 1;
          this.index.set(key, j);
        }
        slot[i] = j;
      });
    }
    if (this.flat.length < this.names.length) {
      const flat = new Float64Array(this.names.length);
      flat.set(this.flat);
      const cum = new Float64Array(this.names.length);
      cum.set(this.cum);
      this.flat = flat;
      this.cum = cum;
    }
    const flat = this.flat;
    const cum = this.cum;
    const frameSlot = new Uint32Array(profile.frameFunction.length);
    for (let f = 0; f < frameSlot.length; f++) frameSlot[f] = slot[profile.frameFunction[f] as number] as number;
    // A function counts once per sample in cum, however often it recurses: stamp it per sample.
    const stamp = new Int32Array(this.names.length).fill(-1);
    let total = 0;
    forEachStack(view, (frames, depth, value, s) => {
      const v = sign * value;
      total += v;
      const leaf = frameSlot[frames[0] as number] as number;
      flat[leaf] = (flat[leaf] as number) + v;
      for (let i = 0; i < depth; i++) {
        const fn = frameSlot[frames[i] as number] as number;
        if (stamp[fn] !== s) {
          stamp[fn] = s;
          cum[fn] = (cum[fn] as number) + v;
        }
      }
    });
    return total;
  }

  rows(): TopRow[] {
    const rows: TopRow[] = [];
    this.names.forEach((fn, i) => {
      const flat = this.flat[i] as number;
      const cum = this.cum[i] as number;
      if (flat !== 0 || cum !== 0) rows.push({ function: fn.name, file: fn.file, flat, cum });
    });
    return rows;
  }
}

/**
 * The first `limit` rows in pprof -top's order (all of them for 0 or none): the limit-th largest |flat|
 * is found in linear time, and only the rows at or above it are sorted.
 */
export function firstTopRows(rows: TopRow[], limit = 0): TopRow[] {
  if (limit <= 0 || limit >= rows.length) return sortTopRows(rows);
  const magnitudes = Float64Array.from(rows, (r) => Math.abs(r.flat));
  const threshold = kthLargest(magnitudes, limit);
  return sortTopRows(rows.filter((r) => Math.abs(r.flat) >= threshold)).slice(0, limit);
}

/** The k-th largest value (1-based) of `values`, which it reorders (quickselect). */
function kthLargest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) > pivot) i++;
      while ((values[j] as number) < pivot) j--;
      if (i <= j) {
        const t = values[i] as number;
        values[i] = values[j] as number;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return values[target] as number;
  }
  return values[target] as number;
}

/** pprof -top's order: |flat| descending, then name, then |cum| descending, then file. */
export function sortTopRows(rows: TopRow[]): TopRow[] {
  return rows.sort(
    (a, b) =>
      Math.abs(b.flat) - Math.abs(a.flat) ||
      (a.function < b.function ? -1 : a.function > b.function ? 1 : 0) ||
      Math.abs(b.cum) - Math.abs(a.cum) ||
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0),
  );
}
