/**
 * Time ranges of fleet queries and the step of their range queries. Times are seconds since the epoch,
 * as Prometheus's API takes them. The step keeps every series under MAX_POINTS points, however long the
 * range: a week of 500 instances stays a few hundred thousand points, not forty million.
 */
import { FleetError } from './errors';

export interface TimeRange {
  /** Seconds since the epoch. */
  start: number;
  end: number;
}

/** Most points a series of one range query may have (Prometheus itself refuses more than 11,000). */
export const MAX_POINTS = 1000;

/** The ranges the quick pick and `--range` offer. */
export const PRESET_RANGES = ['1h', '6h', '24h', '7d'] as const;


const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `90s`, `15m`, `6h`, `1h30m`, `7d`, `2w` → seconds. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (!/^(\d+(\.\d+)?[smhdw])+$/.test(trimmed)) {
    throw new FleetError('bad-range', `"${text}" is not a duration (write it like 30m, 6h, 24h or 7d)`);
  }
  let seconds = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)) {
    seconds += Number(amount) * (UNIT_SECONDS[unit as string] as number);
  }
  if (seconds <= 0) throw new FleetError('bad-range', `"${text}" is an empty duration`);
  return seconds;
}

/**
 * A range ending `now`: `6h` (the last six hours), `1h@24h` (one hour, ending 24 hours ago: the same hour
 * yesterday), or explicit `START..END` in ISO 8601 (`2026-12-01T10:00Z..2026-12-01T12:00Z`).
 */
export function parseRange(text: string, nowSeconds: number): TimeRange {
  const trimmed = text.trim();
  if (trimmed.includes('..')) {
    const [from, to] = trimmed.split('..', 2) as [string, string];
    const start = parseInstant(from);
    const end = parseInstant(to);
    if (end <= start) throw new FleetError('bad-range', `the range ${text} ends before it starts`);
    return { start, end };
  }
  const [length, ago] = trimmed.split('@', 2) as [string, string | undefined];
  const end = nowSeconds - (ago === undefined ? 0 : parseDuration(ago));
  return { start: end - parseDuration(length), end };
}

function parseInstant(text: string): number {
  const ms = Date.parse(text.trim());
  if (!Number.isFinite(ms)) throw new FleetError('bad-range', `"${text}" is not a time (write it like 2026-12-01T10:00Z)`);
  return Math.floor(ms / 1000);
}

/** Steps a person reads easily; a range query's step is the smallest of these that fits the point budget. */
const NICE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400];

/** The step (seconds) of a range query over `range`: at most `maxPoints` points per series, never below `minStep`. */
export function chooseStep(range: TimeRange, maxPoints = MAX_POINTS, minStep = 1): number {
  const length = Math.max(0, range.end - range.start);
  const needed = Math.max(minStep, length / (maxPoints - 1));
  const nice = NICE_STEPS.find((s) => s >= needed);
  return nice ?? Math.ceil(needed / 86_400) * 86_400;
}

/** Points a range query returns per series with this step. */
export function pointsPerSeries(range: TimeRange, step: number): number {
  return Math.floor((range.end - range.start) / step) + 1;
}

/** `6 h`, `7 d`, `1 h 30 min`: a duration for people. */
export function formatDuration(seconds: number): string {
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['min', 60], ['s', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
  }
  return parts.length ? parts.slice(0, 2).join(' ') : '0 s';
}
