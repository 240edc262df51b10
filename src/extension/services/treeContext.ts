/**
 * The `contextValue` of each kind of row in the Services view: package.json's `view/item/context` menus
 * match on these (`viewItem == snapshot.goroutine`), so which commands a row offers is decided here and
 * there only. No vscode import: test/unit/services/servicesMenus.test.ts checks the menus against them.
 */
import { CAPTURE_KINDS } from '../../services/captureKinds';

/** An attached service; menus for every attached service match `^service\.attached`. */
export const SERVICE_ATTACHED = 'service.attached';
export const SERVICE_DETACHED = 'service.detached';
/** Goroutine and goroutineleak profiles also offer "Show Goroutines"; every snapshot offers open, save and delete. */
export const SNAPSHOT = 'snapshot';
export const SNAPSHOT_GOROUTINE = 'snapshot.goroutine';
export const SNAPSHOT_GOROUTINELEAK = 'snapshot.goroutineleak';
/** The "Leak watches" row under a service. */
export const LEAK_WATCHES = 'leakWatches';
/** A stored leak watch: open, continue, delete. One still taking snapshots offers open only. */
export const LEAK_WATCH = 'leakWatch';
export const LEAK_WATCH_RUNNING = 'leakWatch.running';

/**
 * An attached service, with `.<kind>` for each profile not every Go has (CAPTURE_KINDS' onlyWhenOffered)
 * that its index page lists: `service.attached.goroutineleak` offers "Capture Goroutine Leak Profile".
 */
export function serviceContextValue(offered: readonly string[]): string {
  const extra = CAPTURE_KINDS.filter((k) => k.onlyWhenOffered && offered.includes(k.kind)).map((k) => `.${k.kind}`);
  return SERVICE_ATTACHED + extra.join('');
}

export function snapshotContextValue(kind: string): string {
  return kind === 'goroutine' ? SNAPSHOT_GOROUTINE : kind === 'goroutineleak' ? SNAPSHOT_GOROUTINELEAK : SNAPSHOT;
}

export function leakWatchContextValue(running: boolean): string {
  return running ? LEAK_WATCH_RUNNING : LEAK_WATCH;
}
