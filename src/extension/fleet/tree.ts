/**
 * The Fleet view in the Goroscope activity bar: the connected fleet's instances, suspects first with their
 * growth, each with Attach. Names come from a metrics server: plain labels, never markdown or HTML.
 */
import * as vscode from 'vscode';
import type { FleetInstanceView, FleetView } from '../../protocol/fleet';
import { formatValue } from '../../pprof/units';

export const FLEET_VIEW_ID = 'goroscope.fleet';

export interface FleetInstanceNode {
  kind: 'fleetInstance';
  instance: FleetInstanceView;
}

export function isFleetInstanceNode(x: unknown): x is FleetInstanceNode {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'fleetInstance';
}

export class FleetTreeProvider implements vscode.TreeDataProvider<FleetInstanceNode>, vscode.Disposable {
  private view: FleetView | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  show(view: FleetView | undefined): void {
    this.view = view;
    this.changed.fire();
  }

  getChildren(element?: FleetInstanceNode): FleetInstanceNode[] {
    if (element || !this.view) return [];
    return this.view.instances.map((instance) => ({ kind: 'fleetInstance', instance }));
  }

  getTreeItem(node: FleetInstanceNode): vscode.TreeItem {
    const i = node.instance;
    const item = new vscode.TreeItem(i.instance, vscode.TreeItemCollapsibleState.None);
    const suspect = i.suspectRank !== null ? this.view?.suspects[i.suspectRank] : undefined;
    const parts: string[] = [];
    if (i.goroutines) parts.push(`${Math.round(i.goroutines.last)} goroutines`);
    if (i.heapInuse) parts.push(`heap ${formatValue(i.heapInuse.last, 'bytes')}`);
    if (i.restarts.length) parts.push(`${i.restarts.length} restart${i.restarts.length > 1 ? 's' : ''}`);
    item.description = suspect ? `#${(i.suspectRank as number) + 1} suspect: +${suspect.unit === 'bytes' ? formatValue(suspect.perHour, 'bytes') : Math.round(suspect.perHour)}/h · ${parts.join(' · ')}` : parts.join(' · ');
    item.tooltip = suspect ? [i.instance, ...suspect.evidence].join('\n') : i.instance;
    item.iconPath = new vscode.ThemeIcon(suspect ? 'warning' : 'server');
    item.contextValue = 'fleetInstance';
    item.command = { command: 'goroscope.fleet.show', title: 'Show Fleet', arguments: [] };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
