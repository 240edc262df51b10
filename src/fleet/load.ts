/**
 * Loading a fleet from a Prometheus-compatible server: count the series first, from the series index (a
 * selector that matches nothing or far too much gets one clear message instead of a huge answer), then the
 * range queries of the four metrics at once, then the pure report.
 */
import { FleetError } from './errors';
import { FLEET_METRICS, metricQuery, normalizeSelector, type FleetMetric } from './promql';
import { countSeries, labelValues, queryRange, type PrometheusSource, type RangeSeries } from './prometheus';
import { chooseStep, type TimeRange } from './range';
import { buildFleetReport, type FleetReport } from './report';

/** Instances beyond this are refused with the count: a page of 10,000 charts helps nobody. */
export const DEFAULT_MAX_SERIES = 2000;

export interface FleetRequest {
  source: PrometheusSource;
  /** Label matchers, `{job="api"}`. */
  selector: string;
  range: TimeRange;
  maxSeries?: number;
}

export async function loadFleet(request: FleetRequest): Promise<FleetReport> {
  const selector = normalizeSelector(request.selector);
  const { source, range } = request;
  const step = chooseStep(range);
  const count = await countSeries(source, metricQuery('goroutines', selector), range);
  if (count === 0) throw await noSeries(source, selector, range);
  const max = request.maxSeries ?? DEFAULT_MAX_SERIES;
  if (count > max) {
    throw new FleetError('too-many-series', `${selector} matches ${count.toLocaleString('en-US')} instances (at most ${max.toLocaleString('en-US')} are shown): narrow the selector, e.g. add a job, namespace or instance=~"…" matcher`);
  }
  const metrics = Object.keys(FLEET_METRICS) as FleetMetric[];
  const answers = await Promise.all(metrics.map((m) => queryRange(source, metricQuery(m, selector), range, step)));
  const series: Partial<Record<FleetMetric, RangeSeries[]>> = {};
  metrics.forEach((m, i) => (series[m] = answers[i] as RangeSeries[]));
  return buildFleetReport(series, range, step, selector);
}

async function noSeries(source: PrometheusSource, selector: string, range: TimeRange): Promise<FleetError> {
  let jobs = '';
  try {
    const values = await labelValues(source, 'job', FLEET_METRICS.goroutines);
    jobs = values.length ? ` (jobs exporting go_goroutines: ${values.slice(0, 20).join(', ')}${values.length > 20 ? ', …' : ''})` : ' (no job on this server exports go_goroutines)';
  } catch {
    // The hint is a courtesy; the message stands without it.
  }
  const from = new Date(range.start * 1000).toISOString();
  const to = new Date(range.end * 1000).toISOString();
  return new FleetError('no-series', `${selector} matches no go_goroutines series between ${from} and ${to}${jobs}`);
}

/** The `job` values the selector picker offers: jobs that export Go runtime metrics. */
export function fleetJobs(source: PrometheusSource): Promise<string[]> {
  return labelValues(source, 'job', FLEET_METRICS.goroutines);
}
