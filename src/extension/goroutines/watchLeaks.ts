/**
 * "Goroscope: Watch for Leaks": a snapshot of the attached service every N seconds (goroutines, heap
 * after a GC, memstats; the goroutines from the goroutineleak profile when offered, at most once a minute
 * under goroscope.leaks.goroutineLeakProfile), taken and ranked in the goroutines worker
 * (src/leaks/watch.ts, suspects.ts). Progress with Stop in a notification; the page shows suspects,
 * trends and series. Every snapshot is also stored in the workspace storage (src/leaks/watchStore.ts,
 * written by the worker), so a watch can be shown again after its page or the window closed and
 * continued: its stored snapshots come first, new ones are added to it. A service that restarts or
 * stops answering loses nothing already taken; the page says so and the watch goes on.
 */
import * as vscode from 'vscode';
import type { GoroutinesWorkerResults } from '../../protocol/goroutinesWorker';
import type { FetchOptions } from '../../pprof/fetch';
import type { WatchView } from '../../protocol/goroutinesView';
import { watchHost, watchPage } from '../../protocol/watchPage';
import { openFrameSource, workspaceModules } from '../panel/openSource';
import { GoroutinesPage } from './page';
import type { GoroutinesEnv } from './showGoroutines';
import type { StoredWatches } from './storedWatches';

export interface LeakWatchEnv extends GoroutinesEnv {
  storedWatches: StoredWatches;
  /** Goes on with a stored watch (the page's "Continue watching"): attaches its service if needed. */
  continueStored(storedId: string): Promise<unknown>;
}

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
  /** The stored watch's id, once storing has started; undefined if it could not. */
  storedId(): string | undefined;
}

export interface WatchOptions {
  intervalSeconds: number;
  maxSnapshots?: number;
  /** A stored watch (its id) to go on with: its snapshots are loaded first, new ones are added to it. */
  continueWatch?: string;
}

let nextWatchId = 1;

/** Watches taking snapshots in this window, by stored id: opening one again shows its live page. */
const live = new Map<string, { page: WatchPage; current: () => WatchView }>();

export function intervalSetting(): number {
  const value = vscode.workspace.getConfiguration('goroscope.leaks').get<number>('watchIntervalSeconds');
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.round(value) : 10;
}

/** Brings the page of a stored watch that is taking snapshots in this window to the front; its view, or undefined. */
export function revealLiveWatch(storedId: string): WatchView | undefined {
  const watch = live.get(storedId);
  if (!watch) return undefined;
  watch.page.panel.reveal();
  return watch.current();
}

export function watchLeaks(env: LeakWatchEnv, target: WatchTarget, options: WatchOptions): WatchRun {
  const watchId = nextWatchId++;
  let stopped = false;
  let wake: (() => void) | undefined;
  let storedId = options.continueWatch;
  const view: WatchView = {
    title: `Leak watch · ${target.name}`,
    running: true,
    canContinue: false,
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
  const page = openWatchPage(env, view, stop, () => storedId);
  page.onDidDispose(() => {
    stop();
    if (storedId !== undefined && live.get(storedId)?.page === page) live.delete(storedId);
    void env.worker.watchClose(watchId).catch(() => undefined);
  });
  const push = (): void => page.notify('watch', { ...view });
  const current = (): WatchView => ({ ...view });

  /** Loads the stored watch to continue, or starts storing this one; storage trouble never stops the watch. */
  const prepare = async (userModules: string[]): Promise<void> => {
    try {
      if (options.continueWatch !== undefined) {
        const loaded = await env.worker.watchResume({ watchId, store: env.storedWatches.location, storedId: options.continueWatch, userModules, append: true });
        applyLoaded(view, loaded, 'Continuing the watch');
      } else {
        storedId = undefined;
        ({ id: storedId } = await env.worker.watchStart({
          watchId,
          store: env.storedWatches.location,
          meta: { service: target.name, baseUrl: target.baseUrl, intervalSeconds: options.intervalSeconds, startedAt: Date.now() },
        }));
        view.notes.push('Snapshots are stored in the workspace storage: this watch stays under the service in the Services view ("Leak watches") after the window reloads.');
      }
      if (storedId !== undefined) live.set(storedId, { page, current });
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      env.log(`leak watch storage: ${text}`);
      if (options.continueWatch !== undefined) {
        // Taking new snapshots beside a stored watch that could not be read would be a different watch.
        stopped = true;
        storedId = undefined;
        view.notes.push(`The stored watch cannot be continued: ${text}`);
        return;
      }
      storedId = undefined;
      view.notes.push(`Snapshots are kept in memory only (${text}).`);
    } finally {
      void env.storedWatches.refresh();
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
        const { snapshot, report } = await env.worker.watchSnapshot({ watchId, baseUrl: target.baseUrl, fetch: target.fetch, userModules, leakPass: env.leakPass(target.baseUrl) });
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
        if (storedId !== undefined) void env.storedWatches.refresh();
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
  };

  /** The worker lets go of the watch (it can be continued from now on); the page offers Continue. */
  const finish = async (): Promise<void> => {
    if (storedId !== undefined && live.get(storedId)?.page === page) live.delete(storedId);
    await env.worker.watchClose(watchId).catch(() => undefined);
    view.running = false;
    view.canContinue = storedId !== undefined;
    view.notes.push(`Stopped after ${view.snapshots.length} snapshot${view.snapshots.length === 1 ? '' : 's'}.`);
    push();
    void env.storedWatches.refresh();
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
          await finish();
        }
      },
    ),
  ).then(current);
  return { done, stop, current, storedId: () => storedId };
}

