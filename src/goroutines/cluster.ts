import type { Goroutine, GoroutineDump, GoroutineGroup, GoroutineSummary, StackFrame, StackRecord } from './model';
import { compareStates } from './stateOrder';

/** Identity of a stack: function, file and line of every frame (arguments are not part of it). */
export function stackKey(frames: readonly StackFrame[]): string {
  let key = '';
  for (const f of frames) key += `${f.function}\u0000${f.file}\u0000${f.line}\u0001`;
  return key;
}

/** Values a group's label lists for a key its goroutines disagree on, before `…`. */
export const GROUP_LABEL_VALUES = 3;

/**
 * Groups goroutines that share a state and a stack: groups with goroutines Go proved leaked first (most
 * proved first), then largest first. Groups from a debug=1/debug=0 profile (no states) keep the state
 * "unknown"; from a goroutineleak profile, all their goroutines are proved leaked. Labels from a
 * goroutine profile can be joined onto the groups of a debug=2 dump of the same moment with `joinLabels`.
 */
export function clusterGoroutines(dump: GoroutineDump): GoroutineSummary {
  let groups: GoroutineGroup[];
  if (dump.format === 'debug2') {
    const grouping = new GoroutineGrouping();
    for (const g of dump.goroutines) grouping.add(g);
    groups = grouping.groups();
  } else {
    groups = groupRecords(dump.records, dump.profile === 'goroutineleak');
  }
  return summarizeGroups(groups, dump.total, dump.truncated);
}

/**
 * Groups goroutines as a reader hands them over (readGoroutineDump), then summarizes them as
 * clusterGoroutines does: a large dump is clustered without holding its goroutines.
 */
export function clusterGoroutineStream(read: (visit: (g: Goroutine) => void) => { total: number; truncated: boolean }): GoroutineSummary {
  const grouping = new GoroutineGrouping();
  const { total, truncated } = read((g) => grouping.add(g));
  return summarizeGroups(grouping.groups(), total, truncated);
}

function summarizeGroups(groups: GoroutineGroup[], total: number, truncated: boolean): GoroutineSummary {
  groups.sort((a, b) => b.leaked - a.leaked || b.count - a.count || compareStates(a.state, b.state) || (a.ids[0] ?? 0) - (b.ids[0] ?? 0));
  const states: Record<string, number> = {};
  let leaked = 0;
  for (const g of groups) {
    states[g.state] = (states[g.state] ?? 0) + g.count;
    leaked += g.leaked;
  }
  return { total, leaked, truncated, states, groups };
}

/**
 * The label sets a group's goroutines carry. The parser shares one object per distinct set, so the usual
 * group (one route) is one object seen over and over; values are collected per key only when sets differ.
 */
class GroupLabels {
  private first: Record<string, string> | null = null;
  private values: Map<string, { list: string[]; more: boolean }> | null = null;
  /** Label-set objects already collected (a few dozen at most: past that, collecting again is cheap enough). */
  private readonly seen = new Set<Record<string, string>>();

  add(labels: Record<string, string>): void {
    if (labels === this.first) return;
    if (this.first === null) {
      this.first = labels;
      return;
    }
    if (this.seen.has(labels)) return;
    if (this.seen.size < 64) this.seen.add(labels);
    if (this.values === null) {
      this.values = new Map();
      this.collect(this.first);
    }
    this.collect(labels);
  }

  private collect(labels: Record<string, string>): void {
    const values = this.values as Map<string, { list: string[]; more: boolean }>;
    for (const key in labels) {
      const value = labels[key] as string;
      let entry = values.get(key);
      if (!entry) values.set(key, (entry = { list: [], more: false }));
      if (entry.list.includes(value)) continue;
      if (entry.list.length < GROUP_LABEL_VALUES) entry.list.push(value);
      else entry.more = true;
    }
  }

  /** One label set for the group: the shared object when every goroutine carries the same. */
  result(): Record<string, string> | null {
    if (this.values === null) return this.first;
    const out: Record<string, string> = {};
    for (const [key, { list, more }] of this.values) out[key] = list.join(' | ') + (more ? ' | …' : '');
    return out;
  }
}

/** Goroutines of a debug=2 dump grouped by state and stack, one at a time. */
class GoroutineGrouping {
  private readonly byKey = new Map<string, GoroutineGroup>();
  // Frame identity → small number: the parser shares frame objects, so equal frames are usually the
  // same object; equal frames that are not fall back to their text.
  private readonly frameIds = new Map<StackFrame, number>();
  private readonly textIds = new Map<string, number>();
  // The parser shares one frames array per stack: its key is built once, and its groups (one per state) are
  // found without building the state's key again.
  private readonly stacks = new Map<readonly StackFrame[], { key: string; byState: Map<string, GoroutineGroup> }>();
  private readonly labelsOf = new Map<GoroutineGroup, GroupLabels>();

