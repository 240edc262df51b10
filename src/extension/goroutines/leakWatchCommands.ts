/**
 * The leak-watch commands: "Watch for Leaks" (a new watch of a service), "Open Leak Watch…" (a stored
 * watch as it was left; the live page when it is still running), "Continue Leak Watch" (more snapshots
 * into a stored watch, attaching its service again if needed) and "Delete Leak Watch". Arguments: a
 * node of the Services view, `{ storedId, … }` (tests, links), or nothing for a quick pick.
 */
import * as vscode from 'vscode';
import type { StoredWatchInfo, UnreadableWatch } from '../../leaks/watchStore';
import type { WatchView } from '../../protocol/goroutinesView';
import type { ServicesFeature } from '../services/feature';
import { isLeakWatchNode, isServiceNode } from '../services/servicesTree';
import { field, fetchOptionsOf, resolveService } from './serviceArgs';
import { intervalSetting, revealLiveWatch, showStoredWatch, watchLeaks, type LeakWatchEnv, type WatchRun } from './watchLeaks';

/** `arg`: a service node, or `{ service?, intervalSeconds?, maxSnapshots?, continueWatch? }`. */
export async function watchCommand(env: LeakWatchEnv, services: ServicesFeature, arg: unknown): Promise<WatchRun | undefined> {
  const service = await resolveService(services, isServiceNode(arg) ? arg.name : field(arg, 'service'));
  if (!service) return undefined;
  const { signal: _signal, ...fetch } = await fetchOptionsOf(services, service);
  const seconds = field(arg, 'intervalSeconds');
  const count = field(arg, 'maxSnapshots');
  const continueWatch = field(arg, 'continueWatch');
  return watchLeaks(
    env,
    { name: service.config.name, baseUrl: service.config.url, fetch },
    {
      intervalSeconds: seconds !== undefined && Number(seconds) >= 1 ? Number(seconds) : intervalSetting(),
      ...(count !== undefined && Number(count) >= 1 ? { maxSnapshots: Number(count) } : {}),
      ...(continueWatch !== undefined ? { continueWatch } : {}),
    },
  );
}

/** Shows a stored watch (its live page when this window is still adding to it). */
export async function openWatchCommand(env: LeakWatchEnv, arg: unknown): Promise<WatchView | undefined> {
  const storedId = storedIdOf(arg) ?? (await pickStoredWatch(env, 'A stored leak watch to show'));
  if (storedId === undefined) return undefined;
  return revealLiveWatch(storedId) ?? showStoredWatch(env, storedId);
}

/** Goes on with a stored watch of a service, attached under its URL (attached now if it is not). `arg` may carry `maxSnapshots`. */
export async function continueWatchCommand(env: LeakWatchEnv, services: ServicesFeature, arg: unknown): Promise<WatchRun | undefined> {
  const storedId = storedIdOf(arg) ?? (await pickStoredWatch(env, 'A stored leak watch to continue'));
  if (storedId === undefined) return undefined;
  if (revealLiveWatch(storedId)) {
    void vscode.window.showInformationMessage('Goroscope: this leak watch is taking snapshots already.');
    return undefined;
  }
  const listing = await env.storedWatches.refresh();
  const stored = listing.watches.find((w) => w.id === storedId);
  if (!stored) {
    const unreadable = listing.unreadable.find((u) => u.id === storedId);
    throw new Error(unreadable?.problem ?? `the stored leak watch ${storedId} is gone (deleted, or dropped by goroscope.leaks.keepWatches)`);
  }
  const service = services.services.list().find((s) => s.config.url === stored.baseUrl) ?? (await services.attach(stored.baseUrl));
  if (!service) return undefined;
  const count = field(arg, 'maxSnapshots');
  return watchCommand(env, services, { service: service.config.name, continueWatch: storedId, intervalSeconds: stored.intervalSeconds, ...(count ? { maxSnapshots: count } : {}) });
}

/** `opts.confirmed` skips the question (tests). Resolves to whether it was deleted. */
export async function deleteWatchCommand(env: LeakWatchEnv, arg: unknown, opts?: unknown): Promise<boolean> {
  const storedId = storedIdOf(arg) ?? (await pickStoredWatch(env, 'A stored leak watch to delete'));
  if (storedId === undefined) return false;
  const confirmed = typeof opts === 'object' && opts !== null && (opts as { confirmed?: unknown }).confirmed === true;
  if (!confirmed) {
    const watch = env.storedWatches.current().watches.find((w) => w.id === storedId);
    const what = watch ? `the leak watch of ${watch.service} started ${new Date(watch.startedAt).toLocaleString()} (${watch.snapshots} snapshots)` : 'this leak watch';
    const choice = await vscode.window.showWarningMessage(`Delete ${what}?`, { modal: true, detail: 'Its snapshots are removed from workspace storage.' }, 'Delete');
    if (choice !== 'Delete') return false;
  }
  try {
    await env.worker.watchDelete({ store: env.storedWatches.location, storedId });
    return true;
  } finally {
    await env.storedWatches.refresh();
  }
}

function storedIdOf(arg: unknown): string | undefined {
  return isLeakWatchNode(arg) ? arg.watch.id : field(arg, 'storedId');
}

type PickItem = vscode.QuickPickItem & { watch?: StoredWatchInfo; unreadable?: UnreadableWatch };

/**
 * The stored watches, most recently active first, then those that cannot be read. Choosing one of the
 * latter says why in one message and offers to delete it; resolves to a readable watch's id.
 */
async function pickStoredWatch(env: LeakWatchEnv, placeholder: string): Promise<string | undefined> {
  const { watches, unreadable, running } = await env.storedWatches.refresh();
  if (watches.length === 0 && unreadable.length === 0) {
    void vscode.window.showInformationMessage('Goroscope: no leak watch is stored in this workspace yet; run "Goroscope: Watch for Leaks" on an attached service.');
    return undefined;
  }
  const items: PickItem[] = [
    ...watches.map((w): PickItem => ({
      watch: w,
      label: w.service,
      description: `${new Date(w.startedAt).toLocaleString()} · ${w.snapshots} snapshot${w.snapshots === 1 ? '' : 's'}${running.includes(w.id) ? ' · watching' : ''}`,
      detail: `${w.baseUrl} · every ${w.intervalSeconds} s · last ${new Date(w.lastAt).toLocaleString()}`,
    })),
    ...unreadable.map((u): PickItem => ({ unreadable: u, label: '$(warning) unreadable leak watch', description: u.id, detail: u.problem })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Goroscope: Leak Watches', placeHolder: placeholder, matchOnDescription: true, matchOnDetail: true });
  if (picked?.unreadable) {
    const { id, problem } = picked.unreadable;
    const choice = await vscode.window.showWarningMessage(`Goroscope: ${problem}. It cannot be shown or continued.`, 'Delete It');
    if (choice === 'Delete It') await deleteWatchCommand(env, { storedId: id }, { confirmed: true });
    return undefined;
  }
  return picked?.watch?.id;
}