/**
 * The watch page: suspects, trends and series of `view`. Stop calls `stop`; Continue (offered once a
 * stored watch is not running) goes on with the stored watch in a new page and closes this one.
 */
function openWatchPage(env: LeakWatchEnv, view: WatchView, stop: () => void, storedId: () => string | undefined): WatchPage {
  const page: WatchPage = new GoroutinesPage(
    env.extensionUri,
    'watch',
    view.title,
    {
      host: watchHost,
      page: watchPage,
      requests: {
        ready: async () => view,
        openSource: async (m) => {
          const note = await openFrameSource(m.function, m.file, m.line);
          return note === undefined ? {} : { note };
        },
        stop: async () => {
          stop();
          return { note: 'Stopped; the snapshots taken so far stay.' };
        },
        continue: async () => {
          const id = storedId();
          if (view.running || !view.canContinue || id === undefined) throw new Error('this watch cannot be continued from here');
          if ((await env.continueStored(id)) === undefined) return { note: 'Not continued.' };
          page.dispose();
          return {};
        },
      },
    },
    env.log,
  );
  return page;
}

type WatchPage = GoroutinesPage<typeof watchHost, typeof watchPage>;

function applyLoaded(view: WatchView, loaded: GoroutinesWorkerResults['watchResume'], what: string): void {
  view.snapshots = loaded.snapshots;
  view.series = loaded.report.series;
  view.suspects = loaded.report.suspects.slice(0, 20);
  view.restarts = loaded.report.restarts;
  const n = loaded.snapshots.length;
  view.notes.push(
    `${what} started ${new Date(loaded.meta.startedAt).toLocaleString()} (a snapshot every ${loaded.meta.intervalSeconds} s): ${n} snapshot${n === 1 ? '' : 's'} loaded from the workspace storage.`,
  );
  const bad = loaded.problems.length;
  if (bad > 0) {
    view.notes.push(
      `${bad} of the ${n + bad} stored snapshots could not be read and are left out (${loaded.problems.slice(0, 3).join('; ')}${bad > 3 ? '; …' : ''}); the others are shown.`,
    );
  }
}

/** Shows a stored watch as it was left (nothing is fetched); the page offers to continue it. Resolves to the view shown. */
export async function showStoredWatch(env: LeakWatchEnv, storedId: string): Promise<WatchView> {
  const userModules = (await workspaceModules()).map((m) => m.path);
  const loaded = await env.worker.watchResume({ watchId: nextWatchId++, store: env.storedWatches.location, storedId, userModules, append: false });
  const view: WatchView = {
    title: `Leak watch · ${loaded.meta.service} (stored)`,
    running: false,
    canContinue: true,
    intervalSeconds: loaded.meta.intervalSeconds,
    snapshots: [],
    series: { takenAt: [], goroutines: [], heapInuse: [], stackInuse: [], numGC: [] },
    suspects: [],
    restarts: [],
    notes: [],
  };
  applyLoaded(view, loaded, `The watch of ${loaded.meta.service}`);
  if (loaded.problems.length > 0) env.log(`stored leak watch ${storedId}: ${loaded.problems.join('; ')}`);
  openWatchPage(env, view, () => undefined, () => storedId);
  return { ...view };
}
