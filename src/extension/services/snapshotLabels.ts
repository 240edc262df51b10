/** How a snapshot is named in the Services view, quick picks and panel titles. No vscode import. */
import { captureLabel } from '../../services/captureKinds';
import type { Snapshot } from '../../services/snapshotStore';

/** `heap`, `cpu 10 s`, `goroutine Δ 5 s` (a delta capture). */
export function snapshotLabel(snapshot: Pick<Snapshot, 'kind' | 'seconds'>): string {
  return captureLabel(snapshot.kind, snapshot.seconds);
}

/** Time of day for today's snapshots, date and time for older ones (in the local time zone). */
export function formatTakenAt(takenAt: number, now = Date.now()): string {
  const taken = new Date(takenAt);
  const sameDay = taken.toDateString() === new Date(now).toDateString();
  const time = taken.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return sameDay ? time : `${taken.toLocaleDateString()} ${time}`;
}
