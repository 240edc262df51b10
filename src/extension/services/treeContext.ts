/**
 * The `contextValue` of each kind of row in the Services view: package.json's `view/item/context` menus
 * match on these (`viewItem == snapshot.goroutine`), so which commands a row offers is decided here and
 * there only, with the capture commands' menu entries and palette conditions derived from the capture-kinds
 * table. No vscode import: test/unit/services/servicesMenus.test.ts and captureKinds.test.ts check
 * package.json's menus against them.
 */
import { CAPTURE_KINDS, type CaptureKind } from '../../services/captureKinds';

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
  const extra = CAPTURE_KINDS.filter((k) => k.onlyWhenOffered && offered.includes(k.endpoint)).map((k) => `.${k.kind}`);
  return SERVICE_ATTACHED + extra.join('');
}

export function snapshotContextValue(kind: string): string {
  return kind === 'goroutine' ? SNAPSHOT_GOROUTINE : kind === 'goroutineleak' ? SNAPSHOT_GOROUTINELEAK : SNAPSHOT;
}

export function leakWatchContextValue(running: boolean): string {
  return running ? LEAK_WATCH_RUNNING : LEAK_WATCH;
}

/** Set while at least one service is attached: the palette shows the capture commands only then. */
export const ATTACHED_CONTEXT_KEY = 'goroscope.attached';

/** Set while an attached service offers a profile not every Go has (`goroscope.goroutineleakOffered`). */
export function offeredContextKey(kind: string): string {
  return `goroscope.${kind}Offered`;
}

/** A menu or palette entry as package.json writes it. */
export interface MenuEntry {
  command: string;
  when: string;
  group?: string;
}

/**
 * The capture commands' entries package.json must hold: in the Services view's context menu after
 * "Capture Profile…" (`1_capture@0`), in the table's order, "Capture Delta Profile…" after them; in the
 * palette while a service is attached, or while one offers the profile (onlyWhenOffered).
 */
export function captureMenuEntries(): { serviceMenu: MenuEntry[]; palette: MenuEntry[] } {
  const attachedRow = (k: CaptureKind): string => (k.onlyWhenOffered ? `^service\\.attached.*\\.${k.kind}` : '^service\\.attached');
  return {
    serviceMenu: CAPTURE_KINDS.map((k, i) => ({ command: k.command, when: `view == goroscope.services && viewItem =~ /${attachedRow(k)}/`, group: `1_capture@${i + 1}` })),
    palette: CAPTURE_KINDS.map((k) => ({ command: k.command, when: k.onlyWhenOffered ? offeredContextKey(k.kind) : ATTACHED_CONTEXT_KEY })),
  };
}

/** Where "Capture Delta Profile…" goes in the service's context menu: after every kind's command. */
export const DELTA_MENU_GROUP = `1_capture@${CAPTURE_KINDS.length + 1}`;
