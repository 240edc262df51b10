/**
 * Fleet leak suspects: instances whose goroutines or heap in use keep growing over the range without
 * levelling off, ranked, with the evidence in words. Growth is measured between restarts (a restart is
 * not a drop), and an instance is read against the rest of its fleet: every instance growing alike points
 * at the code they all run; one instance growing while the others stay flat points at that instance's
 * state (a stuck worker, a bad client).
 */
import { formatValue } from '../pprof/units';
import type { Restart, Trend } from './trend';

export type SuspectKind = 'goroutines' | 'heap';

export interface FleetInstance {
  /** The `instance` label (else every label, for series without one). */
  instance: string;
  /** Every label of its series but `__name__`. */
  labels: Record<string, string>;
  goroutines: Trend | null;
  heapInuse: Trend | null;
  /** The GC's heap goal (go_memstats_next_gc_bytes), when exported: heap in use only counts as growing when this grows too. */
  heapGoal: Trend | null;
  restarts: Restart[];
  /** The points of the charts: times (seconds) and the two gauges, NaN where a point is missing. */
  chart: { times: number[]; goroutines: number[]; heapInuse: number[] };
}

/** How an instance's growth compares with the fleet's. */
export type FleetPattern = 'fleet-wide' | 'some' | 'isolated';

export interface FleetSuspect {
  kind: SuspectKind;
  instance: string;
  perHour: number;
  unit: 'goroutines' | 'bytes';
  /** Higher is more suspicious; comparable across kinds. */
  score: number;
  evidence: string[];
  pattern: FleetPattern;
}

/** Below these an instance's growth is noise, whatever its slope (a goroutine pool warming up, a GC cycle). */
const MIN_GROWTH: Record<SuspectKind, number> = { goroutines: 10, heap: 1024 * 1024 };
/** Growth must also be this share of the instance's usual level. */
const MIN_RELATIVE_GROWTH = 0.2;
/** Below this r² the series wanders rather than grows. */
const MIN_R2 = 0.5;
/** At least this share of the instances growing, with rates within ALIKE_SPREAD of each other, is "every instance grows alike". */
const FLEET_WIDE_SHARE = 0.75;
const ALIKE_SPREAD = 4;

/** Each half of the range must grow at this share of the whole range's rate or more. */
const MIN_HALF_SHARE = 1 / 3;

/**
 * Whether a trend is a leak's: it keeps growing, in both halves of the range (not a warm-up or a cache that
 * levels off, nor one step up: a single collection that raised the heap goal, a deploy), steadily and by
 * enough to matter.
 */
export function isGrowing(trend: Trend | null, kind: SuspectKind): trend is Trend {
  if (!trend || trend.perHour <= 0 || trend.r2 < MIN_R2 || !keepsGrowing(trend)) return false;
  return trend.growth >= Math.max(MIN_GROWTH[kind], MIN_RELATIVE_GROWTH * Math.abs(trend.median));
}

/** Both halves grow at a good share of the whole's rate; a range too short to halve shows no such thing. */
function keepsGrowing(trend: Trend): boolean {
  const halves = trend.halvesPerHour;
  return halves !== null && halves.every((rate) => rate >= MIN_HALF_SHARE * trend.perHour);
}

/**
 * Whether an instance's heap grows like a leak's. With the GC's heap goal exported, the goal must keep
 * growing: it is about twice what survived the last collection, so it rises only when more survives each
 * one, while heap in use saws up and down between collections (and a quiet process fills toward the goal
 * for a minute or more without one). Heap in use must keep rising too,
 * in both halves of the range: a process that restarted mid-range and fills its fresh heap in the second
 * half only, its first half flat, is not leaking. Without the goal, heap in use alone decides.
 */
function heapGrowing(instance: FleetInstance): boolean {
  const goal = instance.heapGoal;
  if (goal === null) return isGrowing(instance.heapInuse, 'heap');
  const inuse = instance.heapInuse;
  return isGrowing(goal, 'heap') && inuse !== null && inuse.perHour > 0 && inuse.growth >= MIN_GROWTH.heap && keepsGrowing(inuse);
}

