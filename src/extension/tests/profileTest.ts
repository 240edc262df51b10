/**
 * `goroscope.profileTest`, run by the "Profile this test" lens: saves the workspace's modified Go files,
 * runs go test for the one test or benchmark with the CPU and memory profilers (src/tests builds and
 * runs the command; the Go extension's flags, tags, timeout and environment apply), with a cancellable
 * notification naming it and its output in the "Goroscope Tests" channel. Then the flame graph opens
 * (CPU; allocations when the test was too short for a CPU sample), inline costs follow, and the result
 * stays on the lens line. A run that does not pass says so in one message naming the test and shows
 * its output. One run at a time: two would skew each other's CPU profiles.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ProfileWorker } from '../../pprof/decodeInWorker';
import { formatPercent } from '../../pprof/units';
import { goTestInvocation, type GoTestProfileKind } from '../../tests/command';
import { goTestName, type GoTestKind } from '../../tests/model';
import { runGoTest, type GoTestRun } from '../../tests/runGoTest';
import { readRunProfiles } from '../../tests/runProfiles';
import { costText, failureMessage, lensSummary, outcomeText, perOp, type ProfileTotals } from '../../tests/summary';
import type { InlineCosts } from '../costs/inlineCosts';
import type { TestRun, TestRuns } from './runs';
import { goTestSettingsFor } from './settings';
import { openTestProfile, testProfileKey, testViewKey, viewButton, viewLabel, viewsOf, type TestProfileView } from './testProfiles';

/** What the lens passes: the file and the test's path of names as written. */
export interface ProfileTestArgs {
  file: string;
  kind: GoTestKind;
  path: string[];
}

export interface ProfileTestDeps {
  context: vscode.ExtensionContext;
  runs: TestRuns;
  /** The pprof worker: profiles are read off the extension host's thread. */
  worker(): ProfileWorker;
  costs: InlineCosts;
  /** "Goroscope Tests": go test's output, one run at a time. */
  output: vscode.OutputChannel;
  log(line: string): void;
}

/** What a finished run found (the command's result, for tests). */
export interface TestProfile {
  outcome: GoTestRun['outcome']['kind'];
  testName: string;
  summary: string;
  message: string;
  runId: number;
  totals: ProfileTotals;
  benchmarks: GoTestRun['benchmarks'];
  /** The panel opened for it: its title and view. */
  opened?: { title: string; view: TestProfileView };
  /** The views the run's result offers (the profiles it wrote that decode). */
  views: TestProfileView[];
}

export type ProfileTestOutcome = 'invalid-argument' | 'untrusted' | 'busy' | 'cancelled' | TestProfile;

let active: { testName: string; abort: AbortController } | undefined;

/** Stops a run in progress (the window closes, the extension deactivates). */
export function stopActiveRun(): void {
  active?.abort.abort();
}

export function isProfileTestArgs(value: unknown): value is ProfileTestArgs {
  if (typeof value !== 'object' || value === null) return false;
  const a = value as Record<string, unknown>;
  return (
    typeof a.file === 'string' &&
    path.isAbsolute(a.file) &&
    (a.kind === 'test' || a.kind === 'benchmark') &&
    Array.isArray(a.path) &&
    a.path.length > 0 &&
    a.path.every((p) => typeof p === 'string') &&
    /^(Test|Benchmark)/.test(a.path[0] as string)
  );
}

export async function profileTestCommand(deps: ProfileTestDeps, arg: unknown): Promise<ProfileTestOutcome> {
  if (!isProfileTestArgs(arg)) {
    void vscode.window.showWarningMessage('Profile this test works from the "Profile this test" lens above a Go test or benchmark.');
    return 'invalid-argument';
  }
  const testName = goTestName(arg.path);
  if (!vscode.workspace.isTrusted) {
    const trust = 'Manage Workspace Trust';
    void vscode.window
      .showWarningMessage(`Goroscope: profiling ${testName} runs this workspace's code (go test). Trust the workspace to profile its tests.`, trust)
      .then((choice) => choice === trust && vscode.commands.executeCommand('workbench.trust.manage'));
    return 'untrusted';
  }
  if (active) {
    const stop = `Cancel ${active.testName}`;
    const running = active;
    void vscode.window
      .showWarningMessage(`Goroscope is profiling ${active.testName}; one test is profiled at a time, so that neither skews the other's CPU profile.`, stop)
      .then((choice) => choice === stop && running.abort.abort());
    return 'busy';
  }
  const abort = new AbortController();
  active = { testName, abort };
  try {
    const run = await runProfiled(deps, arg, testName, abort);
    return await report(deps, arg, testName, run);
  } finally {
    if (active?.abort === abort) active = undefined;
  }
}

