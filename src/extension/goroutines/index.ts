/**
 * The goroutines side of the extension: "Show Goroutines" (attached service or a goroutine snapshot),
 * "Analyze Goroutine Dump" (active editor or its selection) and "Watch for Leaks". One goroutines
 * worker serves them all; each command only gathers bytes and hands them over.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { GoroutinesWorker } from '../../goroutines/analyzeInWorker';
import { profileUrl } from '../../pprof/endpoints';
import { fetchRaw } from '../../pprof/fetch';
import { fetchOptionsFor } from '../../services/config';
import type { AttachedService } from '../services/attachedServices';
import type { ServicesFeature } from '../services/feature';
import { snapshotTitle } from '../services/openSnapshot';
import { isServiceNode, isSnapshotNode } from '../services/servicesTree';
import { withTransportDefaults } from '../services/settings';
import { showGoroutines, type GoroutinesEnv, type ShownGoroutines } from './showGoroutines';
import type { WatchView } from '../../protocol/goroutinesView';
import { intervalSetting, showStoredWatch, watchLeaks, type WatchRun } from './watchLeaks';

type CommandHandler = (...args: unknown[]) => unknown;

export function goroutinesCommands(context: vscode.ExtensionContext, services: ServicesFeature, output: vscode.OutputChannel): Record<string, CommandHandler> {
  const worker = new GoroutinesWorker(path.join(context.extensionUri.fsPath, 'dist', 'goroutinesWorker.js'));
  context.subscriptions.push({ dispose: () => worker.dispose() });
  const env: GoroutinesEnv = {
    extensionUri: context.extensionUri,
    worker,
    log: (line) => output.appendLine(`[goroutines] ${line}`),
    // Workspace storage keeps watches with the project they belong to; with no folder open, global storage.
    watchStore: {
      root: path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'leak-watches'),
      get maxWatches() {
        return keepWatchesSetting();
      },
    },
  };
  return {
    'goroscope.goroutines.show': (arg) => reportFailure(env, showCommand(env, services, arg)),
    'goroscope.goroutines.analyzeDump': () => reportFailure(env, analyzeDumpCommand(env)),
    'goroscope.leaks.watch': (arg) => reportFailure(env, watchCommand(env, services, arg)),
    'goroscope.leaks.open': (arg) => reportFailure(env, openWatchCommand(env, services, arg)),
  };
}

function keepWatchesSetting(): number {
  const value = vscode.workspace.getConfiguration('goroscope.leaks').get<number>('keepWatches');
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : 10;
}

/** Every failure ends in one message to the user (and the log), never an unhandled rejection. */
async function reportFailure<T>(env: GoroutinesEnv, run: Promise<T>): Promise<T | undefined> {
  try {
    return await run;
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    env.log(text);
    void vscode.window.showErrorMessage(`Goroscope: ${text}`);
    return undefined;
  }
}

