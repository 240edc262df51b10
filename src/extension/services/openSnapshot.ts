/**
 * "Open Snapshot": show a stored profile in the flame-graph panel. Compare offers the other snapshots
 * of the same kind (heap and allocs are the same data) as bases, the same service's first.
 */
import * as vscode from 'vscode';
import type { Snapshot } from '../../services/snapshotStore';
import { showProfile } from '../panel';
import type { ServicesFeature } from './feature';
import { snapshotFromArgument } from './pickSnapshot';
import { formatTakenAt, snapshotLabel } from './snapshotLabels';

export async function openSnapshotCommand(feature: ServicesFeature, arg?: unknown): Promise<Snapshot | undefined> {
  const store = await feature.store();
  const snapshot = await snapshotFromArgument(store, arg, 'Goroscope: open which snapshot?');
  if (!snapshot) return undefined;
  await openSnapshot(feature, snapshot);
  return snapshot;
}

export async function openSnapshot(feature: ServicesFeature, snapshot: Snapshot): Promise<void> {
  const store = await feature.store();
  try {
    const bytes = await store.read(snapshot.id);
    const source: Parameters<typeof showProfile>[1] = {
      title: snapshotTitle(snapshot),
      bytes,
      snapshotId: snapshot.id,
      profileKey: snapshot.id,
      listBaseCandidates: async () =>
        store
          .list()
          .filter((s) => s.id !== snapshot.id && family(s.kind) === family(snapshot.kind))
          .sort((a, b) => Number(b.serviceName === snapshot.serviceName) - Number(a.serviceName === snapshot.serviceName))
          .map((s) => ({ id: s.id, title: snapshotTitle(s), bytes: () => store.read(s.id) })),
    };
    if (snapshot.sampleIndexHint) source.sampleType = snapshot.sampleIndexHint;
    await showProfile(feature.context, source);
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    feature.log(`open ${snapshot.id}: ${text}`);
    void vscode.window.showErrorMessage(`Goroscope: cannot open the ${snapshotLabel(snapshot)} snapshot: ${text}`);
  }
}

export function snapshotTitle(snapshot: Snapshot): string {
  return `${snapshot.serviceName} · ${snapshotLabel(snapshot)} · ${formatTakenAt(snapshot.takenAt)}`;
}

/** Profiles whose samples can be compared: heap and allocs carry the same four sample types. */
function family(kind: string): string {
  return kind === 'allocs' ? 'heap' : kind;
}
