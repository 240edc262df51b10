/**
 * A fleet report from the series of a range query: instances joined across metrics by their labels,
 * restarts, trends, charts on the query's step grid, and the ranked suspects. Pure: the loader (CLI,
 * extension worker, bench) runs the queries, this reads them.
 */
import type { FleetMetric } from './promql';
import type { RangeSeries } from './prometheus';
import type { TimeRange } from './range';
import { rankFleetSuspects, type FleetInstance, type FleetSuspect } from './suspects';
import { findRestarts, gaugeTrend } from './trend';

export interface FleetReport {
  range: TimeRange;
  /** Seconds between points of the range queries. */
  step: number;
  selector: string;
  instances: FleetInstance[];
  suspects: FleetSuspect[];
}

export type SeriesByMetric = Partial<Record<FleetMetric, readonly RangeSeries[]>>;

/** The identity of an instance across metrics: its labels, sorted, `__name__` already dropped. */
export function instanceKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
}

export function buildFleetReport(series: SeriesByMetric, range: TimeRange, step: number, selector: string): FleetReport {
  const byKey = new Map<string, Partial<Record<FleetMetric, RangeSeries>> & { labels: Record<string, string> }>();
  for (const [metric, list] of Object.entries(series) as Array<[FleetMetric, readonly RangeSeries[]]>) {
    for (const s of list) {
      const key = instanceKey(s.labels);
      let entry = byKey.get(key);
      if (!entry) byKey.set(key, (entry = { labels: s.labels }));
      entry[metric] = s;
    }
  }
  const points = Math.floor((range.end - range.start) / step) + 1;
  const times = Array.from({ length: points }, (_, i) => range.start + i * step);
  const instances: FleetInstance[] = [];
  for (const [key, entry] of byKey) {
    // An instance is one that exports goroutines or heap: a start time alone says nothing to chart.
    if (!entry.goroutines && !entry.heapInuse) continue;
    const restarts = findRestarts({ startTime: entry.startTime, counter: entry.allocatedTotal, gauge: entry.goroutines ?? entry.heapInuse }, step);
    instances.push({
      instance: entry.labels.instance ?? key,
      labels: entry.labels,
      goroutines: entry.goroutines ? gaugeTrend(entry.goroutines, restarts) : null,
      heapInuse: entry.heapInuse ? gaugeTrend(entry.heapInuse, restarts) : null,
      heapGoal: entry.heapGoal ? gaugeTrend(entry.heapGoal, restarts) : null,
      restarts,
      chart: { times, goroutines: onGrid(entry.goroutines, range.start, step, points), heapInuse: onGrid(entry.heapInuse, range.start, step, points) },
    });
  }
  instances.sort((a, b) => a.instance.localeCompare(b.instance, 'en', { numeric: true }));
  return { range, step, selector, instances, suspects: rankFleetSuspects(instances) };
}

/** A series' values at the grid's points (range queries answer on it), NaN where it has none. */
function onGrid(series: RangeSeries | undefined, start: number, step: number, points: number): number[] {
  const values = new Array<number>(points).fill(Number.NaN);
  if (!series) return values;
  for (let i = 0; i < series.times.length; i++) {
    const index = Math.round(((series.times[i] as number) - start) / step);
    if (index >= 0 && index < points) values[index] = series.values[i] as number;
  }
  return values;
}

/** The report as `goroscope fleet --format json` prints it (the shape issue 13 specifies). */
export function fleetReportJson(report: FleetReport) {
  const trend = (t: FleetInstance['goroutines']) => (t ? { first: t.first, last: t.last, perHour: Math.round(t.perHour * 100) / 100 } : null);
  return {
    range: { start: new Date(report.range.start * 1000).toISOString(), end: new Date(report.range.end * 1000).toISOString() },
    instances: report.instances.map((i) => ({
      instance: i.instance,
      labels: i.labels,
      goroutines: trend(i.goroutines),
      heapInuse: trend(i.heapInuse),
      restarts: i.restarts.length,
    })),
    suspects: report.suspects.map((s) => ({ kind: s.kind, instance: s.instance, perHour: s.perHour, unit: s.unit, score: s.score, evidence: s.evidence })),
  };
}
