/**
 * The fleet settings, read from VS Code's configuration for the pure core: `goroscope.fleet.sources` (each
 * tagged with the level that defined it: in an untrusted workspace a source from the workspace's own
 * settings is contacted only after the user confirms) and `goroscope.fleet.attachUrlTemplate`.
 */
import * as vscode from 'vscode';
import { parseFleetSourcesSetting, type FleetSource } from '../../fleet/sources';
import type { ServiceOrigin } from '../services/settings';

export interface ConfiguredFleetSource {
  source: FleetSource;
  origin: ServiceOrigin;
}

export const DEFAULT_ATTACH_TEMPLATE = 'http://{instance}/debug/pprof/';

export function configuredFleetSources(onProblem: (message: string) => void = () => {}): ConfiguredFleetSource[] {
  const inspected = vscode.workspace.getConfiguration('goroscope.fleet').inspect<unknown>('sources');
  const levels: Array<[ServiceOrigin, unknown]> = [
    ['workspace', inspected?.workspaceFolderValue],
    ['workspace', inspected?.workspaceValue],
    ['user', inspected?.globalValue],
  ];
  const byName = new Map<string, ConfiguredFleetSource>();
  for (const [origin, raw] of levels) {
    const { sources, problems } = parseFleetSourcesSetting(raw);
    for (const problem of problems) onProblem(problem);
    for (const source of sources) if (!byName.has(source.name)) byName.set(source.name, { source, origin });
  }
  return [...byName.values()];
}

/** The template and where it came from (a workspace's template names hosts too). */
export function attachUrlTemplate(): { template: string; origin: ServiceOrigin } {
  const inspected = vscode.workspace.getConfiguration('goroscope.fleet').inspect<string>('attachUrlTemplate');
  const workspace = inspected?.workspaceFolderValue ?? inspected?.workspaceValue;
  if (typeof workspace === 'string' && workspace.includes('{')) return { template: workspace, origin: 'workspace' };
  const user = inspected?.globalValue;
  return { template: typeof user === 'string' && user.includes('{') ? user : DEFAULT_ATTACH_TEMPLATE, origin: 'user' };
}
