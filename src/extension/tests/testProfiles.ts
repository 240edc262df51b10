/**
 * A profiled run's profiles in the flame-graph panel: the CPU profile, the memory profile's two
 * views — allocations over the run (alloc_space) and the heap still in use when it ended
 * (inuse_space) — and, when recorded, blocking and mutex contention (their delay), each in its own
 * panel, with the same test's earlier runs offered to Compare.
 */
import * as vscode from 'vscode';
import { showProfile } from '../panel';
import type { GoTestProfileKind } from '../../tests/command';
import type { TestRun, TestRuns } from './runs';

export type TestProfileView = 'cpu' | 'allocs' | 'heap' | 'block' | 'mutex';

/** Which of the run's profiles a view shows, and which of its sample types. */
const VIEWS: Record<TestProfileView, { label: string; button: string; profile: GoTestProfileKind; sampleType?: string; description: string }> = {
  cpu: { label: 'CPU', button: 'Show CPU', profile: 'cpu', description: 'where the test spent CPU time (sampled 100 times a second)' },
  allocs: { label: 'allocations', button: 'Show Allocations', profile: 'mem', sampleType: 'alloc_space', description: 'bytes allocated over the whole run (the memory profile\'s alloc_space)' },
  heap: { label: 'heap in use', button: 'Show Heap in Use', profile: 'mem', sampleType: 'inuse_space', description: 'bytes still in use when the test ended (inuse_space): what it kept' },
  block: { label: 'blocking', button: 'Show Blocking', profile: 'block', sampleType: 'delay', description: 'time goroutines waited on channels, select, locks and sync.Cond (-blockprofile)' },
  mutex: { label: 'mutex contention', button: 'Show Mutex Contention', profile: 'mutex', sampleType: 'delay', description: 'time goroutines waited for a mutex another held, charged to the unlocking stack (-mutexprofile)' },
};

const VIEW_ORDER: readonly TestProfileView[] = ['cpu', 'allocs', 'heap', 'block', 'mutex'];

export function viewLabel(view: TestProfileView): string {
  return VIEWS[view].label;
}

/** The notification's button that opens the view. */
export function viewButton(view: TestProfileView): string {
  return VIEWS[view].button;
}

/** The views a run can open: CPU when it was written, the memory ones when that was, blocking and mutex when recorded. */
export function viewsOf(run: TestRun): TestProfileView[] {
  return VIEW_ORDER.filter((view) => run[VIEWS[view].profile] !== undefined);
}

/**
 * Names a run's profile in the window's pprof worker: the run's result (totals, hottest), its panels and
 * inline costs read one decode of it (the allocations and heap views share the memory profile's).
 */
export function testProfileKey(run: Pick<TestRun, 'id'>, profile: GoTestProfileKind): string {
  return `test-run:${run.id}:${profile}`;
}

/** The key of the profile a view shows. */
export function testViewKey(run: Pick<TestRun, 'id'>, view: TestProfileView): string {
  return testProfileKey(run, VIEWS[view].profile);
}

/** Opens (or reveals) one view of a run; resolves to the panel's title, undefined when the run lacks it. */

export async function openTestProfile(context: vscode.ExtensionContext, runs: TestRuns, run: TestRun, view: TestProfileView): Promise<string | undefined> {
  const bytes = run[VIEWS[view].profile];
  if (!bytes) return undefined;
  const spec = VIEWS[view];
  const title = `${run.testName} · ${spec.label}`;
  await showProfile(context, {
    title,
    bytes,
    snapshotId: `test-run:${run.id}:${view}`,
    profileKey: testViewKey(run, view),
    ...(spec.sampleType ? { sampleType: spec.sampleType } : {}),
    listBaseCandidates: async () =>
      runs
        .earlier(run)
        .map((r) => ({ r, b: r[spec.profile] }))
        .filter((c): c is { r: TestRun; b: Uint8Array } => c.b !== undefined)
        .map(({ r, b }) => ({ id: testViewKey(r, view), title: `${r.testName} · ${spec.label} · ${r.finished.toLocaleTimeString()} (${r.summary})`, bytes: async () => b })),
  });
  return title;
}

/** `goroscope.tests.openProfile`, run by the result on a lens line: pick which profile of the run to open. */
export async function pickTestProfile(context: vscode.ExtensionContext, runs: TestRuns, arg: unknown): Promise<string | undefined> {
  const id = typeof arg === 'object' && arg !== null ? (arg as { runId?: unknown }).runId : undefined;
  const run = typeof id === 'number' ? runs.byId(id) : undefined;
  if (!run) {
    void vscode.window.showWarningMessage('Goroscope: that test run is no longer kept; profile the test again.');
    return undefined;
  }
  const views = viewsOf(run);
  const picked = await vscode.window.showQuickPick(
    views.map((view) => ({ label: `${run.testName} · ${VIEWS[view].label}`, detail: VIEWS[view].description, view })),
    { title: `Goroscope: profiles of ${run.testName} (${run.summary})`, placeHolder: 'Open a profile of this run' },
  );
  return picked ? openTestProfile(context, runs, run, picked.view) : undefined;
}
