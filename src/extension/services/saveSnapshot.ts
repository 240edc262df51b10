/**
 * "Save Snapshot As…": copy a snapshot's bytes (gzipped profile.proto, as the service sent them) to a
 * file the user picks, readable by `go tool pprof` and by Goroscope's own profile editor.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ServicesFeature } from './feature';
import { snapshotFromArgument } from './pickSnapshot';

/** `destination` (a Uri or a path) skips the dialog: for tests and callers that already know where. */
export async function saveSnapshotCommand(feature: ServicesFeature, arg?: unknown, destination?: unknown): Promise<vscode.Uri | undefined> {
  const store = await feature.store();
  const snapshot = await snapshotFromArgument(store, arg, 'Goroscope: save which snapshot?');
  if (!snapshot) return undefined;
  let target = destination instanceof vscode.Uri ? destination : typeof destination === 'string' ? vscode.Uri.file(destination) : undefined;
  if (!target) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
    const stamp = new Date(snapshot.takenAt).toISOString().replace(/[:]/g, '-').replace(/\..*$/, '');
    const name = `${snapshot.serviceName}-${snapshot.kind}-${stamp}.pb.gz`.replace(/[^A-Za-z0-9_.-]+/g, '_');
    target = await vscode.window.showSaveDialog({
      title: 'Goroscope: save the snapshot',
      defaultUri: vscode.Uri.joinPath(folder, name),
      filters: { 'pprof profile': ['pb.gz', 'pprof', 'prof'] },
    });
    if (!target) return undefined;
  }
  if (target.scheme !== 'file') {
    void vscode.window.showErrorMessage(`Goroscope: can only save to a local file, not ${target.toString()}`);
    return undefined;
  }
  try {
    await store.saveAs(snapshot.id, target.fsPath);
  } catch (err) {
    void vscode.window.showErrorMessage(`Goroscope: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
  vscode.window.setStatusBarMessage(`Goroscope: saved ${path.basename(target.fsPath)}`, 5000);
  return target;
}
