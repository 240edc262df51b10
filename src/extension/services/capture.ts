/**
 * The capture commands: "Capture Profile…" (every profile the service offers, custom ones included),
 * one command per runtime profile, and "Capture Delta Profile…" (`?seconds=N`). A capture that waits
 * (CPU, delta) counts down in a cancellable progress notification; cancelling aborts the HTTP request.
 * The snapshot is stored in workspace storage, then opened in the flame-graph panel.
 */
import * as vscode from 'vscode';
import { DELTA_KINDS, kindFor, type ProfileEntry } from '../../pprof/endpoints';
import { capture } from '../../services/capture';
import { captureKind, captureLabel } from '../../services/captureKinds';
import type { Snapshot } from '../../services/snapshotStore';
import type { AttachedService } from './attachedServices';
import type { ServicesFeature } from './feature';
import { pickHeapView } from './heapPick';
import { isServiceNode } from './servicesTree';
import { cpuSeconds, deltaSeconds, withTransportDefaults } from './settings';

/** What tests and other commands may pass instead of answering the quick picks. */
export interface CaptureRequest {
  /** The attached service's name (default: the only or the current one). */
  service?: string;
  kind?: string;
  /** CPU duration, or a delta capture's window for the other kinds. */
  seconds?: number;
  /** Heap: run a GC first. */
  gc?: boolean;
  /** The sample type to show first (heap: inuse_space, inuse_objects, alloc_space, alloc_objects). */
  sampleIndex?: string;
  /** Open the snapshot in the flame-graph panel when it is stored (default true). */
  open?: boolean;
}

/**
 * The handler of "Capture Profile…" (fixedKind undefined) and of the per-kind commands. `arg` is a tree
 * node (the service's context menu), a CaptureRequest, or nothing. Resolves to the stored snapshot.
 */
export async function captureCommand(feature: ServicesFeature, fixedKind: string | undefined, arg?: unknown, delta = false): Promise<Snapshot | undefined> {
  const request: CaptureRequest = isServiceNode(arg) ? { service: arg.name } : isRequest(arg) ? { ...arg } : {};
  if (fixedKind) request.kind = fixedKind;
  const service = await resolveService(feature, request.service);
  if (!service) return undefined;

  if (!request.kind) {
    const picked = await pickKind(service, delta);
    if (!picked) return undefined;
    request.kind = picked;
  }
  const kind = request.kind;
  if (!isOffered(service, kind)) {
    void vscode.window.showErrorMessage(`Goroscope: ${service.config.name} does not offer the ${kind} profile (it offers ${offeredKinds(service).join(', ')})`);
    return undefined;
  }
  if (delta && request.seconds === undefined) {
    const seconds = await askSeconds(kind);
    if (seconds === undefined) return undefined;
    request.seconds = seconds;
  }
  if (samplesForDuration(kind) && request.seconds === undefined) request.seconds = cpuSeconds();
  if ((kind === 'heap' || kind === 'allocs') && request.sampleIndex === undefined && !isRequest(arg)) {
    const view = await pickHeapView(feature.globalState, kind, request.seconds === undefined);
    if (!view) return undefined;
    request.sampleIndex = view.sampleIndex;
    request.gc = view.gc;
  }
  const snapshot = await runCapture(feature, service, kind, request);
  if (snapshot && request.open !== false) await feature.openSnapshot(snapshot);
  return snapshot;
}

export function deltaCaptureCommand(feature: ServicesFeature, arg?: unknown): Promise<Snapshot | undefined> {
  return captureCommand(feature, undefined, arg, true);
}

async function runCapture(feature: ServicesFeature, service: AttachedService, kind: string, request: CaptureRequest): Promise<Snapshot | undefined> {
  const store = await feature.store();
  const seconds = request.seconds;
  const what = captureLabel(kind, seconds);
  try {
    const snapshot = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Goroscope: capturing ${what} profile from ${service.config.name}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        const countdown = seconds === undefined ? undefined : startCountdown(progress, seconds);
        if (!countdown) progress.report({ message: 'downloading…' });
        try {
          const bearerToken = await feature.tokens.get(service.config.url);
          const opts: Parameters<typeof capture>[2] = { store, signal: abort.signal };
          if (seconds !== undefined) opts.seconds = seconds;
          if (request.gc) opts.gc = true;
          if (request.sampleIndex) opts.sampleIndex = request.sampleIndex;
          if (bearerToken) opts.bearerToken = bearerToken;
          return await capture(withTransportDefaults(service.config), kind, opts);
        } finally {
          if (countdown) clearInterval(countdown);
          cancel.dispose();
        }
      },
    );
    feature.log(`captured ${what} from ${service.config.name}: ${snapshot.sizeBytes} bytes, ${snapshot.url}`);
    feature.captured(snapshot);
    return snapshot;
  } catch (err) {
    if ((err as { kind?: unknown }).kind === 'aborted') {
      vscode.window.setStatusBarMessage(`Goroscope: ${what} capture cancelled`, 5000);
      return undefined;
    }
    const text = err instanceof Error ? err.message : String(err);
    feature.log(`capture ${kind} from ${service.config.name}: ${text}`);
    void vscode.window.showErrorMessage(`Goroscope: the ${what} capture from ${service.config.name} failed: ${text}`);
    return undefined;
  }
}

