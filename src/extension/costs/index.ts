/**
 * Inline costs wired into the extension: every capture is read into per-line costs for the open Go
 * editors (in the window's pprof worker, the capture shared with the panel that opens it);
 * "Goroscope: Toggle Inline Costs" and "Goroscope: Clear Inline Costs" control them.
 */
import * as vscode from 'vscode';
import type { ProfileWorker } from '../../pprof/decodeInWorker';
import type { ServicesFeature } from '../services/feature';
import { snapshotLabel } from '../services/snapshotLabels';
import { InlineCosts } from './inlineCosts';

export const TOGGLE_INLINE_COSTS_COMMAND = 'goroscope.toggleInlineCosts';
export const CLEAR_INLINE_COSTS_COMMAND = 'goroscope.clearInlineCosts';

export interface InlineCostsFeature {
  costs: InlineCosts;
}

export function registerInlineCosts(context: vscode.ExtensionContext, output: vscode.OutputChannel, services: ServicesFeature, worker: ProfileWorker): InlineCostsFeature {
  const log = (line: string) => output.appendLine(`[costs] ${line}`);
  const costs = new InlineCosts(worker, log);
  context.subscriptions.push(
    costs,
    services.onDidCapture((snapshot) => {
      const bytes = async () => (await services.store()).read(snapshot.id);
      void costs
        .show({ key: snapshot.id, bytes }, `${snapshot.serviceName} · ${snapshotLabel(snapshot)}`, snapshot.sampleIndexHint)
        .catch((err: unknown) => log(`${snapshot.id}: ${err instanceof Error ? err.message : String(err)}`));
    }),
    vscode.commands.registerCommand(TOGGLE_INLINE_COSTS_COMMAND, () => {
      const enabled = costs.toggle();
      vscode.window.setStatusBarMessage(`Goroscope: inline costs ${enabled ? 'shown' : 'hidden'}`, 3000);
      return enabled;
    }),
    vscode.commands.registerCommand(CLEAR_INLINE_COSTS_COMMAND, () => costs.clear()),
  );
  return { costs };
}
