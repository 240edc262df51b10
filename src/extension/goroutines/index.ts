/**
 * The goroutines side of the extension: "Show Goroutines" (attached service or a goroutine snapshot),
 * "Analyze Goroutine Dump" (active editor or its selection) and the leak-watch commands
 * (leakWatchCommands.ts), whose stored watches the Services view lists too. One goroutines worker
 * serves them all; each command only gathers bytes and hands them over.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { GoroutinesWorker } from '../../goroutines/analyzeInWorker';
import { GoroutineLeakPolicy, isGoroutineLeakSetting, type GoroutineLeakSetting } from '../../leaks/leakDetection';
import { parsePprofUrl, profileUrl } from '../../pprof/endpoints';
import { fetchRaw } from '../../pprof/fetch';
import type { ServerRequests } from '../../protocol/serverRequests';
import type { ServicesFeature } from '../services/feature';
import { snapshotTitle } from '../services/openSnapshot';
import { isServiceNode, isSnapshotNode } from '../services/servicesTree';
import { continueWatchCommand, deleteWatchCommand, openWatchCommand, watchCommand } from './leakWatchCommands';
import { field, fetchOptionsOf, resolveService } from './serviceArgs';
import { showGoroutines, type GoroutinesEnv, type ShownGoroutines } from './showGoroutines';
import { StoredWatches } from './storedWatches';
import type { LeakWatchEnv } from './watchLeaks';

type CommandHandler = (...args: unknown[]) => unknown;

export function goroutinesCommands(context: vscode.ExtensionContext, services: ServicesFeature, output: vscode.OutputChannel, server: ServerRequests): Record<string, CommandHandler> {
  const worker = new GoroutinesWorker(path.join(context.extensionUri.fsPath, 'dist', 'goroutinesWorker.js'));
  context.subscriptions.push({ dispose: () => worker.dispose() });
  const log = (line: string): void => output.appendLine(`[goroutines] ${line}`);
  // Workspace storage keeps watches with the project they belong to; with no folder open, global storage.
  const storedWatches = new StoredWatches(
    worker,
    {
      root: path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'leak-watches'),
      get maxWatches() {
        return keepWatchesSetting();
      },
    },
    log,
  );
  context.subscriptions.push(storedWatches);
  services.tree.setLeakWatches(storedWatches);
  const leakPolicy = new GoroutineLeakPolicy();
  const env: LeakWatchEnv = {
    extensionUri: context.extensionUri,
    server,
    worker,
    log,
    leakPass: (baseUrl) => {
      leakPolicy.setSetting(goroutineLeakSetting());
      return leakPolicy.claim(parsePprofUrl(baseUrl).base);
    },
    storedWatches,
    continueStored: (storedId) => continueWatchCommand(env, services, { storedId }),
  };
  return {
    'goroscope.goroutines.show': (arg) => reportFailure(env, showCommand(env, services, arg)),
    'goroscope.goroutines.analyzeDump': () => reportFailure(env, analyzeDumpCommand(env)),
    'goroscope.leaks.watch': (arg) => reportFailure(env, watchCommand(env, services, arg)),
    'goroscope.leaks.open': (arg) => reportFailure(env, openWatchCommand(env, arg)),
    'goroscope.leaks.continue': (arg) => reportFailure(env, continueWatchCommand(env, services, arg)),
    'goroscope.leaks.delete': (arg, opts) => reportFailure(env, deleteWatchCommand(env, arg, opts)),
  };
}

function goroutineLeakSetting(): GoroutineLeakSetting {
  const value = vscode.workspace.getConfiguration('goroscope.leaks').get<unknown>('goroutineLeakProfile');
  return isGoroutineLeakSetting(value) ? value : 'auto';
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
    if (snapshot.kind !== 'goroutine' && snapshot.kind !== 'goroutineleak') throw new Error(`a ${snapshot.kind} snapshot has no goroutines to show; pick a goroutine or goroutineleak snapshot`);
    return showGoroutines(env, { title: `Goroutines · ${snapshotTitle(snapshot)}`, source: `${snapshot.kind} snapshot of ${snapshot.serviceName}`, dump: await store.read(snapshot.id) });
  }
  const service = await resolveService(services, isServiceNode(arg) ? arg.name : field(arg, 'service'));
  if (!service) return undefined;
  const opts = await fetchOptionsOf(services, service);
  const base = service.config.url;
  // goroutineleak?debug=2 prints every goroutine like goroutine?debug=2, right after Go's detection pass.
  const offersLeaks = service.offered.some((p) => p.name === 'goroutineleak');
  const pass = offersLeaks ? env.leakPass(base) : undefined;
  const kind = pass === 'ran' ? 'goroutineleak' : 'goroutine';
  const [dump, labels] = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Goroscope: reading the goroutines of ${service.config.name}${kind === 'goroutineleak' ? ' (Go proves which leaked)' : ''}…` },
    () =>
      Promise.all([
        fetchRaw(profileUrl(base, kind, { debug: 2 }), opts, 'text'),
        fetchRaw(profileUrl(base, 'goroutine', { debug: 1 }), opts, 'text').catch(() => undefined),
      ]),
  );
  const detection =
    pass === 'ran'
      ? "; Go's leak detector ran just before"
      : pass === 'earlier'
        ? "; Go's leak detector ran less than a minute ago (its marks show; goroscope.leaks.goroutineLeakProfile)"
        : pass === 'off'
          ? "; Go's leak detection is off (goroscope.leaks.goroutineLeakProfile)"
          : '';
  return showGoroutines(env, {
    title: `Goroutines · ${service.config.name}`,
    source: `${kind}?debug=2 dump of ${service.config.name}, taken ${new Date().toLocaleTimeString()}${detection}`,
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
