/**
 * The capture half of "Profile this handler": a CPU profile and an allocation delta over the same N
 * seconds, concurrently, and — when `goroscope.handlers.load` allows it — requests to the handler's
 * route on the attached service's origin meanwhile. One cancellable progress notification; cancelling
 * aborts the load and both captures. Snapshots land in the store like any capture.
 */
import * as vscode from 'vscode';
import { LoadError, loadTarget, parseLoadSetting, runLoad, type LoadStats } from '../../handlers/load';
import { kindFor } from '../../pprof/endpoints';
import { capture } from '../../services/capture';
import type { Snapshot } from '../../services/snapshotStore';
import type { AttachedService } from '../services/attachedServices';
import type { ServicesFeature } from '../services/feature';
import { withTransportDefaults } from '../services/settings';

export interface HandlerCapture {
  service: string;
  seconds: number;
  cpuSnapshot: Snapshot;
  cpuBytes: Uint8Array;
  allocsSnapshot?: Snapshot;
  allocsBytes?: Uint8Array;
  load?: LoadStats;
}

const DEFAULT_SECONDS = 10;
const MAX_SECONDS = 300;

/** `goroscope.handlers.profileSeconds`, clamped to 1..300. */
export function profileSeconds(): number {
  const raw = vscode.workspace.getConfiguration('goroscope.handlers').get<number>('profileSeconds', DEFAULT_SECONDS);
  return Number.isFinite(raw) ? Math.min(MAX_SECONDS, Math.max(1, Math.round(raw))) : DEFAULT_SECONDS;
}

export async function captureForHandler(
  feature: ServicesFeature,
  service: AttachedService,
  handler: { function: string; route: string | null; method: string | null },
): Promise<HandlerCapture | 'cancelled' | 'failed'> {
  const name = service.config.name;
  const offered = new Set(service.offered.map((p) => kindFor(p.name)));
  if (!offered.has('cpu')) {
    void vscode.window.showErrorMessage(`Goroscope: ${name} does not serve CPU profiles (/debug/pprof/profile), so its handlers cannot be profiled`);
    return 'failed';
  }
  const seconds = profileSeconds();
  let target: { url: string; method: string } | undefined;
  let settings: ReturnType<typeof parseLoadSetting>;
  try {
    settings = parseLoadSetting(vscode.workspace.getConfiguration('goroscope.handlers').get<unknown>('load'));
    if (settings && handler.route !== null) target = loadTarget(service.config.url, handler.route, handler.method);
  } catch (err) {
    if (!(err instanceof LoadError)) throw err;
    void vscode.window.showErrorMessage(`Goroscope: ${err.message}`);
    return 'failed';
  }
  if (settings && !target) feature.log(`no route is known for ${handler.function}: profiling without load`);

  const store = await feature.store();
  const abort = new AbortController();
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Goroscope: profiling ${handler.function} on ${name}`, cancellable: true },
      async (progress, token) => {
        const cancel = token.onCancellationRequested(() => abort.abort());
        const bearerToken = await feature.tokens.get(service.config.url);
        const config = withTransportDefaults(service.config);
        const common = { store, signal: abort.signal, seconds, ...(bearerToken ? { bearerToken } : {}) };
        const load = target ? { sent: 0 } : undefined;
        const end = Date.now() + seconds * 1000;
        const tick = setInterval(() => {
          const left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
          const sent = load ? ` · ${load.sent} requests sent` : '';
          progress.report({ message: left > 0 ? `${left} s left${sent}` : `downloading…${sent}` });
        }, 500);
        try {
          // A failed capture stops the others: no point loading a service nobody is profiling.
          const guard = <T>(p: Promise<T>) => p.catch((err: unknown) => { abort.abort(); throw err; });
          const [cpuSnapshot, allocsSnapshot, stats] = await Promise.all([
            guard(capture(config, 'cpu', common)),
            offered.has('allocs') ? guard(capture(config, 'allocs', { ...common, sampleIndex: 'alloc_space' })) : Promise.resolve(undefined),
            target && settings
              ? runLoad({ ...settings, ...target, durationMs: seconds * 1000, signal: abort.signal }, counting(fetch, load as { sent: number }))
              : Promise.resolve(undefined),
          ]);
          const result: HandlerCapture = { service: name, seconds, cpuSnapshot, cpuBytes: await store.read(cpuSnapshot.id) };
          if (allocsSnapshot) {
            result.allocsSnapshot = allocsSnapshot;
            result.allocsBytes = await store.read(allocsSnapshot.id);
          }
          if (stats) result.load = stats;
          // Inline costs follow every capture: the CPU profile is the one to read beside the code.
          if (allocsSnapshot) feature.captured(allocsSnapshot);
          feature.captured(cpuSnapshot);
          return result;
        } finally {
          clearInterval(tick);
          cancel.dispose();
        }
      },
    );
  } catch (err) {
    if (abort.signal.aborted && (err as { kind?: unknown }).kind === 'aborted') {
      vscode.window.setStatusBarMessage(`Goroscope: profiling ${handler.function} cancelled`, 5000);
      return 'cancelled';
    }
    const text = err instanceof Error ? err.message : String(err);
    feature.log(`profile ${handler.function} on ${name}: ${text}`);
    void vscode.window.showErrorMessage(`Goroscope: profiling ${handler.function} on ${name} failed: ${text}`);
    return 'failed';
  }
}

/** fetch that counts the requests it starts, for the progress message. */
function counting(impl: typeof fetch, counter: { sent: number }): typeof fetch {
  return (input, init) => {
    counter.sent++;
    return impl(input, init);
  };
}
