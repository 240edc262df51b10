/** "Delete Snapshot": remove a stored snapshot and its file, after a confirmation. */
import * as vscode from 'vscode';
import type { ServicesFeature } from './feature';
import { snapshotFromArgument } from './pickSnapshot';
import { snapshotTitle } from './openSnapshot';

/** `opts.confirmed` skips the question (tests, callers that already asked). Resolves to whether it was deleted. */
export async function deleteSnapshotCommand(feature: ServicesFeature, arg?: unknown, opts?: unknown): Promise<boolean> {
  const store = await feature.store();
  const snapshot = await snapshotFromArgument(store, arg, 'Goroscope: delete which snapshot?');
  if (!snapshot) return false;
  const confirmed = typeof opts === 'object' && opts !== null && (opts as { confirmed?: unknown }).confirmed === true;
  if (!confirmed) {
    const choice = await vscode.window.showWarningMessage(`Delete the snapshot ${snapshotTitle(snapshot)}?`, { modal: true, detail: 'Its profile file is removed from workspace storage.' }, 'Delete');
    if (choice !== 'Delete') return false;
  }
  try {
    await store.delete(snapshot.id);
    return true;
  } catch (err) {
    void vscode.window.showErrorMessage(`Goroscope: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}
