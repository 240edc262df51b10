/**
 * `goroscope.profileHandler`, run by the "Profile this handler" lens: with a service attached (else it
 * offers to attach), capture a CPU profile and an allocation delta for `goroscope.handlers.profileSeconds`
 * while, when `goroscope.handlers.load` allows it, requests go to the handler's route on the attached
 * service's host (handlerCapture.ts). Then the flame graph opens focused on the handler's function, its
 * share and hottest callees are reported, and the result stays on the lens line.
 */
import * as vscode from 'vscode';
import type { Framework } from '../../handlers/model';
import { costSummary, focusPattern, formatShare, hottestCallees, labelFilter, routeLabel } from '../../handlers/profileSummary';
import type { ProfileWorker } from '../../pprof/decodeInWorker';
import type { TopRow } from '../../pprof/model';
import { formatValue } from '../../pprof/units';
import type { Snapshot } from '../../services/snapshotStore';
import { showProfile } from '../panel';
import type { ServicesFeature } from '../services/feature';
import { captureForHandler, type HandlerCapture } from './handlerCapture';
import type { HandlerResults } from './results';

/** Contributed by the services feature (package.json). */
export const ATTACH_COMMAND = 'goroscope.services.attach';

/** What the lens passes: where the handler is, what Go calls it in profiles, and its route. */
export interface ProfileHandlerArgs {
  file: string;
  /** 1-based line of the `func` keyword. */
  line: number;
  function: string;
  route: string | null;
  method: string | null;
  framework: Framework;
  /** The pprof function name, package path included, to focus a flame graph on. */
  symbol: string;
  /** Open the label-filtered graph right away when the route has a pprof label (tests; the lens asks). */
  preferLabel?: boolean;
}

export interface ProfileHandlerDeps {
  services: ServicesFeature;
  /** The pprof worker (profiles are read off the extension host's thread). */
  worker(): ProfileWorker;
  results: HandlerResults;
  log(line: string): void;
}

/** What a completed run found (the command's result, for tests). */
export interface HandlerProfile {
  outcome: 'profiled';
  summary: string;
  cpuShare: number;
  allocBytesPerSecond?: number;
  cpuSnapshot: Snapshot;
  allocsSnapshot?: Snapshot;
  load?: HandlerCapture['load'];
  focus: string;
  /** The pprof label naming the route, when the service sets one. */
  label?: { key: string; value: string };
  /** The filter the panel opened with. */
  opened: { title: string; focus?: string; tagFocus?: string };
  hottest: TopRow[];
}

export type ProfileHandlerOutcome = 'invalid-argument' | 'attach-offered' | 'attach-started' | 'cancelled' | 'failed' | HandlerProfile;

export function isProfileHandlerArgs(value: unknown): value is ProfileHandlerArgs {
  if (typeof value !== 'object' || value === null) return false;
  const a = value as Record<string, unknown>;
  const nullableString = (v: unknown) => v === null || typeof v === 'string';
  return (
    typeof a.file === 'string' &&
    typeof a.line === 'number' &&
    Number.isInteger(a.line) &&
    a.line >= 1 &&
    typeof a.function === 'string' &&
    nullableString(a.route) &&
    nullableString(a.method) &&
    typeof a.framework === 'string' &&
    typeof a.symbol === 'string' &&
    (a.preferLabel === undefined || typeof a.preferLabel === 'boolean')
  );
}

export async function profileHandlerCommand(deps: ProfileHandlerDeps, arg: unknown): Promise<ProfileHandlerOutcome> {
  if (!isProfileHandlerArgs(arg)) {
    void vscode.window.showWarningMessage('Profile this handler works from the "Profile this handler" lens above an HTTP handler in a Go file.');
    return 'invalid-argument';
  }
  const where = arg.route === null ? arg.function : `${arg.function} (${arg.method ?? 'any method'} ${arg.route})`;
  const service = deps.services.services.current();
  if (!service) {
    const attach = 'Attach to Go Service';
    const choice = await vscode.window.showInformationMessage(
      `No Go service is attached. Attach to the service that runs ${where} to profile it.`,
      attach,
    );
    if (choice !== attach) return 'attach-offered';
    await vscode.commands.executeCommand(ATTACH_COMMAND);
    return 'attach-started';
  }

  const captured = await captureForHandler(deps.services, service, arg);
  if (typeof captured === 'string') return captured;
  try {
    return await report(deps, arg, captured);
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    deps.log(`profile ${arg.symbol}: ${text}`);
    void vscode.window.showErrorMessage(`Goroscope: cannot read the profiles of ${arg.function}: ${text}`);
    return 'failed';
  }
}