/** `arg`: a service or snapshot node of the Services tree, `{ service }` / `{ snapshotId }`, or nothing (the attached service). */
async function showCommand(env: GoroutinesEnv, services: ServicesFeature, arg: unknown): Promise<ShownGoroutines | undefined> {
  const snapshotId = isSnapshotNode(arg) ? arg.snapshot.id : field(arg, 'snapshotId');
  if (snapshotId !== undefined) {
    const store = await services.store();
    const snapshot = store.get(snapshotId);
    if (!snapshot) throw new Error(`the snapshot ${snapshotId} is gone`);
    if (snapshot.kind !== 'goroutine') throw new Error(`a ${snapshot.kind} snapshot has no goroutines to show; pick a goroutine snapshot`);
    return showGoroutines(env, { title: `Goroutines · ${snapshotTitle(snapshot)}`, source: `goroutine snapshot of ${snapshot.serviceName}`, dump: await store.read(snapshot.id) });
  }
  const service = await resolveService(services, isServiceNode(arg) ? arg.name : field(arg, 'service'));
  if (!service) return undefined;
  const opts = fetchOptionsFor(withTransportDefaults(service.config), await bearer(services, service));
  const base = service.config.url;
  const [dump, labels] = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Goroscope: reading the goroutines of ${service.config.name}…` },
    () =>
      Promise.all([
        fetchRaw(profileUrl(base, 'goroutine', { debug: 2 }), opts, 'text'),
        fetchRaw(profileUrl(base, 'goroutine', { debug: 1 }), opts, 'text').catch(() => undefined),
      ]),
  );
  return showGoroutines(env, {
    title: `Goroutines · ${service.config.name}`,
    source: `debug=2 dump of ${service.config.name}${labels ? ', labels from debug=1' : ''}, taken ${new Date().toLocaleTimeString()}`,
    dump: dump.body,
    ...(labels ? { labels: labels.body } : {}),
  });
}

async function analyzeDumpCommand(env: GoroutinesEnv): Promise<ShownGoroutines | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('Goroscope: open a goroutine dump (or a log holding one) in an editor first.');
    return undefined;
  }
  const selected = editor.selection.isEmpty ? undefined : editor.document.getText(editor.selection);
  const text = selected ?? editor.document.getText();
  const name = path.basename(editor.document.uri.path) || 'untitled';
  return showGoroutines(env, {
    title: `Goroutines · ${name}${selected ? ' (selection)' : ''}`,
    source: `${selected ? 'the selection of ' : ''}${name}`,
    dump: new TextEncoder().encode(text),
  });
}

async function watchCommand(env: GoroutinesEnv, services: ServicesFeature, arg: unknown): Promise<WatchRun | undefined> {
  const service = await resolveService(services, isServiceNode(arg) ? arg.name : field(arg, 'service'));
  if (!service) return undefined;
  const { signal: _signal, ...fetch } = fetchOptionsFor(withTransportDefaults(service.config), await bearer(services, service));
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

const CONTINUE_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('debug-continue'), tooltip: 'Continue watching (takes more snapshots)' };

/**
 * "Open Leak Watch…": the stored watches, newest first. Choosing one shows it as it was left; its
 * Continue button goes on watching the same service (attached under that URL, or attached now).
 * `arg`: `{ storedId, continue?, maxSnapshots? }` skips the choice (tests, links).
 */
async function openWatchCommand(env: GoroutinesEnv, services: ServicesFeature, arg: unknown): Promise<WatchView | WatchRun | undefined> {
  let storedId = field(arg, 'storedId');
  let goOn = typeof arg === 'object' && arg !== null && (arg as { continue?: unknown }).continue === true;
  if (storedId === undefined) {
    const watches = await env.worker.watchList({ store: env.watchStore });
    if (watches.length === 0) {
      void vscode.window.showInformationMessage('Goroscope: no leak watch is stored in this workspace yet; run "Goroscope: Watch for Leaks" on an attached service.');
      return undefined;
    }
    const picked = await new Promise<{ id: string; goOn: boolean } | undefined>((resolve) => {
      const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { id: string }>();
      pick.title = 'Goroscope: Open Leak Watch';
      pick.placeholder = 'A stored leak watch to show (the button continues it)';
      pick.items = watches.map((w) => ({
        id: w.id,
        label: w.service,
        description: `${new Date(w.startedAt).toLocaleString()} · ${w.snapshots} snapshot${w.snapshots === 1 ? '' : 's'}`,
        detail: `${w.baseUrl} · every ${w.intervalSeconds} s · last ${new Date(w.lastAt).toLocaleString()}`,
        buttons: [CONTINUE_BUTTON],
      }));
      let result: { id: string; goOn: boolean } | undefined;
      pick.onDidAccept(() => {
        const item = pick.selectedItems[0];
        if (item) result = { id: item.id, goOn: false };
        pick.hide();
      });
      pick.onDidTriggerItemButton((e) => {
        result = { id: e.item.id, goOn: true };
        pick.hide();
      });
      pick.onDidHide(() => {
        pick.dispose();
        resolve(result);
      });
      pick.show();
    });
    if (!picked) return undefined;
    storedId = picked.id;
    goOn = picked.goOn;
  }
  if (!goOn) return showStoredWatch(env, storedId);
  const stored = (await env.worker.watchList({ store: env.watchStore })).find((w) => w.id === storedId);
  if (!stored) throw new Error(`the stored watch ${storedId} is gone`);
  const service = services.services.list().find((s) => s.config.url === stored.baseUrl) ?? (await services.attach(stored.baseUrl));
  if (!service) return undefined;
  const count = field(arg, 'maxSnapshots');
  return watchCommand(env, services, { service: service.config.name, continueWatch: storedId, intervalSeconds: stored.intervalSeconds, ...(count ? { maxSnapshots: count } : {}) });
}

async function resolveService(services: ServicesFeature, name: string | undefined): Promise<AttachedService | undefined> {
  if (name !== undefined) {
    const service = services.services.get(name);
    if (!service) throw new Error(`${name} is not attached; attach to it first`);
    return service;
  }
  return services.services.current() ?? services.attach();
}

async function bearer(services: ServicesFeature, service: AttachedService): Promise<{ bearerToken?: string }> {
  const token = await services.tokens.get(service.config.url);
  return token ? { bearerToken: token } : {};
}

function field(arg: unknown, key: string): string | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const value = (arg as Record<string, unknown>)[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