  add(g: Goroutine): void {
    let stack = this.stacks.get(g.frames);
    if (stack === undefined) {
      let key = '';
      for (const f of g.frames) key += `,${this.idOf(f)}`;
      this.stacks.set(g.frames, (stack = { key, byState: new Map() }));
    }
    let group = stack.byState.get(g.state);
    if (!group) {
      const key = `${g.state}${stack.key}`;
      group = this.byKey.get(key);
      if (!group) {
        group = {
          count: 0,
          leaked: 0,
          state: g.state,
          minWaitMinutes: null,
          maxWaitMinutes: null,
          createdBy: g.createdBy,
          lockedToThread: false,
          labels: null,
          frames: g.frames,
          ids: [],
        };
        this.byKey.set(key, group);
      }
      stack.byState.set(g.state, group);
    }
    group.count++;
    group.ids.push(g.id);
    // The runtime prints no wait under a minute: treat it as 0 so the range says "0–25 minutes".
    const wait = g.waitMinutes ?? 0;
    group.minWaitMinutes = group.minWaitMinutes === null ? wait : Math.min(group.minWaitMinutes, wait);
    group.maxWaitMinutes = group.maxWaitMinutes === null ? wait : Math.max(group.maxWaitMinutes, wait);
    if (g.lockedToThread) group.lockedToThread = true;
    if (g.leaked) group.leaked++;
    if (g.labels) {
      let labels = this.labelsOf.get(group);
      if (!labels) this.labelsOf.set(group, (labels = new GroupLabels()));
      labels.add(g.labels);
    }
  }

  groups(): GoroutineGroup[] {
    for (const [group, labels] of this.labelsOf) group.labels = labels.result();
    return [...this.byKey.values()];
  }

  private idOf(f: StackFrame): number {
    let id = this.frameIds.get(f);
    if (id === undefined) {
      const text = `${f.function}\u0000${f.file}\u0000${f.line}`;
      id = this.textIds.get(text);
      if (id === undefined) this.textIds.set(text, (id = this.textIds.size));
      this.frameIds.set(f, id);
    }
    return id;
  }
}

function groupRecords(records: readonly StackRecord[], leaked: boolean): GoroutineGroup[] {
  const byKey = new Map<string, GoroutineGroup>();
  const labelsOf = new Map<GoroutineGroup, GroupLabels>();
  for (const r of records) {
    const key = stackKey(r.frames);
    let group = byKey.get(key);
    if (!group) {
      group = { count: 0, leaked: 0, state: 'unknown', minWaitMinutes: null, maxWaitMinutes: null, createdBy: null, lockedToThread: false, labels: null, frames: r.frames, ids: [] };
      byKey.set(key, group);
    }
    group.count += r.count;
    if (leaked) group.leaked += r.count;
    if (r.labels) {
      let labels = labelsOf.get(group);
      if (!labels) labelsOf.set(group, (labels = new GroupLabels()));
      labels.add(r.labels);
    }
  }
  for (const [group, labels] of labelsOf) group.labels = labels.result();
  return [...byKey.values()];
}

/**
 * Joins the labels of a debug=1 or debug=0 profile onto the groups of a debug=2 dump, by stack: for
 * services whose dumps print no labels (before Go 1.27, or with GODEBUG=tracebacklabels=0). A group
 * whose goroutines printed labels keeps them: the join is a guess by stack, the header is not. A debug=2
 * stack may be deeper than the profile's (the profile drops runtime frames at the top): a record
 * matches when its frames are the dump's frames with the same innermost user frames.
 */
export function joinLabels(summary: GoroutineSummary, profile: GoroutineDump): number {
  const labelled = profile.records.filter((r) => r.labels && Object.keys(r.labels).length > 0);
  if (labelled.length === 0) return 0;
  const byKey = new Map<string, StackRecord[]>();
  for (const r of labelled) {
    const key = stackKey(r.frames.filter((f) => !f.function.startsWith('runtime.')));
    const list = byKey.get(key) ?? [];
    list.push(r);
    byKey.set(key, list);
  }
  let joined = 0;
  for (const g of summary.groups) {
    if (g.labels) continue;
    const matches = byKey.get(stackKey(g.frames.filter((f) => !f.function.startsWith('runtime.'))));
    if (!matches) continue;
    for (const m of matches) g.labels = { ...(g.labels ?? {}), ...(m.labels ?? {}) };
    joined++;
  }
  return joined;
}

/** The import path of a frame's function: `net/http.(*conn).serve` → `net/http`. */
export function packageOf(fn: string): string {
  const slash = fn.lastIndexOf('/');
  const dot = fn.indexOf('.', slash + 1);
  return dot < 0 ? fn : fn.slice(0, dot);
}

/**
 * Whether a frame belongs to the Go runtime or standard library: its import path's first element has
 * no dot (`runtime`, `net/http`), it is not `main`, and it is not one of the workspace's own modules
 * (`userModules`, from go.mod: a module path without a dot is allowed).
 */
export function isStandardFrame(frame: StackFrame, userModules: readonly string[] = []): boolean {
  const pkg = packageOf(frame.function);
  if (pkg === 'main' || userModules.some((m) => pkg === m || pkg.startsWith(`${m}/`))) return false;
  const first = pkg.split('/')[0] ?? pkg;
  return !first.includes('.');
}
