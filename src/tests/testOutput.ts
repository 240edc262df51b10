/**
 * Reads what `go test -json` prints while it builds and runs one selected test: the text a person
 * would have seen (for the output channel), the phase (building, then running), benchmark results,
 * and at the end one verdict — passed, failed, skipped, did not compile, timed out, crashed, matched
 * nothing — with the lines that say why. Older go commands print build errors on stderr instead of
 * as `build-output` events; both are read. Memory stays bounded whatever the test prints.
 */
import path from 'node:path';

/** One line of benchmark results: `BenchmarkX-8  23950  45884 ns/op  0 B/op  0 allocs/op`. */
export interface BenchmarkResult {
  /** As printed, without the `-GOMAXPROCS` suffix: `BenchmarkParse/small`. */
  name: string;
  iterations: number;
  nsPerOp?: number;
  bytesPerOp?: number;
  allocsPerOp?: number;
}

export type GoTestOutcome =
  | { kind: 'passed'; elapsedSeconds?: number }
  | { kind: 'skipped'; reason?: string }
  /** `test` is the one that failed: the selected test, or a parent that failed before reaching it. */
  | { kind: 'failed'; test: string; elapsedSeconds?: number; reason?: string }
  | { kind: 'build-failed'; errors: string[] }
  | { kind: 'timed-out'; after: string }
  /** The test binary failed with no verdict on the test (os.Exit, a TestMain that failed, a crash). */
  | { kind: 'crashed'; reason?: string }
  /** Nothing by that name ran: renamed, unsaved, skipped by flags, or a subtest that never starts. */
  | { kind: 'no-match' }
  /** The go command failed before testing (no go.mod, a bad flag, an unknown toolchain). */
  | { kind: 'go-failed'; reason: string };

interface TestEvent {
  Action?: string;
  Package?: string;
  ImportPath?: string;
  Test?: string;
  Output?: string;
  Elapsed?: number;
  FailedBuild?: string;
}

const MAX_KEPT_LINES = 40;
const MAX_LINE_CHARS = 4000;
const BENCHMARK_LINE = /^(Benchmark\S*?)(?:-\d+)?\s+(\d+)\s+(.+)$/;

export class GoTestOutputReader {
  /** `building` until the test binary starts, then `running`. */
  phase: 'building' | 'running' = 'building';
  readonly benchmarks: BenchmarkResult[] = [];

  private readonly verdicts = new Map<string, { action: string; elapsed?: number }>();
  private readonly ran = new Set<string>();
  private readonly buildErrors: string[] = [];
  private readonly stderr: string[] = [];
  private readonly failureLines = new Map<string, string[]>();
  private buildFailed = false;
  private setupFailed = false;
  /** Output of each test not yet ended by a newline. */
  private readonly partial = new Map<string, string>();
  private packageAction: string | undefined;
  private timedOut: string | undefined;
  private sawJson = false;

  constructor(
    /** The name go test reports the selected test under (`TestParse/empty_input`). */
    private readonly testName: string,
    /** go test's working directory, against which build errors name their files. */
    private readonly cwd: string,
  ) {}

