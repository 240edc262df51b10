/** Values formatted for people in the profile's unit: bytes → "1.2 MB", nanoseconds → "23 ms", counts → "1,234". */

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
const TIME_STEPS: Array<[number, string]> = [
  [3600e9, 'h'],
  [60e9, 'min'],
  [1e9, 's'],
  [1e6, 'ms'],
  [1e3, 'µs'],
  [1, 'ns'],
];
const TIME_UNIT_NS: Record<string, number> = {
  nanoseconds: 1,
  nanosecond: 1,
  ns: 1,
  microseconds: 1e3,
  microsecond: 1e3,
  us: 1e3,
  milliseconds: 1e6,
  millisecond: 1e6,
  ms: 1e6,
  seconds: 1e9,
  second: 1e9,
  s: 1e9,
};
const COUNT_UNITS = new Set(['count', 'counts', 'objects', 'samples', '']);

/**
 * Bytes use powers of 1024 with pprof's names (kB = 1024 B); times pick the largest unit that keeps
 * the number at or above 1; both keep three significant digits. Counts print whole numbers with
 * thousands separators up to 10,000, then k/M/G. Unknown units print the number followed by the unit.
 */
export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  const u = unit.toLowerCase();
  if (u === 'bytes' || u === 'byte' || u === 'b') {
    let i = 0;
    let v = abs;
    while (v >= 1024 && i < BYTE_UNITS.length - 1) {
      v /= 1024;
      i++;
    }
    return `${sign}${i === 0 ? String(Math.round(v)) : significant(v)} ${BYTE_UNITS[i]}`;
  }
  const toNs = TIME_UNIT_NS[u];
  if (toNs !== undefined) {
    const ns = abs * toNs;
    if (ns === 0) return '0 s';
    for (const [size, name] of TIME_STEPS) {
      if (ns >= size || size === 1) return `${sign}${significant(ns / size)} ${name}`;
    }
  }
  if (COUNT_UNITS.has(u)) return sign + formatCount(abs);
  return `${sign}${formatCount(abs)} ${unit}`;
}

/** `part` as a percentage of `total` with one decimal ("41.2%"); "0%" for an empty total. */
export function formatPercent(part: number, total: number): string {
  if (total === 0) return '0%';
  return `${((100 * part) / total).toFixed(1)}%`;
}

function formatCount(n: number): string {
  if (n < 10_000) return Math.round(n).toLocaleString('en-US');
  const steps: Array<[number, string]> = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, name] of steps) if (n >= size) return `${significant(n / size)} ${name}`;
  return String(n);
}

/** Three significant digits, no trailing zeros: 1.23, 12.3, 123. */
function significant(v: number): string {
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return String(Number(v.toFixed(digits)));
}
