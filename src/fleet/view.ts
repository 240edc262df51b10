/**
 * What the fleet page draws, from a fleet report: instances with their suspects first, and charts
 * thinned to what a small chart can show (a page of 500 instances receives a few hundred kilobytes, not
 * the million points of the range queries).
 */
import type { FleetView, FleetInstanceView } from '../protocol/fleet';
import type { FleetReport } from './report';

/** Points of one small chart: more than its pixels would waste the message and the page's time. */
export const CHART_POINTS = 120;

export function buildFleetView(report: FleetReport, title: string, source: string): FleetView {
  const rank = new Map<string, number>();
  report.suspects.forEach((s, i) => {
    if (!rank.has(s.instance)) rank.set(s.instance, i);
  });
  // The charts share one time axis, from the fleet's first point (not the range's start: a fleet scraped
  // for the last ten minutes of a 7-day range would otherwise be a dot at the right edge of every chart).
  const times = report.instances[0]?.chart.times ?? [];
  let from = times.length;
  for (const i of report.instances) {
    const first = Math.min(firstFinite(i.chart.goroutines), firstFinite(i.chart.heapInuse));
    if (first < from) from = first;
  }
  if (from >= times.length) from = 0;
  const instances: FleetInstanceView[] = report.instances.map((i) => ({
    instance: i.instance,
    labels: i.labels,
    goroutines: i.goroutines ? { first: i.goroutines.first, last: i.goroutines.last, perHour: i.goroutines.perHour } : null,
    heapInuse: i.heapInuse ? { first: i.heapInuse.first, last: i.heapInuse.last, perHour: i.heapInuse.perHour } : null,
    restarts: i.restarts.map((r) => r.at),
    suspectRank: rank.get(i.instance) ?? null,
    goroutinesChart: thin(i.chart.goroutines.slice(from)),
    heapChart: thin(i.chart.heapInuse.slice(from)),
  }));
  instances.sort((a, b) => (a.suspectRank ?? Infinity) - (b.suspectRank ?? Infinity) || a.instance.localeCompare(b.instance, 'en', { numeric: true }));
  return {
    title,
    source,
    selector: report.selector,
    range: report.range,
    step: report.step,
    chartStart: times[from] ?? report.range.start,
    instances,
    suspects: report.suspects.map((s) => ({ kind: s.kind, instance: s.instance, perHour: s.perHour, unit: s.unit, score: s.score, evidence: s.evidence, pattern: s.pattern })),
  };
}

function firstFinite(values: readonly number[]): number {
  const index = values.findIndex(Number.isFinite);
  return index < 0 ? Infinity : index;
}

/** The chart's values at CHART_POINTS evenly spaced places (the largest value of each bucket: peaks survive); null where none. */
export function thin(values: readonly number[]): Array<number | null> {
  if (values.length <= CHART_POINTS) return values.map((v) => (Number.isFinite(v) ? v : null));
  const out: Array<number | null> = [];
  for (let b = 0; b < CHART_POINTS; b++) {
    const from = Math.floor((b * values.length) / CHART_POINTS);
    const to = Math.floor(((b + 1) * values.length) / CHART_POINTS);
    let best: number | null = null;
    for (let i = from; i < to; i++) {
      const v = values[i] as number;
      if (Number.isFinite(v) && (best === null || v > best)) best = v;
    }
    out.push(best);
  }
  return out;
}
