/** "Detach": stop watching a service. Its snapshots stay stored and listed under it. */
import * as vscode from 'vscode';
import type { ServicesFeature } from './feature';
import { isServiceNode } from './servicesTree';

export async function detachCommand(feature: ServicesFeature, arg?: unknown): Promise<boolean> {
  let name = isServiceNode(arg) ? arg.name : typeof arg === 'string' ? arg : undefined;
  if (name === undefined) {
    const attached = feature.services.list();
    if (attached.length === 0) return false;
    if (attached.length === 1) name = attached[0]?.config.name;
    else {
      const picked = await vscode.window.showQuickPick(
        attached.map((s) => ({ label: s.config.name, description: s.config.url })),
        { title: 'Goroscope: detach from which service?' },
      );
      name = picked?.label;
    }
  }
  if (name === undefined) return false;
  const detached = await feature.services.detach(name);
  if (detached) feature.log(`detached from ${name}`);
  return detached;
}
