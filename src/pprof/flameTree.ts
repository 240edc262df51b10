/**
 * The call tree behind the flame graph: one node per distinct path of functions from the root
 * (or, inverted, from the leaf: a function's callers merged over all its call sites), with a
 * diff base when comparing two snapshots (pprof -diff_base: base values subtracted).
 *
 * Built as it is looked at. A 500,000-sample profile makes millions of nodes, of which a view shows a
 * thousand or two (the rest are under a pixel); building them all took most of the time to first paint.
 * Here the kept samples' stacks are copied once into one flat array, and a node's children are found
 * only when the node is shown: its samples, a contiguous range of one permutation, are split by the
 * function at the next depth (a stable counting sort, so the split of a split is a range again). A view
 * costs the samples under the nodes it shows; zooming splits further what is already split.
 */
import { forEachStack, viewProfile, type StackView } from './filter';
import type { GoRegexp } from './goRegexp';
import type { FlameNode, Profile, SampleType, TopRow, ViewFilter } from './model';
import { GrowableFloat64, GrowableUint32, packProfile, type FunctionKey, type PackedProfile } from './packed';
import { isVisible, magnitudeOf } from './prune';
import { matchingSampleIndex } from './sampleTypes';
import { firstTopRows, type TopResult } from './top';

export interface FlameTreeOptions {
  /** Roots are the leaf functions; children are their callers. */
  inverted?: boolean;
  /** Compare with this profile: each node's `delta` is its total minus the base's for the same path. */
  base?: Profile | PackedProfile;
}

export const ROOT_ID = 0;

/** Builds the complete tree as FlameNode objects (no pruning). For large profiles use buildCallTree. */
export function buildFlameTree(profile: Profile | PackedProfile, sampleIndex: number, filter?: ViewFilter, options: FlameTreeOptions = {}): FlameNode {
  return buildCallTree(profile, sampleIndex, filter, options).flameNode(ROOT_ID, 0) as FlameNode;
}

export function buildCallTree(profile: Profile | PackedProfile, sampleIndex: number, filter?: ViewFilter, options: FlameTreeOptions = {}): CallTree {
  const view = viewProfile(profile, sampleIndex, filter);
  const sampleType = view.profile.sampleTypes[sampleIndex] as SampleType;
  let baseView: StackView | undefined;
  if (options.base) {
    const base = packProfile(options.base);
    baseView = viewProfile(base, matchingSampleIndex(base, sampleType), filter);
  }
  const inverted = options.inverted === true;
  return new CallTree(sampleType, collectStacks(view, baseView, inverted), inverted);
}

/** Every kept sample's stack in walking order (root first, or leaf first when inverted), in one array. */
interface Stacks {
  /** Functions the nodes name: the profile's, then the base's that the profile lacks. */
  functions: FunctionKey[];
  /** Per frame (the profile's, then the base's offset by the profile's frame count): its function and line. */
  frameFunction: Int32Array;
  frameLine: Float64Array;
  /** Frames of stack s: frames[start[s] .. start[s+1]). */
  frames: Uint32Array;
  start: Uint32Array;
  value: Float64Array;
  /** Stacks [0, mainCount) are the profile's, the rest the base's. */
  mainCount: number;
  withBase: boolean;
}

