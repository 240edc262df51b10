import { FleetError } from '../../fleet/errors';
import { DEFAULT_MAX_SERIES, loadFleet } from '../../fleet/load';
import type { PrometheusSource } from '../../fleet/prometheus';
import { parseRange } from '../../fleet/range';
import { fleetReportJson, type FleetReport } from '../../fleet/report';
import type { Trend } from '../../fleet/trend';
import type { FetchOptions } from '../../pprof/fetch';
import { formatValue } from '../../pprof/units';
import { chooseFormat, lastValue, parseArgs, type ParsedArgs } from '../args';
import { EXIT_OK, UsageError, type CliIO, type Command } from '../command';

/** The environment variable a bearer token is read from (never a flag: flags end up in shell history). */
export const TOKEN_ENV = 'GOROSCOPE_FLEET_TOKEN';

export const fleetCommand: Command = {
  name: 'fleet',
  summary: 'rank leak suspects across every instance of a service, from Prometheus',
  usage: `usage: goroscope fleet <prometheus-url> --selector '{job="api"}' [--range 6h] [--format text|json]

Reads go_goroutines and go_memstats_heap_inuse_bytes of every instance the selector matches from a
Prometheus-compatible server (Prometheus, Thanos, Mimir, VictoriaMetrics) and ranks the instances
whose goroutines or heap keep growing without levelling off. Restarts (process_start_time_seconds
changing, counters resetting, series that stop and start again) are found and not taken for drops;
every instance growing alike (a leak in the code) is told apart from one instance growing.

  --selector S       label matchers, e.g. {job="api"} or {job="api",instance=~"10\\\\..*"}
  --range R          6h (default), 1h, 24h, 7d; 1h@24h is one hour ending 24 hours ago;
                     START..END in ISO 8601 (2026-12-01T10:00Z..2026-12-01T12:00Z)
  --max-series N     refuse selectors matching more instances (default ${DEFAULT_MAX_SERIES})
  --header 'K: V'    an extra request header (repeatable); a bearer token comes from $${TOKEN_ENV}
  --insecure         accept a TLS certificate that does not verify
  --format text|json text (default); json: {range, instances: [{instance, labels,
                     goroutines: {first, last, perHour}, heapInuse: {first, last, perHour}, restarts}],
                     suspects: [{kind, instance, perHour, unit, score, evidence}]}

Exit status: 0 on success, 2 on a usage, network or server error.
`,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { flags, positionals } = parseArgs(args, [
      { name: 'selector', takesValue: true },
      { name: 'range', takesValue: true },
      { name: 'max-series', takesValue: true },
      { name: 'header', takesValue: true },
      { name: 'insecure', takesValue: false },
      { name: 'format', takesValue: true },
      { name: 'help', short: 'h', takesValue: false },
    ]);
    if (flags.has('help')) {
      io.stdout(this.usage);
      return EXIT_OK;
    }
    const format = chooseFormat(flags, ['text', 'json'] as const);
    if (positionals.length !== 1) throw new UsageError('fleet takes one Prometheus URL (see goroscope fleet --help)');
    const selector = lastValue(flags, 'selector');
    if (selector === undefined) throw new UsageError('fleet needs --selector, e.g. --selector \'{job="api"}\'');
    const maxSeries = Number(lastValue(flags, 'max-series') ?? DEFAULT_MAX_SERIES);
    if (!Number.isInteger(maxSeries) || maxSeries < 1) throw new UsageError('--max-series must be a whole number of at least 1');
    const source: PrometheusSource = { url: positionals[0] as string, fetch: fetchOptions(flags, io) };
    let report: FleetReport;
    try {
      const range = parseRange(lastValue(flags, 'range') ?? '6h', Math.floor(Date.now() / 1000));
      report = await loadFleet({ source, selector, range, maxSeries });
    } catch (err) {
      if (err instanceof FleetError) throw new UsageError(err.message);
      throw err;
    }
    io.stdout(format === 'json' ? `${JSON.stringify(fleetReportJson(report), null, 2)}\n` : formatFleetText(report));
    return EXIT_OK;
  },
};

/** Transport options from --header, --insecure and the token's environment variable. */
export function fetchOptions(flags: ParsedArgs['flags'], io: CliIO): FetchOptions {
  const opts: FetchOptions = {};
  const headers: Record<string, string> = {};
  for (const header of flags.get('header') ?? []) {
    const colon = header.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header takes "Name: value", not ${JSON.stringify(header)}`);
    headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
  }
  if (Object.keys(headers).length) opts.headers = headers;
  if (flags.has('insecure')) opts.insecure = true;
  const token = io.env[TOKEN_ENV];
  if (token) opts.bearerToken = token;
  return opts;
}

function trendCell(trend: Trend | null, unit: 'goroutines' | 'bytes'): string {
  if (!trend) return '—';
  const show = (v: number) => (unit === 'bytes' ? formatValue(v, 'bytes') : String(Math.round(v)));
  const rate = `${trend.perHour >= 0 ? '+' : '−'}${show(Math.abs(trend.perHour))}/h`;
  return `${show(trend.first)} → ${show(trend.last)} (${rate})`;
}

export function formatFleetText(report: FleetReport): string {
  const iso = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
  const lines = [
    `${report.selector} from ${iso(report.range.start)} to ${iso(report.range.end)} (step ${report.step} s): ${report.instances.length} instances, ${report.suspects.length} suspects`,
    '',
  ];
  report.suspects.forEach((s, i) => {
    const rate = s.unit === 'bytes' ? formatValue(s.perHour, 'bytes') : `${s.perHour} goroutines`;
    lines.push(`${i + 1}. [${s.kind}] ${s.instance}  +${rate}/h  score ${s.score}`);
    for (const e of s.evidence) lines.push(`   - ${e}`);
    lines.push('');
  });
  if (report.suspects.length === 0) lines.push('No instance kept growing over the range.', '');
  const rows = report.instances.map((i) => [i.instance, trendCell(i.goroutines, 'goroutines'), trendCell(i.heapInuse, 'bytes'), String(i.restarts.length)]);
  const header = ['instance', 'goroutines', 'heap in use', 'restarts'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  for (const row of [header, ...rows]) lines.push(row.map((cell, c) => cell.padEnd(widths[c] as number)).join('  ').trimEnd());
  return `${lines.join('\n')}\n`;
}
