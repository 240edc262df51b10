/**
 * What "Profile this test" says about a run: the short result left on the lens line
 * (`passed 1.2 s · CPU 1.1 s · 45 MB allocated`, `717 µs/op · 0 B/op · 0 allocs/op`), and the one
 * sentence of the notification, naming the test. Pure.
 */
import { formatValue } from '../pprof/units';
import type { GoTestKind } from './model';
import type { BenchmarkResult, GoTestOutcome } from './testOutput';

/** Totals read from the run's profiles (absent when a profile was not written or did not decode). */
export interface ProfileTotals {
  /** CPU time sampled, in nanoseconds. */
  cpuNanos?: number;
  /** Bytes allocated over the run (alloc_space). */
  allocBytes?: number;
  allocObjects?: number;
  /** Time goroutines spent blocked (the block profile's delay), when it was recorded. */
  blockedNanos?: number;
  /** Time goroutines waited for mutexes (the mutex profile's delay), when it was recorded. */
  mutexWaitNanos?: number;
}

/** The go test verdict in a few words, as the lens and the messages say it. */
export function outcomeText(outcome: GoTestOutcome | { kind: 'cancelled' }): string {
  switch (outcome.kind) {
    case 'passed':
      return outcome.elapsedSeconds === undefined ? 'passed' : `passed in ${formatSeconds(outcome.elapsedSeconds)}`;
    case 'skipped':
      return 'was skipped';
    case 'failed':
      return 'failed';
    case 'build-failed':
      return 'did not compile';
    case 'timed-out':
      return `timed out after ${outcome.after}`;
    case 'crashed':
      return 'stopped the test binary before it finished';
    case 'no-match':
      return 'did not run: go test found no test by that name';
    case 'go-failed':
      return 'could not be run by go test';
    case 'cancelled':
      return 'was cancelled';
  }
}

/** The text on the lens line after a run. */
export function lensSummary(kind: GoTestKind, testName: string, outcome: GoTestOutcome, benchmarks: readonly BenchmarkResult[], totals: ProfileTotals): string {
  const costs = costText(totals);
  if (outcome.kind === 'passed') {
    const bench = kind === 'benchmark' ? benchmarkText(testName, benchmarks) : undefined;
    if (bench) return bench;
    return [outcomeText(outcome), ...costs].join(' · ');
  }
  if (outcome.kind === 'failed') return outcome.test === testName ? 'failed' : `failed in ${outcome.test}`;
  if (outcome.kind === 'no-match') return 'did not run';
  return outcomeText(outcome);
}

/** `CPU 1.1 s`, `45 MB allocated` — what the profiles hold. */
export function costText(totals: ProfileTotals): string[] {
  const parts: string[] = [];
  if (totals.cpuNanos !== undefined) parts.push(totals.cpuNanos > 0 ? `CPU ${formatValue(totals.cpuNanos, 'nanoseconds')}` : 'no CPU samples');
  if (totals.allocBytes !== undefined) parts.push(`${formatValue(totals.allocBytes, 'bytes')} allocated`);
  if (totals.blockedNanos !== undefined) parts.push(`${formatValue(totals.blockedNanos, 'nanoseconds')} blocked`);
  if (totals.mutexWaitNanos !== undefined) parts.push(`${formatValue(totals.mutexWaitNanos, 'nanoseconds')} waiting on mutexes`);
  return parts;
}

/**
 * The benchmark's own result line, or — for a benchmark whose work is in sub-benchmarks — how many
 * there were and the range of their times.
 */
export function benchmarkText(testName: string, benchmarks: readonly BenchmarkResult[]): string | undefined {
  const own = benchmarks.find((b) => b.name === testName) ?? (benchmarks.length === 1 ? benchmarks[0] : undefined);
  if (own) return perOp(own);
  const times = benchmarks.map((b) => b.nsPerOp ?? 0).filter((n) => n > 0);
  if (times.length === 0) return undefined;
  const low = Math.min(...times);
  const high = Math.max(...times);
  return `${benchmarks.length} sub-benchmarks · ${formatValue(low, 'nanoseconds')}/op … ${formatValue(high, 'nanoseconds')}/op`;
}

/** `717 µs/op · 16 kB/op · 3 allocs/op`, as go test prints it, in readable units. */
export function perOp(b: BenchmarkResult): string {
  const parts = [`${formatValue(b.nsPerOp ?? 0, 'nanoseconds')}/op`];
  if (b.bytesPerOp !== undefined) parts.push(`${formatValue(b.bytesPerOp, 'bytes')}/op`);
  if (b.allocsPerOp !== undefined) parts.push(`${b.allocsPerOp} allocs/op`);
  return parts.join(' · ');
}

/**
 * The one message after a run that did not pass, naming the test and saying why in go's words:
 * `TestDouble failed: failing_test.go:10: Double(2) = 6, want 4`.
 */
export function failureMessage(testName: string, outcome: Exclude<GoTestOutcome, { kind: 'passed' }>): string {
  switch (outcome.kind) {
    case 'failed': {
      const where = outcome.test === testName ? `${testName} failed` : `${testName} did not run: ${outcome.test} failed before it`;
      return outcome.reason ? `${where}: ${shorten(outcome.reason)}` : where;
    }
    case 'build-failed': {
      const first = outcome.errors.find((e) => e.trim() !== '');
      return `${testName} did not compile${first ? `: ${shorten(first)}` : ''}${outcome.errors.length > 1 ? ` (and ${outcome.errors.length - 1} more)` : ''}`;
    }
    case 'timed-out':
      return `${testName} timed out after ${outcome.after} (go test -timeout; the Go extension's go.testTimeout sets it)`;
    case 'crashed':
      return `${testName} stopped the test binary before it finished${outcome.reason ? `: ${shorten(outcome.reason)}` : ' (os.Exit, a crash or a signal)'}`;
    case 'no-match':
      return `${testName} did not run: go test found no test by that name (renamed, excluded by build tags or -skip, or a subtest that does not start)`;
    case 'skipped':
      return `${testName} was skipped${outcome.reason ? `: ${shorten(outcome.reason)}` : ''}`;
    case 'go-failed':
      return `${testName} could not be run: ${shorten(outcome.reason)}`;
  }
}

function shorten(text: string, max = 300): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** go test reports elapsed time in hundredths of a second: 0 means under 10 ms. */
function formatSeconds(seconds: number): string {
  return seconds < 0.01 ? '< 10 ms' : formatValue(seconds * 1e9, 'nanoseconds');
}
