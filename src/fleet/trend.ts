/**
 * One instance's series over a range: where its process restarted, and how fast a gauge (goroutines, heap
 * in use) grows between restarts. A restart takes the gauge back to where a fresh process starts; that
 * drop is not the leak going away, so growth is measured within each run of the process and pooled.
 */
import type { RangeSeries } from './prometheus';

export interface Restart {
  /** Seconds since the epoch: the new process's start time when it is known, else the first point after. */
  at: number;
  /** What showed it: process_start_time_seconds changed, a counter went back, or the series stopped and came back lower. */
  how: 'start-time' | 'counter-reset' | 'gap';
}

export interface Trend {
  /** The first and last values in the range. */
  first: number;
  last: number;
  /** Growth per hour within the runs of the process (least squares, pooled over runs). */
  perHour: number;
  /** How well a straight line explains the runs (pooled r², 0–1): steady growth is near 1, noise near 0. */
  r2: number;
  /**
   * Growth per hour within each half of the time (pooled between restarts, as perHour), or null when a half
   * has fewer than three points. A leak grows in both; a cache filling up or a process warming up grows in
   * the first only, and a single step (one collection that raised the heap goal, a deploy) in one or neither.
   */
  halvesPerHour: [number, number] | null;
  /** perHour × the hours the runs cover: what the instance gained, restarts not counted as losses. */
  growth: number;
  /** Median of the values: the instance's usual level. */
  median: number;
  /** Number of points. */
  points: number;
}

/**
 * Restarts seen in an instance's series. `startTime` is process_start_time_seconds, `counter` a counter
 * that starts at zero with the process (go_memstats_alloc_bytes_total), `gauge` the goroutine series whose
 * gaps (scrapes that stopped, then started again lower) tell a restart where neither is exported.
 * Restarts closer than two steps are one.
 */
export function findRestarts(
  series: { startTime?: RangeSeries | undefined; counter?: RangeSeries | undefined; gauge?: RangeSeries | undefined },
  step: number,
): Restart[] {
  const found: Restart[] = [];
  const start = series.startTime;
  if (start) {
    for (let i = 1; i < start.values.length; i++) {
      const before = start.values[i - 1] as number;
      const after = start.values[i] as number;
      if (Math.abs(after - before) >= 1) {
        // The process's own start time, kept inside the interval where the change was seen.
        const at = Math.min(start.times[i] as number, Math.max((start.times[i - 1] as number) + 0.001, after));
        found.push({ at, how: 'start-time' });
      }
    }
  }
  const counter = series.counter;
  if (counter) {
    for (let i = 1; i < counter.values.length; i++) {
      if ((counter.values[i] as number) < (counter.values[i - 1] as number)) found.push({ at: counter.times[i] as number, how: 'counter-reset' });
    }
  }
  const gauge = series.gauge;
  if (gauge) {
    for (let i = 1; i < gauge.values.length; i++) {
      const gap = (gauge.times[i] as number) - (gauge.times[i - 1] as number);
      if (gap > 2.5 * step && (gauge.values[i] as number) < (gauge.values[i - 1] as number)) found.push({ at: gauge.times[i] as number, how: 'gap' });
    }
  }
  found.sort((a, b) => a.at - b.at);
  const merged: Restart[] = [];
  for (const restart of found) {
    const last = merged.at(-1);
    if (last && restart.at - last.at <= 2 * step) continue;
    merged.push(restart);
  }
  return merged;
}

/** Pooled least-squares sums over the runs of a series between restarts. */
interface Sums {
  sxx: number;
  sxy: number;
  syy: number;
  seconds: number;
}

function pooledSums(times: readonly number[], values: readonly number[], restarts: readonly Restart[], from = 0, to = times.length): Sums {
  const sums: Sums = { sxx: 0, sxy: 0, syy: 0, seconds: 0 };
  let runStart = from;
  let next = 0;
  while (next < restarts.length && (restarts[next] as Restart).at <= (times[from] ?? Infinity)) next++;
  for (let i = from; i <= to; i++) {
    const endsRun = i === to || (next < restarts.length && (times[i] as number) >= (restarts[next] as Restart).at);
    if (!endsRun) continue;
    addRun(sums, times, values, runStart, i);
    runStart = i;
    while (next < restarts.length && (restarts[next] as Restart).at <= (times[i] ?? Infinity)) next++;
  }
  return sums;
}

function addRun(sums: Sums, times: readonly number[], values: readonly number[], from: number, to: number): void {
  const n = to - from;
  if (n < 2) return;
  let mt = 0;
  let mv = 0;
  for (let i = from; i < to; i++) {
    mt += times[i] as number;
    mv += values[i] as number;
  }
  mt /= n;
  mv /= n;
  for (let i = from; i < to; i++) {
    const dt = (times[i] as number) - mt;
    const dv = (values[i] as number) - mv;
    sums.sxx += dt * dt;
    sums.sxy += dt * dv;
    sums.syy += dv * dv;
  }
  sums.seconds += (times[to - 1] as number) - (times[from] as number);
}

/** The trend of a gauge between restarts; null when the series has fewer than three finite points. */
export function gaugeTrend(series: RangeSeries, restarts: readonly Restart[]): Trend | null {
  const times: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < series.values.length; i++) {
    const v = series.values[i] as number;
    if (Number.isFinite(v)) {
      times.push(series.times[i] as number);
      values.push(v);
    }
  }
  if (values.length < 3) return null;
  const all = pooledSums(times, values, restarts);
  const perSecond = all.sxx > 0 ? all.sxy / all.sxx : 0;
  const r2 = all.sxx > 0 && all.syy > 0 ? (all.sxy * all.sxy) / (all.sxx * all.syy) : 0;

  // The halves of the time, each measured as the whole is: growth that keeps on shows in both. Halves, not
  // a short last part: a heap goal moves in steps (one per collection), and a short part can fall between two.
  const t0 = times[0] as number;
  const middle = t0 + 0.5 * ((times.at(-1) as number) - t0);
  const split = times.findIndex((t) => t >= middle);
  let halvesPerHour: [number, number] | null = null;
  if (split >= 3 && times.length - split >= 3) {
    const slope = (sums: Sums) => (sums.sxx > 0 ? (sums.sxy / sums.sxx) * 3600 : 0);
    halvesPerHour = [slope(pooledSums(times, values, restarts, 0, split)), slope(pooledSums(times, values, restarts, split, times.length))];
  }
  return {
    first: values[0] as number,
    last: values.at(-1) as number,
    perHour: perSecond * 3600,
    r2,
    halvesPerHour,
    growth: perSecond * all.seconds,
    median: median(values),
    points: values.length,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
