/**
 * Inline costs wired into the extension: every capture is read into per-line costs for the open Go
 * editors; "Goroscope: Toggle Inline Costs" and "Goroscope: Clear Inline Costs" control them. Also owns
 * the pprof worker the editor-side features (inline costs, "Profile this handler") read profiles in.
 */
import * as vscode from 'vscode';
import { ProfileWorker } from '../../pprof/decodeInWorker';
import { profileSizeLimit } from '../services/settings';
import type { ServicesFeature } from '../services/feature';
import { snapshotLabel } from '../services/snapshotLabels';
import { InlineCosts } from './inlineCosts';

export const TOGGLE_INLINE_COSTS_COMMAND = 'goroscope.toggleInlineCosts';
export const CLEAR_INLINE_COSTS_COMMAND = 'goroscope.clearInlineCosts';

export interface InlineCostsFeature {
  costs: InlineCosts;
  /** The editor features' pprof worker, started on first use. */
  worker(): ProfileWorker;
}

export function registerInlineCosts(context: vscode.ExtensionContext, output: vscode.OutputChannel, services: ServicesFeature): InlineCostsFeature {
  const log = (line: string) => output.appendLine(`[costs] ${line}`);
  let worker: ProfileWorker | undefined;
  const getWorker = () => (worker ??= new ProfileWorker(context.asAbsolutePath('dist/pprofWorker.js'), profileSizeLimit));
  const costs = new InlineCosts(getWorker, log);
  context.subscriptions.push(
    costs,
    { dispose: () => worker?.dispose() },
    services.onDidCapture((snapshot) => {
      const bytes = async () => (await services.store()).read(snapshot.id);
      void costs
        .show(bytes, `${snapshot.serviceName} · ${snapshotLabel(snapshot)}`, snapshot.sampleIndexHint)
        .catch((err: unknown) => log(`${snapshot.id}: ${err instanceof Error ? err.message : String(err)}`));
    }),
    vscode.commands.registerCommand(TOGGLE_INLINE_COSTS_COMMAND, () => {
      const enabled = costs.toggle();
      vscode.window.setStatusBarMessage(`Goroscope: inline costs ${enabled ? 'shown' : 'hidden'}`, 3000);
      return enabled;
    }),
    vscode.commands.registerCommand(CLEAR_INLINE_COSTS_COMMAND, () => costs.clear()),
  );
  return { costs, worker: getWorker };
}