function collectStacks(view: StackView, base: StackView | undefined, inverted: boolean): Stacks {
  const main = view.profile;
  let functions = main.functions;
  let frameFunction = Int32Array.from(main.frameFunction);
  let frameLine = main.frameLine;
  if (base) {
    // Functions are matched by name and file, as pprof's default granularity does.
    functions = [...main.functions];
    const index = new Map<string, number>();
    main.functions.forEach((fn, i) => index.set(`${fn.name}\0${fn.file}`, i));
    const slot = base.profile.functions.map((fn) => {
      const key = `${fn.name}\0${fn.file}`;
      let j = index.get(key);
      if (j === undefined) {
        j = functions.push(fn) - 1;
        index.set(key, j);
      }
      return j;
    });
    const nf = main.frameFunction.length;
    const both = new Int32Array(nf + base.profile.frameFunction.length);
    both.set(frameFunction);
    base.profile.frameFunction.forEach((fn, f) => (both[nf + f] = slot[fn] as number));
    frameFunction = both;
    const lines = new Float64Array(both.length);
    lines.set(frameLine);
    lines.set(base.profile.frameLine, nf);
    frameLine = lines;
  }

  const frames = new GrowableUint32(Math.max(1024, main.stackLocations.length + (base ? base.profile.stackLocations.length : 0)));
  const start = new GrowableUint32(1024);
  const value = new GrowableFloat64(1024);
  start.push(0);
  const add = (offset: number) => (buffer: Uint32Array, depth: number, v: number) => {
    if (frames.length + depth > frames.data.length) frames.grow(frames.length + depth);
    const out = frames.data;
    let at = frames.length;
    if (inverted) for (let i = 0; i < depth; i++) out[at++] = (buffer[i] as number) + offset;
    else for (let i = depth - 1; i >= 0; i--) out[at++] = (buffer[i] as number) + offset;
    frames.length = at;
    start.push(at);
    if (value.length === value.data.length) value.grow(value.length + 1);
    value.data[value.length++] = v;
  };
  forEachStack(view, add(0));
  const mainCount = value.length;
  if (base) forEachStack(base, add(main.frameFunction.length));
  return {
    functions,
    frameFunction,
    frameLine,
    frames: frames.toArray(),
    start: start.toArray(),
    value: value.toArray(),
    mainCount,
    withBase: base !== undefined,
  };
}

/** A tree grown on demand. Node ids are indices in the order nodes were found; the root is 0. */
export class CallTree {
  private readonly stacks: Stacks;
  /** Stack indices; each found node's stacks are perm[lo .. hi), its children's sub-ranges of it. */
  private readonly perm: Uint32Array;
  private readonly scratch: Uint32Array;
  private readonly keyOf: Int32Array;
  /** Per function: its bucket while a node is split (-1 otherwise). */
  private readonly bucketOf: Int32Array;
  private nodes = 0;
  private nodeFunction = new Int32Array(256);
  private nodeLine = new Int32Array(256);
  private parent = new Int32Array(256);
  private depth = new Int32Array(256);
  private lo = new Uint32Array(256);
  private hi = new Uint32Array(256);
  /** First child's id (children are numbered consecutively), -1 until the node is split. */
  private firstChild = new Int32Array(256);
  private childCount = new Int32Array(256);
  private total = new Float64Array(256);
  private self = new Float64Array(256);
  private baseTotal: Float64Array | null;

  constructor(
    readonly sampleType: SampleType,
    stacks: Stacks,
    private readonly inverted: boolean,
  ) {
    this.stacks = stacks;
    const n = stacks.value.length;
    this.perm = new Uint32Array(n);
    for (let i = 0; i < n; i++) this.perm[i] = i;
    this.scratch = new Uint32Array(n);
    this.keyOf = new Int32Array(n);
    this.bucketOf = new Int32Array(stacks.functions.length).fill(-1);
    this.baseTotal = stacks.withBase ? new Float64Array(256) : null;
    const root = this.addNode(-1, -1, 0, 0, 0, n);
    let total = 0;
    let baseTotal = 0;
    for (let s = 0; s < n; s++) {
      if (s < stacks.mainCount) total += stacks.value[s] as number;
      else baseTotal += stacks.value[s] as number;
    }
    this.total[root] = total;
    if (this.baseTotal) this.baseTotal[root] = baseTotal;
  }

  get rootTotal(): number {
    return this.total[ROOT_ID] as number;
  }

  /** Nodes found so far. */
  get size(): number {
    return this.nodes;
  }

  /** Ids from the root down to `id` (breadcrumbs), or [] for an unknown id. */
  pathTo(id: number): number[] {
    if (!this.has(id)) return [];
    const path: number[] = [];
    for (let n = id; n >= 0; n = this.parent[n] as number) path.push(n);
    return path.reverse();
  }