  /** One line of stdout; returns the text to show for it (undefined: nothing to show). */
  stdoutLine(line: string): string | undefined {
    let event: TestEvent;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null) return clip(line);
      event = parsed as TestEvent;
    } catch {
      return clip(line); // a line of text from a tool that does not speak JSON
    }
    this.sawJson = true;
    return this.event(event);
  }

  /** One line of stderr (build errors of older go commands, go's own errors); returns the text to show. */
  stderrLine(line: string): string {
    const shown = absolutePaths(clip(line), this.cwd);
    if (this.stderr.length < MAX_KEPT_LINES) this.stderr.push(shown);
    return shown;
  }

  /** The verdict once the go command exited with `exitCode`. */
  finish(exitCode: number | null): GoTestOutcome {
    if (this.setupFailed) {
      return { kind: 'go-failed', reason: [...this.buildErrors, ...this.stderr].find((l) => l.trim() !== '') ?? 'go test could not set up the package' };
    }
    if (this.buildFailed || (this.buildErrors.length > 0 && this.packageAction === 'fail')) {
      return { kind: 'build-failed', errors: this.buildErrors.length > 0 ? this.buildErrors : this.stderr };
    }
    if (this.timedOut) return { kind: 'timed-out', after: this.timedOut };
    const own = this.verdicts.get(this.testName);
    if (own?.action === 'fail') return this.failed(this.testName, own.elapsed);
    if (own?.action === 'skip') return withReason({ kind: 'skipped' }, this.failureLines.get(this.testName)?.find((l) => !/^\s*(---|===)/.test(l)));
    const failedParent = this.ancestors().find((name) => this.verdicts.get(name)?.action === 'fail');
    if (failedParent && !this.ran.has(this.testName)) return this.failed(failedParent, this.verdicts.get(failedParent)?.elapsed);
    if (!this.sawJson || this.packageAction === undefined) {
      if (exitCode === 0) return { kind: 'no-match' };
      const looksLikeBuild = this.stderr.some((l) => /\.go:\d+(:\d+)?: /.test(l));
      if (looksLikeBuild) return { kind: 'build-failed', errors: this.stderr.filter((l) => !l.startsWith('#')) };
      return { kind: 'go-failed', reason: this.stderr.find((l) => l.trim() !== '') ?? `go exited with code ${exitCode}` };
    }
    if (this.packageAction === 'fail' || exitCode !== 0) {
      const said = [...(this.failureLines.get(this.testName) ?? []), ...(this.failureLines.get('') ?? [])];
      return withReason({ kind: 'crashed' }, said.find((l) => l.trim() !== '' && !/^(FAIL|ok)\b|^\s*(=== |--- )/.test(l)));
    }
    if (!this.ran.has(this.testName)) return { kind: 'no-match' };
    return own?.elapsed !== undefined ? { kind: 'passed', elapsedSeconds: own.elapsed } : { kind: 'passed' };
  }

  private event(e: TestEvent): string | undefined {
    switch (e.Action) {
      case 'build-output':
        if (e.Output !== undefined) {
          const shown = absolutePaths(clip(e.Output.replace(/\n$/, '')), this.cwd);
          if (!shown.startsWith('#') && this.buildErrors.length < MAX_KEPT_LINES) this.buildErrors.push(shown);
          return shown;
        }
        return undefined;
      case 'build-fail':
        this.buildFailed = true;
        return undefined;
      case 'start':
        this.phase = 'running';
        return undefined;
      case 'run':
        if (e.Test) this.ran.add(e.Test);
        return undefined;
      case 'output': {
        if (e.Output === undefined) return undefined;
        const lines = this.completeLines(e.Test ?? '', e.Output);
        for (const line of lines) this.line(e.Test, line);
        return lines.length > 0 ? lines.join('\n') : undefined;
      }
      case 'pass':
      case 'fail':
      case 'skip': {
        // A line the test left without its newline ends with its verdict.
        const rest = this.flushPartial(e.Test ?? '');
        if (rest !== undefined) this.line(e.Test, rest);
        if (e.Test) this.verdicts.set(e.Test, e.Elapsed === undefined ? { action: e.Action } : { action: e.Action, elapsed: e.Elapsed });
        else {
          this.packageAction = e.Action;
          if (e.FailedBuild) this.buildFailed = true;
        }
        return rest;
      }
      default:
        return e.Output === undefined ? undefined : clip(e.Output.replace(/\n$/, ''));
    }
  }

  /**
   * test2json passes output on as it comes: a benchmark's name and its result arrive as two events,
   * the first without a newline. Whole lines are what is read and shown.
   */
  private completeLines(test: string, output: string): string[] {
    const text = (this.partial.get(test) ?? '') + output;
    const parts = text.split('\n');
    const rest = parts.pop() as string;
    if (rest === '') this.partial.delete(test);
    else this.partial.set(test, rest.length > MAX_LINE_CHARS ? rest.slice(0, MAX_LINE_CHARS) : rest);
    return parts.map(clip);
  }

  private flushPartial(test: string): string | undefined {
    const rest = this.partial.get(test);
    this.partial.delete(test);
    return rest === undefined ? undefined : clip(rest);
  }

  /** One whole line of the test binary's output. */
  private line(test: string | undefined, line: string): void {
    this.keep(test ?? '', line);
    if (!this.timedOut) {
      const timeout = /^panic: test timed out after (\S+)/.exec(line);
      if (timeout?.[1]) this.timedOut = timeout[1];
    }
    // go's own errors (a bad flag, no Go files) reported as the package's build: not the test's code.
    if (test === undefined && /\[setup failed\]$/.test(line)) this.setupFailed = true;
    this.benchmark(line);
  }

  /** Output of the selected test, its parents and the package itself: the lines a failure is explained by. */
  private keep(test: string, line: string): void {
    if (test !== '' && test !== this.testName && !this.ancestors().includes(test)) return;
    const lines = this.failureLines.get(test) ?? [];
    lines.push(line);
    if (lines.length > MAX_KEPT_LINES) lines.shift();
    this.failureLines.set(test, lines);
  }

  private failed(test: string, elapsed: number | undefined): GoTestOutcome {
    const lines = this.failureLines.get(test) ?? [];
    // The first line the test itself wrote (t.Error, t.Fatal, a panic), not go test's frame lines.
    const reason = lines.find((l) => l.trim() !== '' && !/^\s*(=== (RUN|PAUSE|CONT|NAME)|--- (FAIL|PASS|SKIP))/.test(l));
    const outcome: GoTestOutcome = { kind: 'failed', test };
    if (elapsed !== undefined) outcome.elapsedSeconds = elapsed;
    if (reason !== undefined) outcome.reason = reason.trim();
    return outcome;
  }

  private ancestors(): string[] {
    const parts = this.testName.split('/');
    return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
  }

  private benchmark(line: string): void {
    const m = BENCHMARK_LINE.exec(line.trim());
    if (!m?.[1] || !m[2] || !m[3]) return;
    const result: BenchmarkResult = { name: m[1], iterations: Number(m[2]) };
    for (const [, value, unit] of m[3].matchAll(/([\d.]+(?:e[+-]?\d+)?) (\S+)/g)) {
      const n = Number(value);
      if (unit === 'ns/op') result.nsPerOp = n;
      else if (unit === 'B/op') result.bytesPerOp = n;
      else if (unit === 'allocs/op') result.allocsPerOp = n;
    }
    if (result.nsPerOp !== undefined && this.benchmarks.length < 1000) this.benchmarks.push(result);
  }
}

function withReason<T extends { kind: string; reason?: string }>(outcome: T, reason: string | undefined): T {
  if (reason !== undefined && reason.trim() !== '') outcome.reason = reason.trim();
  return outcome;
}

function clip(line: string): string {
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}… (${line.length - MAX_LINE_CHARS} more characters)` : line;
}

/** `pkg/file_test.go:6:14: …` as go prints build errors, relative to its working directory, made absolute. */
export function absolutePaths(line: string, cwd: string): string {
  return line.replace(/^(\s*)([^\s:]+\.go)(:\d+)/, (whole, indent: string, file: string, rest: string) =>
    path.isAbsolute(file) ? whole : `${indent}${path.resolve(cwd, file)}${rest}`,
  );
}