/** Suspects of the fleet, highest score first; an instance that does not grow is not one. */
export function rankFleetSuspects(instances: readonly FleetInstance[]): FleetSuspect[] {
  const suspects: FleetSuspect[] = [];
  for (const kind of ['goroutines', 'heap'] as const) {
    const trendOf = (i: FleetInstance): Trend | null => (kind === 'heap' ? i.heapInuse : i.goroutines);
    const measured = instances.filter((i) => trendOf(i) !== null);
    const growing = measured.filter((i) => (kind === 'heap' ? heapGrowing(i) : isGrowing(trendOf(i), kind)));
    if (growing.length === 0) continue;
    const rates = growing.map((i) => (trendOf(i) as Trend).perHour);
    const alike = Math.max(...rates) <= ALIKE_SPREAD * Math.min(...rates);
    const pattern: FleetPattern =
      measured.length >= 2 && growing.length >= Math.ceil(FLEET_WIDE_SHARE * measured.length) && alike
        ? 'fleet-wide'
        : growing.length === 1 || growing.length * 2 < measured.length
          ? 'isolated'
          : 'some';
    const flat = measured.filter((i) => !growing.includes(i));
    const flatRate = flat.length ? median(flat.map((i) => (trendOf(i) as Trend).perHour)) : 0;
    for (const instance of growing) {
      const trend = trendOf(instance) as Trend;
      const unit = kind === 'heap' ? 'bytes' : 'goroutines';
      const relative = trend.growth / Math.max(MIN_GROWTH[kind], Math.abs(trend.median));
      suspects.push({
        kind,
        instance: instance.instance,
        perHour: round(trend.perHour, kind === 'heap' ? 0 : 2),
        unit,
        // How steady the growth is: the goal's line for heap when exported (heap in use saws between collections).
        score: round(relative * (kind === 'heap' && instance.heapGoal ? instance.heapGoal.r2 : trend.r2) * 10, 2),
        evidence: [
          ...growthEvidence(kind, trend, kind === 'heap' ? instance.heapGoal : null),
          ...restartEvidence(instance.restarts),
          patternEvidence(pattern, kind, growing.length, measured.length, rates, flatRate),
        ],
        pattern,
      });
    }
  }
  return suspects.sort((a, b) => b.score - a.score || a.instance.localeCompare(b.instance));
}

function amount(kind: SuspectKind, value: number): string {
  return kind === 'heap' ? formatValue(value, 'bytes') : `${Math.round(value).toLocaleString('en-US')}`;
}

/** The growth in words; for heap judged by the GC's goal, the goal's steadiness (heap in use saws between collections). */
function growthEvidence(kind: SuspectKind, trend: Trend, goal: Trend | null): string[] {
  const what = kind === 'heap' ? 'heap in use' : 'goroutines';
  const growth = `${what} ${amount(kind, trend.first)} → ${amount(kind, trend.last)}: +${amount(kind, trend.perHour)}/h between restarts`;
  if (!goal) return [`${growth}, steady (r² ${trend.r2.toFixed(2)}), ${halvesEvidence(kind, trend)}`];
  return [`${growth}, ${halvesEvidence(kind, trend)}`, `the GC's heap goal ${amount(kind, goal.first)} → ${amount(kind, goal.last)}, steady (r² ${goal.r2.toFixed(2)}), ${halvesEvidence(kind, goal)}: more survives each collection (not garbage waiting for the next one)`];
}

function halvesEvidence(kind: SuspectKind, trend: Trend): string {
  const [early, late] = trend.halvesPerHour ?? [trend.perHour, trend.perHour];
  return `not levelling off (+${amount(kind, early)}/h in the first half of the range, +${amount(kind, late)}/h in the second)`;
}

function restartEvidence(restarts: readonly Restart[]): string[] {
  if (restarts.length === 0) return [];
  const when = restarts.map((r) => new Date(r.at * 1000).toISOString().replace('.000Z', 'Z')).join(', ');
  const how = [...new Set(restarts.map((r) => ({ 'start-time': 'process_start_time_seconds changed', 'counter-reset': 'a counter reset', gap: 'the series stopped and came back lower' })[r.how]))].join('; ');
  return [`restarted ${restarts.length === 1 ? 'once' : `${restarts.length} times`} (${when}; ${how}): it grew again after each restart, and the drops at restarts are not counted as decreases`];
}

function patternEvidence(pattern: FleetPattern, kind: SuspectKind, growing: number, measured: number, rates: number[], flatRate: number): string {
  const span = `${amount(kind, Math.min(...rates))}–${amount(kind, Math.max(...rates))}/h`;
  if (pattern === 'fleet-wide') {
    return `every instance grows alike (${growing} of ${measured}, ${span}): a leak in the code they all run, not one instance's state`;
  }
  if (pattern === 'isolated') {
    const others = measured - growing;
    return `only ${growing === 1 ? 'this instance grows' : `${growing} of ${measured} instances grow`}; the other ${others} do not grow steadily (median ${flatRate >= 0 ? '+' : ''}${amount(kind, flatRate)}/h): look at this instance's state (a stuck worker, a bad client), not the code all run`;
  }
  return `${growing} of ${measured} instances grow (${span}): the growth follows something only some instances see (their traffic, their version)`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
