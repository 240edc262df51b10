/**
 * The live-pprof side of the extension, wired together: attached services, bearer tokens, the snapshot
 * store in workspace storage, the Services tree view and the status-bar item, and the command table the
 * extension registers (createCommands). Each command lives in its own module; this one only connects them.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CAPTURE_KINDS } from '../../services/captureKinds';
import { SnapshotStore, type Snapshot } from '../../services/snapshotStore';
import { attachCommand } from './attach';
import { AttachedServices, type AttachedService } from './attachedServices';
import { captureCommand, deltaCaptureCommand } from './capture';
import { deleteSnapshotCommand } from './deleteSnapshot';
import { detachCommand } from './detach';
import { openSnapshot, openSnapshotCommand } from './openSnapshot';
import { saveSnapshotCommand } from './saveSnapshot';
import { ServicesTreeProvider, SERVICES_VIEW_ID } from './servicesTree';
import { setBearerTokenCommand } from './setBearerToken';
import { maxSnapshots } from './settings';
import { ServiceStatusBar } from './statusBar';
import { BearerTokens } from './tokens';

type CommandHandler = (...args: unknown[]) => unknown;

export class ServicesFeature implements vscode.Disposable {
  readonly services: AttachedServices;
  readonly tokens: BearerTokens;
  readonly tree: ServicesTreeProvider;
  readonly statusBar: ServiceStatusBar;
  readonly globalState: vscode.Memento;
  private readonly storeReady: Promise<SnapshotStore>;
  private openedStore: SnapshotStore | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly captureEmitter = new vscode.EventEmitter<Snapshot>();
  /** Every completed capture (the capture commands' and "Profile this handler"'s): inline costs follow it. */
  readonly onDidCapture = this.captureEmitter.event;

  constructor(
    readonly context: vscode.ExtensionContext,
    private readonly output: vscode.OutputChannel,
  ) {
    this.globalState = context.globalState;
    this.services = new AttachedServices(context.globalState);
    this.tokens = new BearerTokens(context.secrets);
    this.tree = new ServicesTreeProvider(this.services, () => this.openedStore);
    this.statusBar = new ServiceStatusBar(this.services, this.tokens);
    const view = vscode.window.createTreeView(SERVICES_VIEW_ID, { treeDataProvider: this.tree, showCollapseAll: true });
    this.disposables.push(this.services, this.tree, this.statusBar, view, this.captureEmitter);

    // Workspace storage keeps snapshots with the project they belong to; with no folder open, global storage.
    const base = context.storageUri ?? context.globalStorageUri;
    this.storeReady = SnapshotStore.open(path.join(base.fsPath, 'snapshots'), { maxSnapshots: maxSnapshots() }).then((store) => {
      this.openedStore = store;
      for (const warning of store.warnings) this.log(`snapshots: ${warning}`);
      const unsubscribe = store.onDidChange(() => this.tree.refresh());
      this.disposables.push({ dispose: unsubscribe });
      this.tree.refresh();
      return store;
    });
    this.storeReady.catch((err: unknown) => this.log(`snapshots: cannot open the snapshot store: ${err instanceof Error ? err.message : String(err)}`));
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('goroscope.snapshots.max')) return;
        void this.store()
          .then((store) => store.setMaxSnapshots(maxSnapshots()))
          .catch((err: unknown) => this.log(`snapshots: ${err instanceof Error ? err.message : String(err)}`));
      }),
    );
  }

  /** The snapshot store, once its index is loaded. */
  store(): Promise<SnapshotStore> {
    return this.storeReady;
  }

  log(line: string): void {
    this.output.appendLine(`[services] ${line}`);
  }

  attach(arg?: unknown): Promise<AttachedService | undefined> {
    return attachCommand({ services: this.services, tokens: this.tokens, log: (l) => this.log(l) }, arg);
  }

  /** Announces a stored capture to onDidCapture's listeners. */
  captured(snapshot: Snapshot): void {
    this.captureEmitter.fire(snapshot);
  }

  openSnapshot(snapshot: Snapshot): Promise<void> {
    return openSnapshot(this, snapshot);
  }

  /** The command handlers, by id (package.json `contributes.commands`). */
  commands(): Record<string, CommandHandler> {
    const commands: Record<string, CommandHandler> = {
      'goroscope.services.attach': (arg) => this.attach(arg),
      'goroscope.services.detach': (arg) => detachCommand(this, arg),
      'goroscope.services.setBearerToken': (arg) => setBearerTokenCommand(this, arg),
      'goroscope.services.capture': (arg) => captureCommand(this, undefined, arg),
      'goroscope.services.captureDelta': (arg) => deltaCaptureCommand(this, arg),
      'goroscope.snapshots.open': (arg) => openSnapshotCommand(this, arg),
      'goroscope.snapshots.save': (arg, dest) => saveSnapshotCommand(this, arg, dest),
      'goroscope.snapshots.delete': (arg, opts) => deleteSnapshotCommand(this, arg, opts),
    };
    for (const { command, kind } of CAPTURE_KINDS) commands[command] = (arg) => captureCommand(this, kind, arg);
    return commands;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
