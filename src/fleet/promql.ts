/**
 * The PromQL the fleet view sends. A user's selector is a set of label matchers (`{job="api"}`); the
 * metric names are ours: the ones every Go service instrumented with prometheus/client_golang exports.
 */
import { FleetError } from './errors';

/** The metrics a fleet is read from, by what they tell. */
export const FLEET_METRICS = {
  goroutines: 'go_goroutines',
  heapInuse: 'go_memstats_heap_inuse_bytes',
  /** The GC's heap goal: twice the live heap after the last collection (GOGC=100). It moves only when what
   * survives collection grows, so it tells a leak from garbage piling up until the next GC. */
  heapGoal: 'go_memstats_next_gc_bytes',
  /** Changes when the process restarts. */
  startTime: 'process_start_time_seconds',
  /** A counter since the process started: it resets when the process restarts (also where the process
   * collector is missing). */
  allocatedTotal: 'go_memstats_alloc_bytes_total',
} as const;

export type FleetMetric = keyof typeof FLEET_METRICS;

/** One label matcher as PromQL spells it: `name op "value"`. */
const MATCHER = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)\s*/;

/**
 * `{job="api", instance=~"10\\..*"}` (braces optional) → the same matchers in canonical form, braces
 * included. Anything else (a metric name, a function, an unbalanced quote) is a FleetError saying what a
 * selector looks like: the selector is pasted into every query, so it must be matchers only.
 */
export function normalizeSelector(text: string): string {
  let body = text.trim();
  if (body.startsWith('{')) {
    if (!body.endsWith('}')) throw badSelector(text, 'it opens { but does not end with }');
    body = body.slice(1, -1);
  } else if (/^[A-Za-z_:][A-Za-z0-9_:]*\s*\{/.test(body)) {
    throw badSelector(text, 'give the label matchers only: the metric names are Goroscope’s own');
  }
  const matchers: string[] = [];
  let rest = body.trim();
  while (rest.length > 0) {
    const match = MATCHER.exec(rest);
    if (!match) throw badSelector(text, `cannot read the matcher at "${rest.slice(0, 40)}"`);
    matchers.push(`${match[1]}${match[2]}${match[3]}`);
    rest = rest.slice(match[0].length);
    if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
    else if (rest.length > 0) throw badSelector(text, `expected "," before "${rest.slice(0, 40)}"`);
  }
  if (matchers.some((m) => m.startsWith('__name__'))) throw badSelector(text, '__name__ is chosen by Goroscope');
  return `{${matchers.join(', ')}}`;
}

function badSelector(text: string, why: string): FleetError {
  return new FleetError('bad-selector', `${JSON.stringify(text)} is not a selector (${why}); write it like {job="api"}`);
}

/** The series of `metric` that `selector` matches: `go_goroutines{job="api"}`. */
export function metricQuery(metric: FleetMetric, selector: string): string {
  return `${FLEET_METRICS[metric]}${selector}`;
}
