/**
 * "Goroscope: Watch for Leaks": a snapshot of the attached service every N seconds (goroutines, heap
 * after a GC, memstats, goroutineleak when offered), taken and ranked in the goroutines worker
 * (src/leaks/watch.ts, suspects.ts). Progress with Stop in a notification; the page shows suspects,
 * trends and series. Every snapshot is also stored in the workspace storage (src/leaks/watchStore.ts,
 * written by the worker), so a watch can be reopened after the page or the window closed ("Open Leak
 * Watch") and continued. A service that restarts or stops answering loses nothing already taken.
 */
import * as vscode from 'vscode';
import type { FetchOptions } from '../../pprof/fetch';
import type { GoroutinesWorkerResults } from '../../goroutines/workerProtocol';
import type { WatchView } from '../../protocol/goroutinesView';
import { MessageType } from '../../protocol/panel';
import { openFrameSource, workspaceModules } from '../panel/openSource';
import { GoroutinesPage } from './page';
import type { GoroutinesEnv } from './showGoroutines';

export interface WatchTarget {
  name: string;
  baseUrl: string;
  fetch: Omit<FetchOptions, 'signal'>;
}

export interface WatchRun {
  /** Resolves when the watch stops (Stop, the page closed, or `maxSnapshots` reached). */
  done: Promise<WatchView>;
  stop(): void;
  current(): WatchView;
  /** The stored watch's id (for "Open Leak Watch"), once storing has started; undefined if it could not. */
  storedId(): string | undefined;
}

let nextWatchId = 1;

export function intervalSetting(): number {
  const value = vscode.workspace.getConfiguration('goroscope.leaks').get<number>('watchIntervalSeconds');
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.round(value) : 10;
}

export interface WatchOptions {
  intervalSeconds: number;
  maxSnapshots?: number;
  /** A stored watch (its id) to go on with: its snapshots are loaded first, new ones are added to it. */
  continueWatch?: string;
}

