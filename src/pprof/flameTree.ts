/**
 * The call tree behind the flame graph: one node per distinct path of functions from the root
 * (or, inverted, from the leaf: a function's callers merged over all its call sites), with a
 * diff base when comparing two snapshots (pprof -diff_base: base values subtracted).
 *
 * The tree lives in typed arrays (a 500,000-sample profile makes millions of nodes); FlameNode
 * objects are made only for what a view shows, pruned to what can be seen (prune.ts).
 */
import { forEachStack, viewProfile, type StackView } from './filter';
import type { FlameNode, Profile, SampleType, ViewFilter } from './model';
import { packProfile, type FunctionKey, type PackedProfile } from './packed';
import { isVisible, magnitudeOf } from './prune';
import { matchingSampleIndex } from './sampleTypes';

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
  const builder = new TreeBuilder(options.inverted === true, options.base !== undefined);
  builder.add(view, false);
  if (options.base) {
    const base = packProfile(options.base);
    builder.add(viewProfile(base, matchingSampleIndex(base, view.profile.sampleTypes[sampleIndex] as SampleType), filter), true);
  }
  return builder.finish(view.profile.sampleTypes[sampleIndex] as SampleType);
}

/** A built tree: node arrays plus the functions they name. Node ids are indices, root is 0. */
export class CallTree {
  constructor(
    readonly sampleType: SampleType,
    readonly size: number,
    private readonly functions: FunctionKey[],
    private readonly nodeFunction: Int32Array,
    private readonly nodeLine: Int32Array,
    private readonly parent: Int32Array,
    private readonly childStart: Int32Array,
    private readonly childList: Int32Array,
    private readonly total: Float64Array,
    private readonly self: Float64Array,
    private readonly baseTotal: Float64Array | null,
  ) {}

  get rootTotal(): number {
    return this.total[ROOT_ID] as number;
  }

  /** Ids from the root down to `id` (breadcrumbs), or [] for an unknown id. */
  pathTo(id: number): number[] {
    if (!this.has(id)) return [];
    const path: number[] = [];
    for (let n = id; n >= 0; n = this.parent[n] as number) path.push(n);
    return path.reverse();
  }

  has(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id < this.size;
  }

  /**
   * The flame-graph search's matched share: the sum of `total` over nodes whose function name matches,
   * a match's descendants not counted again (they are inside its box).
   */
  matchedTotal(re: RegExp): number {
    let matched = 0;
    const stack: number[] = [ROOT_ID];
    while (stack.length > 0) {
      const n = stack.pop() as number;
      const fn = this.nodeFunction[n] as number;
      const name = fn >= 0 ? this.functions[fn]?.name : undefined;
      if (name !== undefined && n !== ROOT_ID) {
        re.lastIndex = 0;
        if (re.test(name)) {
          matched += this.total[n] as number;
          continue;
        }
      }
      for (let c = this.childStart[n] as number; c < (this.childStart[n + 1] as number); c++) stack.push(this.childList[c] as number);
    }
    return matched;
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
    const fn = this.functions[this.nodeFunction[n] as number];
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
    for (let k = this.childStart[n] as number; k < (this.childStart[n + 1] as number); k++) {
      const child = this.childList[k] as number;
      if (isVisible(this.magnitude(child), threshold)) node.children.push(this.materialize(child, threshold));
      else node.truncated = true;
    }
    return node;
  }
}

/** Open-addressing table from (parent, function) to child node over typed arrays. */
class TreeBuilder {
  private functions: FunctionKey[] = [];
  private functionIndex = new Map<string, number>();
  private size = 1;
  private nodeFunction = new Int32Array(1024).fill(-1);
  private nodeLine = new Int32Array(1024);
  private parent = new Int32Array(1024).fill(-1);
  private total = new Float64Array(1024);
  private self = new Float64Array(1024);
  private baseTotal: Float64Array | null;
  private table = new Int32Array(2048);
  private mask = 2047;

  constructor(
    private readonly inverted: boolean,
    withBase: boolean,
  ) {
    this.baseTotal = withBase ? new Float64Array(1024) : null;
  }

  add(view: StackView, isBase: boolean): void {
    const { profile } = view;
    this.reserve(Math.min((profile.stackLocations.length >> 2) + 1, 1 << 21));
    const slot = new Int32Array(profile.functions.length);
    profile.functions.forEach((fn, i) => {
      const key = `${fn.name}\0${fn.file}`;
      let j = this.functionIndex.get(key);
      if (j === undefined) {
        j = this.functions.push(fn) - 1;
        this.functionIndex.set(key, j);
      }
      slot[i] = j;
    });
    const frameSlot = new Int32Array(profile.frames.length);
    const frameLine = new Int32Array(profile.frames.length);
    for (let f = 0; f < frameSlot.length; f++) {
      frameSlot[f] = slot[profile.frameFunction[f] as number] as number;
      frameLine[f] = (profile.frames[f] as { line: number }).line;
    }
    const inverted = this.inverted;
    forEachStack(view, (frames, depth, value) => {
      const acc = isBase ? (this.baseTotal as Float64Array) : this.total;
      acc[ROOT_ID] = (acc[ROOT_ID] as number) + value;
      let node = ROOT_ID;
      for (let i = 0; i < depth; i++) {
        const frame = frames[inverted ? i : depth - 1 - i] as number;
        node = this.child(node, frameSlot[frame] as number, frameLine[frame] as number);
        // `child` may have grown the arrays.
        const sums = isBase ? (this.baseTotal as Float64Array) : this.total;
        sums[node] = (sums[node] as number) + value;
      }
      if (!isBase) this.self[node] = (this.self[node] as number) + value;
    });
  }

