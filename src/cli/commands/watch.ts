import { findLeakSuspects, type LeakReport, type LeakSnapshot } from '../../leaks/suspects';
import { GoroutineLeakPolicy, isGoroutineLeakSetting } from '../../leaks/leakDetection';
import { watchService } from '../../leaks/watch';
import { EndpointError, parsePprofUrl } from '../../pprof/endpoints';
import { formatValue } from '../../pprof/units';
import { chooseFormat, parseArgs } from '../args';
import { EXIT_OK, UsageError, type CliIO, type Command } from '../command';

export const watchCommand: Command = {
  name: 'watch',
  summary: 'snapshot a live service over time and rank leak suspects',
  usage: `usage: goroscope watch <url> [--interval S] [--count N] [--leak-profile auto|off] [--format text|json]

Takes N snapshots of a service, S seconds apart: goroutines (debug=2), a heap profile after a
GC (gc=1), /debug/vars memstats when served. When the service offers the goroutineleak profile
(Go 1.27; Go 1.26 with GOEXPERIMENT=goroutineleakprofile), the goroutines are read from it at most
once a minute: Go's GC pass then proves which goroutines leaked (it costs GC time, hence the
minute), and the dumps in between keep its marks. Ranks suspects: goroutine groups that keep
growing or that Go proved leaked, heap allocation sites whose inuse_space grows across three or
more snapshots without levelling off. A snapshot that fails is reported and the watch goes on.

  --interval S            seconds between snapshots (default 10)
  --count N               number of snapshots, at least 3 for heap suspects (default 6)
  --leak-profile auto|off auto: Go's leak detection at most once a minute (default); off: never
  --format text|json      output format (default: text)
`,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { flags, positionals } = parseArgs(args, [
      { name: 'interval', takesValue: true },
      { name: 'count', takesValue: true },
      { name: 'leak-profile', takesValue: true },
      { name: 'format', takesValue: true },
      { name: 'help', short: 'h', takesValue: false },
    ]);
    if (flags.has('help')) {
      io.stdout(this.usage);
      return EXIT_OK;
    }
    const format = chooseFormat(flags, ['text', 'json'] as const);
    const intervalSeconds = positiveNumber(flags.get('interval')?.at(-1) ?? '10', '--interval');
    const count = positiveNumber(flags.get('count')?.at(-1) ?? '6', '--count');
    if (!Number.isInteger(count) || count < 2) throw new UsageError('--count must be a whole number of at least 2');
    const leakProfile = flags.get('leak-profile')?.at(-1) ?? 'auto';
    if (!isGoroutineLeakSetting(leakProfile)) throw new UsageError(`--leak-profile must be auto or off, not ${JSON.stringify(leakProfile)}`);
    if (positionals.length !== 1) throw new UsageError('watch takes one URL (see goroscope watch --help)');
    let base: string;
    try {
      base = parsePprofUrl(positionals[0] as string).base;
    } catch (err) {
      if (err instanceof EndpointError) throw new UsageError(err.message);
      throw err;
    }
    const snapshots = await watchService(base, {
      intervalSeconds,
      count,
      leakPolicy: new GoroutineLeakPolicy(leakProfile),
      onSnapshot: (s, i) => io.stderr(progressLine(s, i, count)),
    });
    if (snapshots.every((s) => !s.goroutines && !s.heap && !s.memstats)) {
      throw new UsageError(`${base}: no snapshot could be taken: ${snapshots[0]?.problems[0] ?? 'the service did not answer'}`);
    }
    const report = findLeakSuspects(snapshots);
    io.stdout(format === 'json' ? `${JSON.stringify(toJson(report), null, 2)}\n` : formatText(report));
    return EXIT_OK;
  },
};

function positiveNumber(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number, not ${JSON.stringify(text)}`);
  return n;
}

function progressLine(s: LeakSnapshot, i: number, count: number): string {
  const parts = [`snapshot ${i + 1}/${count}`];
  if (s.goroutines) parts.push(`${s.goroutines.total} goroutines${s.goroutines.leaked > 0 ? ` (${s.goroutines.leaked} proven leaked${s.leakDetection === 'ran' ? ', leak detection ran' : ''})` : s.leakDetection === 'ran' ? ' (leak detection ran: none proven leaked)' : ''}`);
  if (s.memstats) parts.push(`heap in use ${formatValue(s.memstats.heapInuse, 'bytes')}`);
  for (const p of s.problems) parts.push(`(${p})`);
  return `${parts.join(', ')}\n`;
}

/** The JSON the issues specify: suspects reduced to their ranking fields, and what the Go runtime proved. */
function toJson(report: LeakReport) {
  return {
    snapshots: report.snapshots,
    series: report.series,
    suspects: report.suspects.map((s) => ({
      kind: s.kind,
      function: s.function,
      growth: s.growth,
      unit: s.unit,
      score: s.score,
      evidence: s.evidence,
      confirmedByRuntime: s.confirmedByRuntime,
    })),
  };
}

function formatText(report: LeakReport): string {
  const lines = [`${report.snapshots} snapshots; ${report.suspects.length} suspects${report.restarts.length ? ` (the service restarted at snapshot ${report.restarts.map((r) => r + 1).join(', ')}; compared from then on)` : ''}`, ''];
  report.suspects.forEach((s, i) => {
    const growth = s.unit === 'bytes' ? formatValue(s.growth, 'bytes') : `${s.growth} goroutines`;
    lines.push(`${i + 1}. [${s.kind}] ${s.function}  +${growth}  score ${s.score}${s.confirmedByRuntime > 0 ? `  ${s.confirmedByRuntime} PROVEN leaked by the Go runtime` : ''}`);
    if (s.file) lines.push(`   ${s.file}:${s.line}`);
    for (const e of s.evidence) lines.push(`   - ${e}`);
    lines.push('');
  });
  if (report.suspects.length === 0) lines.push('Nothing kept growing across the snapshots.');
  return `${lines.join('\n')}\n`;
}