/** Reads the captured profiles in the worker, opens the focused flame graph and records the result. */
async function report(deps: ProfileHandlerDeps, arg: ProfileHandlerArgs, run: HandlerCapture): Promise<HandlerProfile> {
  const worker = deps.worker();
  const focus = focusPattern(arg.symbol);
  // Shared by snapshot id: inline costs and the panel read the same decode of each capture.
  const cpu = await worker.acquire(run.cpuSnapshot.id, () => run.cpuBytes);
  let cpuShare: number;
  let allTotal: number;
  let hottest: TopRow[];
  let label: { key: string; value: string } | undefined;
  try {
    const profileId = cpu.summary.profileId;
    const all = await worker.top({ profileId });
    const focused = await worker.top({ profileId, filter: { focus } });
    allTotal = all.total;
    cpuShare = all.total > 0 ? focused.total / all.total : 0;
    hottest = hottestCallees(focused.rows);
    label = routeLabel(await worker.labels(profileId), arg.route, arg.method);
  } finally {
    cpu.release();
  }

  let allocBytesPerSecond: number | undefined;
  if (run.allocsBytes && run.allocsSnapshot) {
    const allocsBytes = run.allocsBytes;
    const allocs = await worker.acquire(run.allocsSnapshot.id, () => allocsBytes);
    try {
      const focused = await worker.top({ profileId: allocs.summary.profileId, sampleIndex: 'alloc_space', filter: { focus } });
      allocBytesPerSecond = focused.total / run.seconds;
    } finally {
      allocs.release();
    }
  }

  const cost = allocBytesPerSecond === undefined ? { cpuShare } : { cpuShare, allocBytesPerSecond };
  const summary = costSummary(cost);
  const callees = hottest.map((r) => `${r.function} ${formatValue(r.flat, 'nanoseconds')}`).join(', ');
  const loadText = run.load ? `${run.load.sent} requests to ${run.load.method} ${run.load.url} (${run.load.ok} ok)` : 'no load sent';
  deps.log(`${arg.symbol}: ${summary} over ${run.seconds} s; ${loadText}; hottest: ${callees || 'none'}`);
  deps.results.set(arg.file, arg.line, arg.route, {
    summary,
    details: `${arg.function}: ${summary} over a ${run.seconds} s capture from ${run.service}; ${loadText}.${callees ? ` Hottest: ${callees}.` : ''}`,
  });

  const baseTitle = `${arg.function} · ${summary}`;
  const byLabel = label !== undefined && arg.preferLabel === true;
  const opened: HandlerProfile['opened'] =
    cpuShare === 0
      ? { title: `${baseTitle} · whole profile` }
      : byLabel && label
        ? { title: `${arg.function} · ${label.key}=${label.value}`, tagFocus: labelFilter(label) }
        : { title: baseTitle, focus };
  await open(deps, run, opened);

  if (cpuShare === 0) {
    void vscode.window.showWarningMessage(
      `Goroscope: ${arg.function} did not run during the ${run.seconds} s CPU profile. Send it requests while profiling (setting goroscope.handlers.load), then profile again.`,
    );
  } else {
    const top = hottest[0];
    const hot = top ? ` Hottest: ${top.function} (${formatShare(allTotal > 0 ? top.flat / allTotal : 0)} of the CPU).` : '';
    const offer = label && !byLabel ? `Filter by Label ${label.key}=${label.value}` : undefined;
    void vscode.window
      .showInformationMessage(`Goroscope: ${arg.function} — ${summary} of ${run.service} over ${run.seconds} s.${hot}`, ...(offer ? [offer] : []))
      .then((choice) => {
        if (choice && offer && label) void open(deps, run, { title: `${arg.function} · ${label.key}=${label.value}`, tagFocus: labelFilter(label) });
      });
  }

  const result: HandlerProfile = { outcome: 'profiled', summary, cpuShare, cpuSnapshot: run.cpuSnapshot, focus, opened, hottest };
  if (allocBytesPerSecond !== undefined) result.allocBytesPerSecond = allocBytesPerSecond;
  if (run.allocsSnapshot) result.allocsSnapshot = run.allocsSnapshot;
  if (run.load) result.load = run.load;
  if (label) result.label = label;
  return result;
}

async function open(deps: ProfileHandlerDeps, run: HandlerCapture, view: HandlerProfile['opened']): Promise<void> {
  const source: Parameters<typeof showProfile>[1] = {
    title: view.title,
    bytes: run.cpuBytes,
    snapshotId: `${run.cpuSnapshot.id}#${view.focus ?? view.tagFocus ?? 'all'}`,
    profileKey: run.cpuSnapshot.id,
  };
  if (view.focus) source.focus = view.focus;
  if (view.tagFocus) source.tagFocus = view.tagFocus;
  await showProfile(deps.services.context, source);
}
