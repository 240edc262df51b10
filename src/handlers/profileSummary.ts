/**
 * What "Profile this handler" says about a capture: the focus regexp for the handler's function, the
 * pprof label that matches its route (when the service labels requests), its share of the CPU, its
 * allocation rate, its hottest callees, and the one-line summary shown on its lens. Pure.
 */
import type { TopRow } from '../pprof/model';
import { formatValue } from '../pprof/units';

/**
 * A Go regexp matching exactly the handler's function in profiles, whether or not `symbol` carries
 * its package path (`api.handlePrimes`, `example.com/m/api.handlePrimes`).
 */
export function focusPattern(symbol: string): string {
  const escaped = symbol.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
  return `(?:^|[/.])${escaped}$`;
}

/**
 * The label (key and value) whose value is the handler's route: `route=/primes`, or a Go 1.22 pattern
 * (`GET /items/{id}`) against a route of the same path. Undefined when no label names the route.
 */
export function routeLabel(labels: Record<string, string[]>, route: string | null, method: string | null): { key: string; value: string } | undefined {
  if (route === null) return undefined;
  const path = stripMethod(route);
  let best: { key: string; value: string; score: number } | undefined;
  for (const [key, values] of Object.entries(labels)) {
    for (const value of values) {
      let score = 0;
      if (value === route) score = 3;
      else if (stripMethod(value) === path) {
        const m = /^([A-Z]+)\s/.exec(value)?.[1];
        score = m === undefined || method === null || m === method.toUpperCase() ? 2 : 0;
      }
      if (score > (best?.score ?? 0)) best = { key, value, score };
    }
  }
  return best ? { key: best.key, value: best.value } : undefined;
}

/** The tagFocus for a label: the whole value, matched literally (pprof's key=regexp form). */
export function labelFilter(label: { key: string; value: string }): string {
  return `${label.key}=^${label.value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')}$`;
}

function stripMethod(pattern: string): string {
  return pattern.replace(/^[A-Z]+\s+/, '').trim();
}

/**
 * The functions where the handler's samples spend their own time (flat), most first, the handler
 * itself included when its own code is hot. Rows are a focused top (only the handler's samples).
 */
export function hottestCallees(rows: readonly TopRow[], limit = 5): TopRow[] {
  return rows
    .filter((r) => r.flat > 0)
    .sort((a, b) => b.flat - a.flat || a.function.localeCompare(b.function))
    .slice(0, limit);
}

export interface HandlerCost {
  /** The handler's samples over all samples of the CPU profile (0..1); undefined without a CPU profile. */
  cpuShare?: number;
  /** Bytes the handler allocated per second during the capture; undefined without an allocation delta. */
  allocBytesPerSecond?: number;
}

/** `CPU 23% · 1.2 MB/s allocated` (either part alone when the other is missing). */
export function costSummary(cost: HandlerCost): string {
  const parts: string[] = [];
  if (cost.cpuShare !== undefined) parts.push(`CPU ${formatShare(cost.cpuShare)}`);
  if (cost.allocBytesPerSecond !== undefined) parts.push(`${formatValue(cost.allocBytesPerSecond, 'bytes')}/s allocated`);
  return parts.length > 0 ? parts.join(' · ') : 'no samples';
}

/** 0.234 → "23%", small shares keep a decimal ("0.4%"), nothing at all is "0%". */
export function formatShare(share: number): string {
  const pct = share * 100;
  if (pct === 0) return '0%';
  if (pct < 10) return `${Number(pct.toFixed(1))}%`;
  return `${Math.round(pct)}%`;
}