interface FinishedRun extends GoTestRun {
  bytes: Partial<Record<GoTestProfileKind, Uint8Array>>;
}

async function runProfiled(deps: ProfileTestDeps, arg: ProfileTestArgs, testName: string, abort: AbortController): Promise<FinishedRun> {
  await saveGoFiles(deps.log);
  const { settings, warnings } = goTestSettingsFor(arg.file);
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'goroscope-test-'));
  try {
    const invocation = goTestInvocation(arg, path.dirname(arg.file), outDir, settings);
    const out = deps.output;
    out.clear();
    for (const w of warnings) out.appendLine(`Goroscope: ${w}`);
    out.appendLine(`$ cd ${invocation.cwd}`);
    out.appendLine(`$ ${invocation.display}`);
    out.appendLine('');
    const run = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Goroscope: profiling ${testName}`, cancellable: true },
      async (progress, token) => {
        const cancel = token.onCancellationRequested(() => abort.abort());
        const started = Date.now();
        let phase = 'building';
        progress.report({ message: 'building…' });
        const tick = setInterval(() => progress.report({ message: `${phase}… ${Math.round((Date.now() - started) / 1000)} s` }), 1000);
        try {
          return await runGoTest({
            invocation,
            baseEnv: process.env,
            signal: abort.signal,
            onOutput: (line) => out.appendLine(line),
            onPhase: (p) => {
              phase = p;
              progress.report({ message: `${p}…` });
            },
          });
        } finally {
          clearInterval(tick);
          cancel.dispose();
        }
      },
    );
    out.appendLine('');
    out.appendLine(`Goroscope: ${testName} ${outcomeText(run.outcome)} (${(run.durationMs / 1000).toFixed(1)} s with the build)`);
    // The profiles are read now: the folder (with the test binary) goes when this returns.
    const finished: FinishedRun = { ...run, bytes: {} };
    for (const kind of ['cpu', 'mem', 'block', 'mutex'] as const) {
      const file = run.profiles[kind];
      if (file !== undefined) finished.bytes[kind] = await readFile(file);
    }
    return finished;
  } finally {
    await rm(outDir, { recursive: true, force: true }).catch((err: unknown) => deps.log(`could not remove ${outDir}: ${String(err)}`));
  }
}

async function report(deps: ProfileTestDeps, arg: ProfileTestArgs, testName: string, run: FinishedRun): Promise<ProfileTestOutcome> {
  const outcome = run.outcome;
  if (outcome.kind === 'cancelled') {
    vscode.window.setStatusBarMessage(`Goroscope: profiling ${testName} cancelled`, 5000);
    return 'cancelled';
  }
  // The run's id names its profiles in the window's pprof worker: what is read here is decoded once for
  // the panel and inline costs too.
  const runId = deps.runs.reserveId();
  const read = await readRunProfiles(deps.worker(), run.bytes, (profile) => testProfileKey({ id: runId }, profile), deps.log);
  const summary = lensSummary(arg.kind, testName, outcome, run.benchmarks, read.totals);
  const hottest = read.hottest.map((r) => `${shortName(r.function)} ${formatPercent(r.flat, read.totals.cpuNanos ?? 0)}`).join(', ');
  const benchLines = run.benchmarks.map((b) => `${b.name}: ${perOp(b)} (${b.iterations} iterations)`);
  const details = [
    `${testName} ${outcomeText(outcome)}.`,
    ...benchLines,
    costText(read.totals).join(' · '),
    hottest ? `Hottest (CPU, flat): ${hottest}.` : '',
    read.cpu || read.mem ? `Click to open its ${read.block || read.mutex ? 'CPU, allocation, heap, blocking or mutex' : 'CPU, allocation or heap'} profile.` : '',
  ]
    .filter((l) => l !== '')
    .join('\n');
  const record = deps.runs.add(runId, {
    file: arg.file,
    testName,
    kind: arg.kind,
    finished: new Date(),
    summary,
    details,
    passed: outcome.kind === 'passed',
    cpuSampled: (read.totals.cpuNanos ?? 0) > 0,
    ...(read.cpu ? { cpu: read.cpu } : {}),
    ...(read.mem ? { mem: read.mem } : {}),
    ...(read.block ? { block: read.block } : {}),
    ...(read.mutex ? { mutex: read.mutex } : {}),
  });
  deps.log(`${testName}: ${summary}`);
  const result: TestProfile = { outcome: outcome.kind, testName, summary, message: '', runId: record.id, totals: read.totals, benchmarks: run.benchmarks, views: viewsOf(record) };

  if (outcome.kind !== 'passed') {
    result.message = failureMessage(testName, outcome);
    deps.output.show(true);
    const open = record.cpu || record.mem ? 'Open Flame Graph' : undefined;
    const show = outcome.kind === 'skipped' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
    void show(`Goroscope: ${result.message}`, ...(open ? [open] : [])).then((choice) => {
      if (choice === open) void openFirst(deps, record).catch((err: unknown) => deps.log(`opening ${testName}: ${String(err)}`));
    });
    return result;
  }

  const opened = await openFirst(deps, record);
  if (opened) result.opened = opened;
  const source = opened?.view === 'allocs' ? record.mem : record.cpu;
  if (source) {
    const sampleType = opened?.view === 'allocs' ? 'alloc_space' : undefined;
    void deps.costs.show({ key: testViewKey(record, opened?.view ?? 'cpu'), bytes: () => source }, `${testName} · ${viewLabel(opened?.view ?? 'cpu')}`, sampleType).catch((err: unknown) => deps.log(`inline costs of ${testName}: ${String(err)}`));
  }
  const tooShort = record.cpu && !record.cpuSampled ? ' It ran too briefly for a CPU sample (the profiler takes 100 a second): showing its allocations.' : '';
  result.message = `${testName} ${summary}.${hottest ? ` Hottest: ${hottest}.` : ''}${tooShort}`;
  const others = viewsOf(record).filter((v) => v !== 'cpu' && v !== opened?.view);
  const buttons = others.map(viewButton);
  void vscode.window.showInformationMessage(`Goroscope: ${result.message}`, ...buttons).then((choice) => {
    const view = others[buttons.indexOf(choice ?? '')];
    if (view) void openTestProfile(deps.context, deps.runs, record, view).catch((err: unknown) => deps.log(`opening ${testName}: ${String(err)}`));
  });
  return result;
}

/** CPU first; allocations when the CPU profile holds no sample (or none was written). */
async function openFirst(deps: ProfileTestDeps, run: TestRun): Promise<TestProfile['opened']> {
  const view: TestProfileView | undefined = run.cpu && (run.cpuSampled || !run.mem) ? 'cpu' : run.mem ? 'allocs' : undefined;
  if (!view) return undefined;
  const title = await openTestProfile(deps.context, deps.runs, run, view);
  return title ? { title, view } : undefined;
}

/** go test compiles what is on disk: modified Go files (and go.mod, go.sum, go.work) are saved first. */
async function saveGoFiles(log: (line: string) => void): Promise<void> {
  const dirty = vscode.workspace.textDocuments.filter(
    (d) => d.isDirty && !d.isUntitled && d.uri.scheme === 'file' && (d.languageId === 'go' || /(^|[\\/])go\.(mod|sum|work)$/.test(d.fileName)),
  );
  const saved = await Promise.all(dirty.map((d) => d.save()));
  dirty.forEach((d, i) => {
    if (!saved[i]) log(`${d.fileName} could not be saved: go test compiles the file on disk`);
  });
}

/** `example.com/m/api.isPrime` → `api.isPrime`: enough to recognize in a message. */
function shortName(fn: string): string {
  return fn.slice(fn.lastIndexOf('/') + 1);
}