/** Counts the seconds down in the notification and fills its bar; after the window, says it is downloading. */
function startCountdown(progress: vscode.Progress<{ message?: string; increment?: number }>, seconds: number): NodeJS.Timeout {
  const end = Date.now() + seconds * 1000;
  let filled = 0;
  const tick = (): void => {
    const left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
    const target = Math.min(100, ((seconds - left) / seconds) * 100);
    progress.report({ message: left > 0 ? `${left} s left` : 'downloading…', increment: target - filled });
    filled = target;
  };
  tick();
  return setInterval(tick, 1000);
}

async function resolveService(feature: ServicesFeature, name: string | undefined): Promise<AttachedService | undefined> {
  const attached = feature.services.list();
  if (name !== undefined) {
    const service = feature.services.get(name);
    if (service) return service;
    void vscode.window.showErrorMessage(`Goroscope: ${name} is not attached; attach to it first`);
    return undefined;
  }
  if (attached.length === 1) return attached[0];
  if (attached.length === 0) {
    // Nothing to capture from yet: attaching is the obvious first step.
    return feature.attach();
  }
  const picked = await vscode.window.showQuickPick(
    attached.map((s) => ({ label: s.config.name, description: s.config.url, service: s })),
    { title: 'Goroscope: capture from which service?' },
  );
  return picked?.service;
}

function offeredKinds(service: AttachedService): string[] {
  return service.offered.map((p) => kindFor(p.name));
}

function isOffered(service: AttachedService, kind: string): boolean {
  return offeredKinds(service).includes(kind);
}

async function pickKind(service: AttachedService, delta: boolean): Promise<string | undefined> {
  const entries = service.offered.filter((p) => !delta || DELTA_KINDS.has(p.name));
  if (entries.length === 0) {
    void vscode.window.showErrorMessage(`Goroscope: ${service.config.name} offers no profile that supports a delta capture`);
    return undefined;
  }
  const items = entries.map((p) => kindItem(p, delta));
  const picked = await vscode.window.showQuickPick(items, {
    title: delta ? `Goroscope: delta capture from ${service.config.name}` : `Goroscope: capture from ${service.config.name}`,
    placeHolder: delta ? 'Which profile shows what changed over the next seconds?' : 'Which profile?',
    matchOnDescription: true,
  });
  return picked?.profileKind;
}

function kindItem(entry: ProfileEntry, delta: boolean): vscode.QuickPickItem & { profileKind: string } {
  const kind = kindFor(entry.name);
  const known = captureKind(kind)?.description;
  const duration = samplesForDuration(kind);
  const detail = duration ? `${cpuSeconds()} s (goroscope.capture.cpuSeconds)` : `${entry.count.toLocaleString('en-US')} now`;
  return {
    label: duration ? `$(dashboard) ${kind}` : `$(flame) ${kind}`,
    description: delta ? (known ?? 'custom profile') : `${known ?? 'custom profile'} · ${detail}`,
    profileKind: kind,
  };
}

/** The CPU profile: its `seconds` is how long to sample, not a delta window. */
function samplesForDuration(kind: string): boolean {
  return captureKind(kind)?.seconds === 'duration';
}

async function askSeconds(kind: string): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title: `Goroscope: ${kind} delta capture`,
    prompt: 'Seconds to watch: the profile shows only what changed during them',
    value: String(deltaSeconds()),
    validateInput: (v) => (/^\s*[1-9]\d*\s*$/.test(v) && Number(v) <= 3600 ? undefined : 'a whole number of seconds, 1 to 3600'),
  });
  return text === undefined ? undefined : Number(text.trim());
}

function isRequest(value: unknown): value is CaptureRequest {
  if (typeof value !== 'object' || value === null || isServiceNode(value)) return false;
  const r = value as Record<string, unknown>;
  return ['service', 'kind', 'seconds', 'gc', 'sampleIndex', 'open'].some((k) => k in r);
}
