import { isStandardFrame, stackKey } from '../goroutines/cluster';
import type { GoroutineGroup, GoroutineSummary, StackFrame } from '../goroutines/model';
import type { Profile } from '../pprof/model';
import { formatValue } from '../pprof/units';
import type { LeakDetection } from './leakDetection';

/**
 * Leak suspects from snapshots of one service taken over time. Pure: the watch loop (CLI or
 * extension) takes the snapshots, this ranks what keeps growing.
 *
 * - Goroutine groups (state + stack) whose count keeps growing and whose oldest members keep getting
 *   older, weighted towards blocking states in user code and goroutines created by user code.
 * - Heap allocation sites whose inuse_space grows across three or more snapshots without levelling
 *   off: a cache that fills and then stays flat is not a suspect.
 * - A goroutine group Go's leak detector proved leaked (its goroutines marked `(leaked)` in the last
 *   snapshot) is confirmed by the runtime, with the count it proved, growing or not.
 */

export interface MemSample {
  heapInuse: number;
  heapAlloc: number;
  stackInuse: number;
  numGC: number;
}

export interface LeakSnapshot {
  /** Milliseconds since the epoch. */
  takenAt: number;
  goroutines: GoroutineSummary | null;
  /** A heap profile taken with gc=1. */
  heap: Profile | null;
  /** That heap profile as the service sent it (gzipped), for storing the snapshot. */
  heapBytes?: Uint8Array;
  memstats: MemSample | null;
  /** Whether Go's leak detector ran for these goroutines (null: unknown, or stored by an older Goroscope). */
  leakDetection: LeakDetection | null;
  /** Why parts of this snapshot are missing (the service stopped answering, a profile failed). */
  problems: string[];
}

export interface Suspect {
  kind: 'heap' | 'goroutines';
  /** The allocation site (heap) or the group's innermost user-code frame (goroutines). */
  function: string;
  file: string;
  line: number;
  /** Growth from the first to the last snapshot considered, in `unit`. */
  growth: number;
  unit: 'bytes' | 'goroutines';
  /** Higher is more suspicious; comparable across kinds. */
  score: number;
  /** What the ranking rests on, in words. */
  evidence: string[];
  /** Per snapshot (of those considered): count of goroutines or inuse bytes. */
  trend: number[];
  /**
   * Goroutines of this group Go's leak detector proved leaked at the last snapshot that has the group
   * (0 for heap suspects, when the service has no goroutineleak profile, or when nothing was proved).
   */
  confirmedByRuntime: number;
  /** For goroutine suspects: the group's state and stack. */
  state?: string;
  frames?: readonly StackFrame[];
}

export interface Series {
  takenAt: number[];
  goroutines: Array<number | null>;
  heapInuse: Array<number | null>;
  stackInuse: Array<number | null>;
  numGC: Array<number | null>;
}

export interface LeakReport {
  snapshots: number;
  series: Series;
  suspects: Suspect[];
  /** Snapshots after which the service restarted (its counters went back): earlier ones are not compared. */
  restarts: number[];
}

/** States in which a goroutine waits on something another goroutine must do: where leaks sit. */
const BLOCKING = /^(chan receive|chan send|select|semacquire|sync\.|sleep|IO wait|chan receive \(nil chan\)|chan send \(nil chan\)|select \(no cases\))/;

export function findLeakSuspects(snapshots: readonly LeakSnapshot[], userModules: readonly string[] = []): LeakReport {
  const restarts = findRestarts(snapshots);
  const since = restarts.length > 0 ? (restarts[restarts.length - 1] as number) : 0;
  const window = snapshots.slice(since);
  const suspects = [...goroutineSuspects(window, userModules), ...heapSuspects(window, userModules)];
  suspects.sort((a, b) => b.score - a.score || a.function.localeCompare(b.function));
  return { snapshots: snapshots.length, series: seriesOf(snapshots), suspects, restarts };
}

function seriesOf(snapshots: readonly LeakSnapshot[]): Series {
  return {
    takenAt: snapshots.map((s) => s.takenAt),
    goroutines: snapshots.map((s) => s.goroutines?.total ?? null),
    heapInuse: snapshots.map((s) => s.memstats?.heapInuse ?? (s.heap ? inuseTotal(s.heap) : null)),
    stackInuse: snapshots.map((s) => s.memstats?.stackInuse ?? null),
    numGC: snapshots.map((s) => s.memstats?.numGC ?? null),
  };
}

