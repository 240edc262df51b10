/**
 * The flame-graph panel's entry points for the rest of the extension: `showProfile` (used by the
 * capture and snapshot commands), the read-only custom editor for saved profiles, and the
 * "Open Profile…" command. Every panel reads its profile in the window's one pprof worker, shared by
 * key with inline costs and "Profile this handler": a capture is decoded once.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProfileWorker } from '../../pprof/decodeInWorker';
import type { BaseSource } from '../../pprof/session';
import { openFrameSource } from './openSource';
import { ProfileView } from './profileView';

/** What the attach helper hands over to show a profile. */
export interface ProfileSource {
  title: string;
  bytes: Uint8Array;
  /** Names the panel: showing the same again reveals it. */
  snapshotId?: string;
  /** Names the profile in the worker, shared with whoever else reads the same bytes (a snapshot's id). */
  profileKey?: string;
  sampleType?: string;
  focus?: string;
  tagFocus?: string;
  listBaseCandidates?: () => Promise<Array<{ id: string; title: string; bytes: () => Promise<Uint8Array> }>>;
}

export const PROFILE_EDITOR_VIEW_TYPE = 'goroscope.profile';
export const OPEN_PROFILE_COMMAND = 'goroscope.openProfile';

let worker: ProfileWorker | undefined;
let log: (line: string) => void = () => {};
const panels = new Map<string, vscode.WebviewPanel>();

function sharedWorker(): ProfileWorker {
  if (!worker) throw new Error('the flame-graph panel is not registered');
  return worker;
}

/** Registers the custom editor and the panel's commands; call once from activate() with the window's pprof worker. */
export function registerProfilePanel(context: vscode.ExtensionContext, profileWorker: ProfileWorker, output?: vscode.OutputChannel): void {
  worker = profileWorker;
  if (output) log = (line) => output.appendLine(`[panel] ${line}`);
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(PROFILE_EDITOR_VIEW_TYPE, new ProfileEditorProvider(context), {
      webviewOptions: { retainContextWhenHidden: true },
      supportsMultipleEditorsPerDocument: true,
    }),
    vscode.commands.registerCommand(OPEN_PROFILE_COMMAND, (arg?: unknown) => openProfileCommand(arg)),
    { dispose: () => (worker = undefined) },
  );
}

/** Opens (or reveals) the flame-graph panel for a profile beside the active editor. */
export async function showProfile(context: vscode.ExtensionContext, source: ProfileSource): Promise<void> {
  const key = source.snapshotId ?? source.title;
  const existing = panels.get(key);
  if (existing) {
    existing.reveal(vscode.ViewColumn.Beside);
    return;
  }
  const panel = vscode.window.createWebviewPanel('goroscope.flameGraph', source.title, vscode.ViewColumn.Beside, {
    enableScripts: true,
    retainContextWhenHidden: true,
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')],
  });
  panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.png');
  panels.set(key, panel);
  const eng = sharedWorker();
  const filter: { focus?: string; tagFocus?: string } = {};
  if (source.focus) filter.focus = source.focus;
  if (source.tagFocus) filter.tagFocus = source.tagFocus;
  const listBaseCandidates = source.listBaseCandidates;
  const view = new ProfileView(
    panel.webview,
    context.extensionUri,
    eng,
    {
      title: source.title,
      open: () => eng.acquire(source.profileKey ?? `panel:${key}`, () => source.bytes),
      filter,
      ...(source.sampleType !== undefined ? { sampleType: source.sampleType } : {}),
      ...(listBaseCandidates
        ? {
            listBases: async (): Promise<BaseSource[]> =>
              (await listBaseCandidates()).map((c) => ({ id: c.id, title: c.title, open: () => eng.acquire(c.id, c.bytes) })),
          }
        : {}),
      openSource: openFrameSource,
      save: () => saveBytes(source.bytes, source.title),
    },
    log,
  );
  panel.onDidDispose(() => {
    panels.delete(key);
    view.dispose();
  });
}

/** "Save snapshot to file": the profile's bytes as received (gzipped profile.proto). */
async function saveBytes(bytes: Uint8Array, title: string): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `${title.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '') || 'profile'}.pb.gz`;
  const target = await vscode.window.showSaveDialog({
    title: 'Goroscope: save the profile',
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
    filters: { 'pprof profile': ['pb.gz', 'pprof', 'prof'] },
  });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, bytes);
  return `Saved ${path.basename(target.fsPath)}`;
}

class ProfileDocument implements vscode.CustomDocument {
  constructor(
    readonly uri: vscode.Uri,
    readonly bytes: Uint8Array,
  ) {}
  dispose(): void {}
}

const PROFILE_FILE = /\.(pb\.gz|pprof|prof)$/i;

class ProfileEditorProvider implements vscode.CustomReadonlyEditorProvider<ProfileDocument> {
  constructor(private readonly context: vscode.ExtensionContext) {}

  async openCustomDocument(uri: vscode.Uri): Promise<ProfileDocument> {
    // The worker's thread loads while the file is read: the first profile of a window waits for neither alone.
    worker?.warm();
    return new ProfileDocument(uri, await vscode.workspace.fs.readFile(uri));
  }

  resolveCustomEditor(document: ProfileDocument, panel: vscode.WebviewPanel): void {
    const eng = sharedWorker();
    const view = new ProfileView(
      panel.webview,
      this.context.extensionUri,
      eng,
      {
        title: path.basename(document.uri.path),
        open: () => eng.acquire(document.uri.toString(), () => document.bytes),
        listBases: () => siblingProfiles(document.uri, eng),
        openSource: openFrameSource,
        save: () => saveBytes(document.bytes, path.basename(document.uri.path).replace(PROFILE_FILE, '')),
      },
      log,
    );
    panel.onDidDispose(() => view.dispose());
  }
}

/** Compare candidates for a profile file: the other profiles in its folder. */
async function siblingProfiles(uri: vscode.Uri, eng: ProfileWorker): Promise<BaseSource[]> {
  const dir = vscode.Uri.joinPath(uri, '..');
  let entries: Array<[string, vscode.FileType]>;
  try {
    entries = await vscode.workspace.fs.readDirectory(dir);
  } catch {
    return [];
  }
  return entries
    .filter(([name, type]) => type === vscode.FileType.File && PROFILE_FILE.test(name) && name !== path.basename(uri.path))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name]) => {
      const file = vscode.Uri.joinPath(dir, name);
      return { id: file.toString(), title: name, open: () => eng.acquire(file.toString(), async () => vscode.workspace.fs.readFile(file)) };
    });
}

/** "Goroscope: Open Profile…": any file (pprof files often have no extension) in the profile editor. */
async function openProfileCommand(arg?: unknown): Promise<void> {
  let uri = arg instanceof vscode.Uri ? arg : undefined;
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({ title: 'Goroscope: open a pprof profile', canSelectMany: false, openLabel: 'Open Profile' });
    uri = picked?.[0];
  }
  if (!uri) return;
  await vscode.commands.executeCommand('vscode.openWith', uri, PROFILE_EDITOR_VIEW_TYPE);
}