export function watchLeaks(env: GoroutinesEnv, target: WatchTarget, options: WatchOptions): WatchRun {
  const watchId = nextWatchId++;
  let stopped = false;
  let wake: (() => void) | undefined;
  let storedId = options.continueWatch;
  const view: WatchView = {
    title: `Leak watch · ${target.name}`,
    running: true,
    intervalSeconds: options.intervalSeconds,
    snapshots: [],
    series: { takenAt: [], goroutines: [], heapInuse: [], stackInuse: [], numGC: [] },
    suspects: [],
    restarts: [],
    notes: [`A snapshot every ${options.intervalSeconds} s.`],
  };
  const stop = (): void => {
    stopped = true;
    wake?.();
  };
  const page = openWatchPage(env, watchId, view, stop);
  const push = (): void => page.send({ type: MessageType.Watch, watch: { ...view } });

  /** Loads the stored watch to continue, or starts storing this one; storage trouble never stops the watch. */
  const prepare = async (userModules: string[]): Promise<void> => {
    try {
      if (options.continueWatch !== undefined) {
        const loaded = await env.worker.watchResume({ watchId, store: env.watchStore, storedId: options.continueWatch, userModules });
        applyLoaded(view, loaded, 'Continuing the watch');
      } else {
        storedId = undefined;
        ({ id: storedId } = await env.worker.watchStart({
          watchId,
          store: env.watchStore,
          meta: { service: target.name, baseUrl: target.baseUrl, intervalSeconds: options.intervalSeconds, startedAt: Date.now() },
        }));
        view.notes.push('Snapshots are stored in the workspace storage: reopen this watch later with "Goroscope: Open Leak Watch…".');
      }
    } catch (err) {
      storedId = undefined;
      const text = err instanceof Error ? err.message : String(err);
      env.log(`leak watch storage: ${text}`);
      view.notes.push(`Snapshots are kept in memory only (${text}).`);
    }
  };

  const loop = async (progress: vscode.Progress<{ message?: string }>): Promise<void> => {
    const userModules = (await workspaceModules()).map((m) => m.path);
    await prepare(userModules);
    push();
    let failing = false;
    while (!stopped && (options.maxSnapshots === undefined || view.snapshots.length < options.maxSnapshots)) {
      const started = Date.now();
      progress.report({ message: `snapshot ${view.snapshots.length + 1}…` });
      try {
        const { snapshot, report } = await env.worker.watchSnapshot({ watchId, baseUrl: target.baseUrl, fetch: target.fetch, userModules });
        view.snapshots.push(snapshot);
        view.series = report.series;
        view.suspects = report.suspects.slice(0, 20);
        if (report.restarts.length > view.restarts.length) {
          view.notes.push(`${target.name} restarted after snapshot ${report.restarts.at(-1)}: earlier snapshots are kept but not compared with later ones.`);
        }
        view.restarts = report.restarts;
        const down = snapshot.goroutines === null && snapshot.problems.length > 0;
        if (down && !failing) view.notes.push(`${target.name} stopped answering at snapshot ${view.snapshots.length} (${snapshot.problems[0]}); nothing taken so far is lost, the watch goes on.`);
        if (!down && failing) view.notes.push(`${target.name} answers again from snapshot ${view.snapshots.length}.`);
        failing = down;
        const top = view.suspects[0];
        progress.report({ message: `${view.snapshots.length} snapshot${view.snapshots.length === 1 ? '' : 's'}${top ? ` · top suspect ${top.function}` : ''}` });
      } catch (err) {
        view.notes.push(`Snapshot ${view.snapshots.length + 1} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      push();
      if (stopped || (options.maxSnapshots !== undefined && view.snapshots.length >= options.maxSnapshots)) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, options.intervalSeconds * 1000 - (Date.now() - started)));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
    view.running = false;
    view.notes.push(`Stopped after ${view.snapshots.length} snapshot${view.snapshots.length === 1 ? '' : 's'}.`);
    push();
  };

  const done = Promise.resolve(
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Goroscope: watching ${target.name} for leaks`, cancellable: true },
      async (progress, token) => {
        const cancel = token.onCancellationRequested(stop);
        try {
          await loop(progress);
        } finally {
          cancel.dispose();
        }
      },
    ),
  ).then(() => ({ ...view }));
  return { done, stop, current: () => ({ ...view }), storedId: () => storedId };
}

/** The watch page: suspects, trends and series of `view`; Stop calls `stop`. Closing it frees the worker's copy. */
function openWatchPage(env: GoroutinesEnv, watchId: number, view: WatchView, stop: () => void): GoroutinesPage {
  const page = new GoroutinesPage(
    env.extensionUri,
    'watch',
    view.title,
    {
      [MessageType.GoroutinesReady]: async () => ({ type: MessageType.Watch, watch: view }),
      [MessageType.OpenSource]: async (m) => {
        const note = await openFrameSource(m.function, m.file, m.line);
        return note === undefined ? { type: MessageType.Done } : { type: MessageType.Done, note };
      },
      [MessageType.StopWatch]: async () => {
        stop();
        return { type: MessageType.Done, note: 'Stopped; the snapshots taken so far stay.' };
      },
    },
    env.log,
  );
  page.onDidDispose(() => {
    stop();
    void env.worker.watchClose(watchId).catch(() => undefined);
  });
  return page;
}

function applyLoaded(view: WatchView, loaded: GoroutinesWorkerResults['watchResume'], what: string): void {
  view.snapshots = loaded.snapshots;
  view.series = loaded.report.series;
  view.suspects = loaded.report.suspects.slice(0, 20);
  view.restarts = loaded.report.restarts;
  const n = loaded.snapshots.length;
  view.notes.push(
    `${what} started ${new Date(loaded.meta.startedAt).toLocaleString()} (a snapshot every ${loaded.meta.intervalSeconds} s): ${n} snapshot${n === 1 ? '' : 's'} loaded from the workspace storage.`,
    ...loaded.problems.map((p) => `A stored snapshot could not be read (${p}); the others are here.`),
  );
}

/** Shows a stored watch as it was left (nothing is fetched). Resolves to the view shown. */
export async function showStoredWatch(env: GoroutinesEnv, storedId: string): Promise<WatchView> {
  const watchId = nextWatchId++;
  const userModules = (await workspaceModules()).map((m) => m.path);
  const loaded = await env.worker.watchResume({ watchId, store: env.watchStore, storedId, userModules });
  const view: WatchView = {
    title: `Leak watch · ${loaded.meta.service} (stored)`,
    running: false,
    intervalSeconds: loaded.meta.intervalSeconds,
    snapshots: [],
    series: { takenAt: [], goroutines: [], heapInuse: [], stackInuse: [], numGC: [] },
    suspects: [],
    restarts: [],
    notes: [],
  };
  applyLoaded(view, loaded, `The watch of ${loaded.meta.service}`);
  view.notes.push('Run "Goroscope: Open Leak Watch…" and choose Continue on this watch to take more snapshots.');
  openWatchPage(env, watchId, view, () => undefined);
  return { ...view };
}
