/**
 * Which snapshot a snapshot command acts on: the tree item it was invoked on, an id (tests, other
 * commands), or, from the command palette, the user's pick among the stored snapshots.
 */
import * as vscode from 'vscode';
import { formatBytes } from '../../pprof/fetch';
import type { Snapshot, SnapshotStore } from '../../services/snapshotStore';
import { isSnapshotNode } from './servicesTree';
import { formatTakenAt, snapshotLabel } from './snapshotLabels';

export async function snapshotFromArgument(store: SnapshotStore, arg: unknown, title: string): Promise<Snapshot | undefined> {
  const id = isSnapshotNode(arg) ? arg.snapshot.id : typeof arg === 'string' ? arg : idOf(arg);
  if (id !== undefined) {
    const snapshot = store.get(id);
    if (!snapshot) void vscode.window.showErrorMessage(`Goroscope: the snapshot ${id} is gone (deleted, or dropped by goroscope.snapshots.max)`);
    return snapshot;
  }
  const snapshots = store.list();
  if (snapshots.length === 0) {
    void vscode.window.showInformationMessage('Goroscope: no snapshots yet. Attach to a Go service and capture a profile first.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    snapshots.map((s) => ({
      label: `$(flame) ${snapshotLabel(s)}`,
      description: `${s.serviceName} · ${formatTakenAt(s.takenAt)} · ${formatBytes(s.sizeBytes)}`,
      snapshot: s,
    })),
    { title },
  );
  return picked?.snapshot;
}

function idOf(arg: unknown): string | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const id = (arg as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}