/** A snapshot whose GC count went down since the previous one belongs to a new process. */
function findRestarts(snapshots: readonly LeakSnapshot[]): number[] {
  const restarts: number[] = [];
  let lastGC: number | null = null;
  snapshots.forEach((s, i) => {
    const gc = s.memstats?.numGC ?? null;
    if (gc !== null && lastGC !== null && gc < lastGC) restarts.push(i);
    if (gc !== null) lastGC = gc;
  });
  return restarts;
}

function goroutineSuspects(snapshots: readonly LeakSnapshot[], userModules: readonly string[]): Suspect[] {
  const present = snapshots.filter((s) => s.goroutines);
  if (present.length < 2) return [];
  const keyOf = (g: GoroutineGroup) => `${g.state}\u0002${stackKey(g.frames)}`;
  const byKey = new Map<string, { group: GoroutineGroup; counts: number[]; oldest: Array<number | null>; proven: number }>();
  present.forEach((s, i) => {
    for (const g of s.goroutines?.groups ?? []) {
      const key = keyOf(g);
      let entry = byKey.get(key);
      if (!entry) {
        entry = { group: g, counts: new Array<number>(present.length).fill(0), oldest: new Array<number | null>(present.length).fill(null), proven: 0 };
        byKey.set(key, entry);
      }
      entry.counts[i] = g.count;
      entry.oldest[i] = g.maxWaitMinutes;
      entry.group = g;
      // Goroutines stored by an older Goroscope have no count of proven leaks.
      entry.proven = g.leaked ?? 0;
    }
  });
  const seconds = Math.max(1, ((present[present.length - 1]?.takenAt ?? 0) - (present[0]?.takenAt ?? 0)) / 1000);
  const suspects: Suspect[] = [];
  for (const { group, counts, oldest, proven } of byKey.values()) {
    const first = counts[0] ?? 0;
    const last = counts[counts.length - 1] ?? 0;
    const growth = last - first;
    const rises = steps(counts).filter((d) => d > 0).length;
    const falls = steps(counts).filter((d) => d < 0).length;
    // Proved at the last snapshot that has the group: a group gone since proves nothing now.
    const confirmed = proven > 0 && (counts[counts.length - 1] ?? 0) > 0;
    // Keeps growing: up at two steps or more, at least half of them, and rarely down.
    const enoughRises = rises >= 2 && rises >= (counts.length - 1) / 2;
    if (!confirmed && (growth <= 0 || !enoughRises || falls > rises / 2)) continue;
    const userFrame = group.frames.find((f) => !isStandardFrame(f, userModules));
    const createdByUser = group.createdBy ? !isStandardFrame(group.createdBy, userModules) : false;
    const blocking = BLOCKING.test(group.state);
    const olderEachTime = oldestKeepsAging(oldest);
    let weight = 1;
    if (blocking) weight *= 2;
    if (userFrame) weight *= 2;
    if (createdByUser) weight *= 1.5;
    if (olderEachTime) weight *= 1.5;
    if (confirmed) weight *= 4;
    const consistency = rises / Math.max(1, counts.length - 1);
    const relative = growth / Math.max(1, first);
    // Both terms count growth only: a confirmed group that shrank (or left the dumps) has relative −1, and
    // log1p(−1) is −Infinity, which JSON turns into null.
    const score = round((Math.log1p(Math.max(0, growth)) + Math.log1p(Math.max(0, relative))) * consistency * weight);
    const site = userFrame ?? group.frames[0] ?? { function: '(no stack)', file: '', line: 0 };
    const evidence = [
      `${first} → ${last} goroutines in [${group.state}] over ${present.length} snapshots (${rate(growth, seconds)} per minute), up at ${rises} of ${counts.length - 1} steps`,
    ];
    if (olderEachTime) evidence.push(`the oldest have waited ${oldest.filter((x) => x !== null).join(' → ')} minutes`);
    if (group.createdBy) evidence.push(`created by ${group.createdBy.function}${createdByUser ? ' (your code)' : ''}`);
    if (confirmed) {
      const all = proven === last;
      evidence.push(`the Go runtime proved ${all ? (proven === 1 ? 'it' : `all ${proven}`) : `${proven} of the ${last}`} leaked: nothing can ever wake ${proven === 1 ? 'it' : 'them'} (goroutineleak)`);
    }
    suspects.push({
      kind: 'goroutines',
      function: site.function,
      file: site.file,
      line: site.line,
      growth,
      unit: 'goroutines',
      score,
      evidence,
      trend: counts,
      state: group.state,
      frames: group.frames,
      confirmedByRuntime: confirmed ? proven : 0,
    });
  }
  return suspects;
}