  has(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id < this.nodes;
  }

  /**
   * The flame-graph search's matched share: the sum of `total` over nodes whose function name matches,
   * a match's descendants not counted again (they are inside its box) — that is, the value of the
   * profile's stacks with a matching function anywhere.
   */
  matchedTotal(re: GoRegexp): number {
    const { functions, frameFunction, frames, start, value, mainCount } = this.stacks;
    // Per function: 0 not tested yet, 1 matches, 2 does not.
    const verdict = new Uint8Array(functions.length);
    let matched = 0;
    for (let s = 0; s < mainCount; s++) {
      for (let k = start[s] as number; k < (start[s + 1] as number); k++) {
        const fn = frameFunction[frames[k] as number] as number;
        let v = verdict[fn] as number;
        if (v === 0) verdict[fn] = v = re.test((functions[fn] as FunctionKey).name) ? 1 : 2;
        if (v === 1) {
          matched += value[s] as number;
          break;
        }
      }
    }
    return matched;
  }

  /**
   * pprof -top over the same stacks: the view's table without expanding the profile's stacks a second
   * time (the panel asks for both). Equal to topFunctions with the same filter and base.
   */
  topFunctions(limit = 0): TopResult {
    const { functions, frameFunction, frames, start, value, mainCount } = this.stacks;
    const flat = new Float64Array(functions.length);
    const cum = new Float64Array(functions.length);
    // A function counts once per stack in cum, however often it recurses.
    const stamp = new Int32Array(functions.length).fill(-1);
    const leafFirst = this.inverted;
    let total = 0;
    for (let s = 0; s < value.length; s++) {
      const v = s < mainCount ? (value[s] as number) : -(value[s] as number);
      const from = start[s] as number;
      const to = start[s + 1] as number;
      total += v;
      const leaf = frameFunction[frames[leafFirst ? from : to - 1] as number] as number;
      flat[leaf] = (flat[leaf] as number) + v;
      for (let k = from; k < to; k++) {
        const fn = frameFunction[frames[k] as number] as number;
        if (stamp[fn] !== s) {
          stamp[fn] = s;
          cum[fn] = (cum[fn] as number) + v;
        }
      }
    }
    const rows: TopRow[] = [];
    functions.forEach((fn, i) => {
      if (flat[i] !== 0 || cum[i] !== 0) rows.push({ function: fn.name, file: fn.file, flat: flat[i] as number, cum: cum[i] as number });
    });
    return { total, rows: firstTopRows(rows, limit), functions: rows.length };
  }

  /**
   * The subtree at `id` as FlameNodes, children below `minFraction` of that node's magnitude folded
   * into their parent (`truncated`). Undefined for an unknown id.
   */
  flameNode(id: number, minFraction: number): FlameNode | undefined {
    if (!this.has(id)) return undefined;
    const threshold = this.magnitude(id) * minFraction;
    return this.materialize(id, threshold);
  }

  private magnitude(n: number): number {
    return magnitudeOf(this.total[n] as number, this.baseTotal ? (this.baseTotal[n] as number) : undefined);
  }

  private materialize(n: number, threshold: number): FlameNode {
    this.split(n);
    const fn = this.stacks.functions[this.nodeFunction[n] as number];
    const total = this.total[n] as number;
    const node: FlameNode = {
      id: n,
      name: n === ROOT_ID ? 'root' : (fn?.name ?? ''),
      file: fn?.file ?? '',
      line: this.nodeLine[n] as number,
      self: this.self[n] as number,
      total,
      children: [],
    };
    if (this.baseTotal) node.delta = total - (this.baseTotal[n] as number);
    const first = this.firstChild[n] as number;
    for (let child = first; child < first + (this.childCount[n] as number); child++) {
      if (isVisible(this.magnitude(child), threshold)) node.children.push(this.materialize(child, threshold));
      else node.truncated = true;
    }
    return node;
  }