  private child(parent: number, fn: number, line: number): number {
    const mask = this.mask;
    let h = (Math.imul(parent ^ Math.imul(fn, 0x85ebca77), 0x9e3779b1) >>> 7) & mask;
    for (;;) {
      const entry = this.table[h] as number;
      if (entry === 0) break;
      const n = entry - 1;
      if (this.parent[n] === parent && this.nodeFunction[n] === fn) return n;
      h = (h + 1) & mask;
    }
    const n = this.size++;
    if (n >= this.parent.length) this.growNodes();
    this.parent[n] = parent;
    this.nodeFunction[n] = fn;
    this.nodeLine[n] = line;
    this.table[h] = n + 1;
    if (this.size * 2 > this.table.length) this.growTable();
    return n;
  }

  /** Room for `nodes` nodes up front: growing a multi-million-node tree step by step costs copies and GC. */
  private reserve(nodes: number): void {
    while (this.parent.length < nodes) this.growNodes();
    while (nodes * 2 > this.table.length) this.growTable();
  }

  private growNodes(): void {
    const cap = this.parent.length * 2;
    const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.nodeFunction = grow(this.nodeFunction, (n) => new Int32Array(n));
    this.nodeLine = grow(this.nodeLine, (n) => new Int32Array(n));
    this.parent = grow(this.parent, (n) => new Int32Array(n));
    this.total = grow(this.total, (n) => new Float64Array(n));
    this.self = grow(this.self, (n) => new Float64Array(n));
    if (this.baseTotal) this.baseTotal = grow(this.baseTotal, (n) => new Float64Array(n));
  }

  private growTable(): void {
    const size = this.table.length * 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
    for (let n = 1; n < this.size; n++) {
      let h = (Math.imul((this.parent[n] as number) ^ Math.imul(this.nodeFunction[n] as number, 0x85ebca77), 0x9e3779b1) >>> 7) & this.mask;
      while (this.table[h] !== 0) h = (h + 1) & this.mask;
      this.table[h] = n + 1;
    }
  }

  finish(sampleType: SampleType): CallTree {
    const n = this.size;
    // Children in one flat list per parent (CSR), each parent's sorted by function name then file, so
    // the graph reads alphabetically as pprof's does: a counting sort by name rank, then a stable one by parent.
    const fns = this.functions;
    const order = fns.map((_, i) => i).sort((a, b) => {
      const fa = fns[a] as FunctionKey;
      const fb = fns[b] as FunctionKey;
      return fa.name < fb.name ? -1 : fa.name > fb.name ? 1 : fa.file < fb.file ? -1 : fa.file > fb.file ? 1 : 0;
    });
    const rank = new Int32Array(fns.length);
    order.forEach((fn, r) => (rank[fn] = r));
    const byRank = countingSort(n - 1, fns.length, (k) => rank[this.nodeFunction[k + 1] as number] as number);
    const childStart = new Int32Array(n + 1);
    for (let i = 1; i < n; i++) {
      const p = (this.parent[i] as number) + 1;
      childStart[p] = (childStart[p] as number) + 1;
    }
    for (let i = 0; i < n; i++) childStart[i + 1] = (childStart[i + 1] as number) + (childStart[i] as number);
    const fill = childStart.slice(0, n);
    const childList = new Int32Array(Math.max(0, n - 1));
    for (let k = 0; k < n - 1; k++) {
      const node = (byRank[k] as number) + 1;
      const p = this.parent[node] as number;
      const at = fill[p] as number;
      childList[at] = node;
      fill[p] = at + 1;
    }
    return new CallTree(
      sampleType,
      n,
      fns,
      this.nodeFunction.subarray(0, n),
      this.nodeLine.subarray(0, n),
      this.parent.subarray(0, n),
      childStart,
      childList,
      this.total.subarray(0, n),
      this.self.subarray(0, n),
      this.baseTotal ? this.baseTotal.subarray(0, n) : null,
    );
  }
}

/** Indices 0..n-1 ordered by key (0..keys-1), stable. */
function countingSort(n: number, keys: number, keyOf: (i: number) => number): Int32Array {
  const count = new Int32Array(keys + 1);
  const key = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = keyOf(i);
    key[i] = k;
    count[k + 1] = (count[k + 1] as number) + 1;
  }
  for (let k = 0; k < keys; k++) count[k + 1] = (count[k + 1] as number) + (count[k] as number);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = key[i] as number;
    const at = count[k] as number;
    out[at] = i;
    count[k] = at + 1;
  }
  return out;
}