function oldestKeepsAging(oldest: ReadonlyArray<number | null>): boolean {
  const known = oldest.filter((x): x is number => x !== null);
  return known.length >= 2 && steps(known).every((d) => d >= 0) && (known[known.length - 1] ?? 0) > (known[0] ?? 0);
}

/**
 * Sum of inuse_space by allocation site: the innermost frame of the user's code (a `bytes.Buffer` that
 * grows belongs to whoever fills it), else the innermost frame that is not the runtime's allocator.
 */
export function inuseBySite(heap: Profile, userModules: readonly string[] = []): Map<string, { bytes: number; frame: { name: string; file: string; line: number } }> {
  const index = heap.sampleTypes.findIndex((t) => t.type === 'inuse_space');
  const sites = new Map<string, { bytes: number; frame: { name: string; file: string; line: number } }>();
  if (index < 0) return sites;
  for (const s of heap.samples) {
    const value = s.values[index] ?? 0;
    if (value === 0) continue;
    let frame = heap.frames[s.stack[0] ?? -1];
    let user = false;
    for (const i of s.stack) {
      const f = heap.frames[i];
      if (!f) continue;
      if (!isStandardFrame({ function: f.name, file: f.file, line: f.line }, userModules)) {
        frame = f;
        user = true;
        break;
      }
    }
    if (!user) {
      for (const i of s.stack) {
        const f = heap.frames[i];
        if (f && !f.name.startsWith('runtime.')) {
          frame = f;
          break;
        }
      }
    }
    if (!frame) continue;
    const entry = sites.get(frame.name);
    if (entry) entry.bytes += value;
    else sites.set(frame.name, { bytes: value, frame });
  }
  return sites;
}

function inuseTotal(heap: Profile): number {
  let total = 0;
  for (const v of inuseBySite(heap).values()) total += v.bytes;
  return total;
}

const MIN_HEAP_GROWTH = 256 * 1024;

function heapSuspects(snapshots: readonly LeakSnapshot[], userModules: readonly string[]): Suspect[] {
  const present = snapshots.filter((s) => s.heap);
  if (present.length < 3) return [];
  const perSnapshot = present.map((s) => inuseBySite(s.heap as Profile, userModules));
  const names = new Set<string>();
  for (const m of perSnapshot) for (const k of m.keys()) names.add(k);
  const seconds = Math.max(1, ((present[present.length - 1]?.takenAt ?? 0) - (present[0]?.takenAt ?? 0)) / 1000);
  const suspects: Suspect[] = [];
  for (const name of names) {
    const trend = perSnapshot.map((m) => m.get(name)?.bytes ?? 0);
    const first = trend[0] ?? 0;
    const last = trend[trend.length - 1] ?? 0;
    const growth = last - first;
    if (growth < MIN_HEAP_GROWTH) continue;
    const d = steps(trend);
    const rises = d.filter((x) => x > 0).length;
    if (rises < 2 || rises < d.length * 0.6) continue;
    // Levelling off: the recent steps grow far less than the earlier ones (a cache that filled up).
    const half = Math.max(1, Math.floor(d.length / 2));
    const early = mean(d.slice(0, half));
    const late = mean(d.slice(-half));
    if (late <= 0 || late < early * 0.15) continue;
    const frame = perSnapshot.find((m) => m.has(name))?.get(name)?.frame ?? { name, file: '', line: 0 };
    const consistency = rises / d.length;
    const inUserCode = !isStandardFrame({ function: name, file: frame.file, line: frame.line }, userModules);
    const score = round((Math.log1p(growth / 1024) + Math.log1p(growth / Math.max(1, first))) * consistency * (inUserCode ? 3 : 1.5));
    suspects.push({
      kind: 'heap',
      function: name,
      file: frame.file,
      line: frame.line,
      growth,
      unit: 'bytes',
      score,
      evidence: [
        `inuse_space ${bytes(first)} → ${bytes(last)} over ${present.length} heap snapshots taken after a GC (${bytes((growth / seconds) * 60)} per minute)`,
        `grew at ${rises} of ${d.length} steps and is still growing (recent steps ${bytes(late)} each, earlier ${bytes(early)})`,
      ],
      trend,
      confirmedByRuntime: 0,
    });
  }
  return suspects;
}

function steps(values: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < values.length; i++) out.push((values[i] ?? 0) - (values[i - 1] ?? 0));
  return out;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function rate(growth: number, seconds: number): string {
  const perMinute = (growth / seconds) * 60;
  return perMinute >= 10 ? String(Math.round(perMinute)) : perMinute.toFixed(1);
}

function bytes(n: number): string {
  return formatValue(n, 'bytes');
}