  /**
   * Finds the children of node n: its stacks grouped by the function one level deeper, each group a
   * new node with its sums; stacks that end at n make its self. Children are ordered by function name
   * then file, so the graph reads alphabetically as pprof's does.
   */
  private split(n: number): void {
    if ((this.firstChild[n] as number) >= 0) return;
    const { frameFunction, frameLine, frames, start, value, mainCount } = this.stacks;
    const { perm, scratch, keyOf, bucketOf } = this;
    const lo = this.lo[n] as number;
    const hi = this.hi[n] as number;
    const d = this.depth[n] as number;
    const buckets: number[] = []; // functions in the order first met
    const counts: number[] = [];
    const sums: number[] = [];
    const baseSums: number[] = [];
    const lines: number[] = [];
    let selfCount = 0;
    let self = 0;
    for (let k = lo; k < hi; k++) {
      const s = perm[k] as number;
      const at = (start[s] as number) + d;
      const v = value[s] as number;
      if (at >= (start[s + 1] as number)) {
        keyOf[k] = -1;
        selfCount++;
        if (s < mainCount) self += v;
        continue;
      }
      const frame = frames[at] as number;
      const fn = frameFunction[frame] as number;
      let b = bucketOf[fn] as number;
      if (b < 0) {
        b = buckets.push(fn) - 1;
        bucketOf[fn] = b;
        counts.push(0);
        sums.push(0);
        baseSums.push(0);
        lines.push(frameLine[frame] as number); // the first stack's line, as pprof's tree keeps it
      }
      keyOf[k] = b;
      counts[b] = (counts[b] as number) + 1;
      if (s < mainCount) sums[b] = (sums[b] as number) + v;
      else baseSums[b] = (baseSums[b] as number) + v;
    }
    for (const fn of buckets) bucketOf[fn] = -1;

    const { functions } = this.stacks;
    const order = buckets.map((_, b) => b).sort((a, b) => compareFunctions(functions[buckets[a] as number] as FunctionKey, functions[buckets[b] as number] as FunctionKey));
    // Stable counting sort of the range: the stacks ending here first, then each child's in order.
    const at = new Array<number>(buckets.length);
    let next = lo + selfCount;
    const firstChild = this.nodes;
    for (const b of order) {
      at[b] = next;
      const child = this.addNode(n, buckets[b] as number, lines[b] as number, d + 1, next, next + (counts[b] as number));
      this.total[child] = sums[b] as number;
      if (this.baseTotal) this.baseTotal[child] = baseSums[b] as number;
      next += counts[b] as number;
    }
    let selfAt = lo;
    for (let k = lo; k < hi; k++) {
      const b = keyOf[k] as number;
      if (b < 0) scratch[selfAt++] = perm[k] as number;
      else scratch[(at[b] as number)++] = perm[k] as number;
    }
    perm.set(scratch.subarray(lo, hi), lo);
    this.self[n] = self;
    this.firstChild[n] = firstChild;
    this.childCount[n] = buckets.length;
  }

  private addNode(parent: number, fn: number, line: number, depth: number, lo: number, hi: number): number {
    const n = this.nodes++;
    if (n >= this.parent.length) this.grow();
    this.parent[n] = parent;
    this.nodeFunction[n] = fn;
    this.nodeLine[n] = line;
    this.depth[n] = depth;
    this.lo[n] = lo;
    this.hi[n] = hi;
    this.firstChild[n] = -1;
    return n;
  }

  private grow(): void {
    const cap = this.parent.length * 2;
    const grown = <T extends Int32Array | Uint32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a);
      return b;
    };
    this.nodeFunction = grown(this.nodeFunction);
    this.nodeLine = grown(this.nodeLine);
    this.parent = grown(this.parent);
    this.depth = grown(this.depth);
    this.lo = grown(this.lo);
    this.hi = grown(this.hi);
    this.firstChild = grown(this.firstChild);
    this.childCount = grown(this.childCount);
    this.total = grown(this.total);
    this.self = grown(this.self);
    if (this.baseTotal) this.baseTotal = grown(this.baseTotal);
  }
}

function compareFunctions(a: FunctionKey, b: FunctionKey): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
}
