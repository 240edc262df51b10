/**
 * The "Services" view in the Goroscope activity-bar container: attached services, and under each its
 * snapshots (kind, time, size), newest first. Services that are no longer attached but still have stored
 * snapshots stay listed (detached) so their snapshots remain reachable after a reload.
 */
import * as vscode from 'vscode';
import { formatBytes } from '../../pprof/fetch';
import type { Snapshot, SnapshotStore } from '../../services/snapshotStore';
import type { AttachedService, AttachedServices } from './attachedServices';
import { formatTakenAt, snapshotLabel } from './snapshotLabels';

export const SERVICES_VIEW_ID = 'goroscope.services';

export interface ServiceNode {
  type: 'service';
  name: string;
  attached: AttachedService | undefined;
}

export interface SnapshotNode {
  type: 'snapshot';
  snapshot: Snapshot;
}

export type ServicesTreeNode = ServiceNode | SnapshotNode;

export function isServiceNode(value: unknown): value is ServiceNode {
  return typeof value === 'object' && value !== null && (value as ServiceNode).type === 'service' && typeof (value as ServiceNode).name === 'string';
}

export function isSnapshotNode(value: unknown): value is SnapshotNode {
  return typeof value === 'object' && value !== null && (value as SnapshotNode).type === 'snapshot' && typeof (value as SnapshotNode).snapshot === 'object';
}

export class ServicesTreeProvider implements vscode.TreeDataProvider<ServicesTreeNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<ServicesTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly services: AttachedServices,
    private readonly store: () => SnapshotStore | undefined,
  ) {
    this.subscriptions.push(services.onDidChange(() => this.refresh()));
  }

  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  getChildren(node?: ServicesTreeNode): ServicesTreeNode[] {
    const snapshots = this.store()?.list() ?? [];
    if (!node) {
      const attached = this.services.list();
      const names = new Set(attached.map((s) => s.config.name));
      const detached = [...new Set(snapshots.map((s) => s.serviceName))].filter((n) => !names.has(n)).sort();
      return [
        ...attached.map((s): ServiceNode => ({ type: 'service', name: s.config.name, attached: s })),
        ...detached.map((name): ServiceNode => ({ type: 'service', name, attached: undefined })),
      ];
    }
    if (node.type === 'service') {
      return snapshots.filter((s) => s.serviceName === node.name).map((snapshot): SnapshotNode => ({ type: 'snapshot', snapshot }));
    }
    return [];
  }

  getTreeItem(node: ServicesTreeNode): vscode.TreeItem {
    return node.type === 'service' ? serviceItem(node) : snapshotItem(node.snapshot);
  }

  getParent(node: ServicesTreeNode): ServicesTreeNode | undefined {
    if (node.type === 'service') return undefined;
    const name = node.snapshot.serviceName;
    return { type: 'service', name, attached: this.services.get(name) };
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changeEmitter.dispose();
  }
}

function serviceItem(node: ServiceNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `service:${node.name}`;
  const tooltip = new vscode.MarkdownString(undefined, true);
  tooltip.isTrusted = false;
  tooltip.supportHtml = false;
  if (node.attached) {
    item.description = node.attached.config.url;
    item.iconPath = new vscode.ThemeIcon('server-process');
    item.contextValue = 'service.attached';
    tooltip.appendMarkdown('**');
    tooltip.appendText(node.name);
    tooltip.appendMarkdown('** — attached\n\n');
    tooltip.appendText(node.attached.config.url);
    tooltip.appendMarkdown('\n\nProfiles offered: ');
    tooltip.appendText(node.attached.offered.map((p) => `${p.name} (${p.count})`).join(', '));
  } else {
    item.description = 'detached';
    item.iconPath = new vscode.ThemeIcon('debug-disconnect');
    item.contextValue = 'service.detached';
    tooltip.appendText(`${node.name}: not attached; its stored snapshots are listed below it.`);
  }
  item.tooltip = tooltip;
  return item;
}

function snapshotItem(snapshot: Snapshot): vscode.TreeItem {
  const item = new vscode.TreeItem(snapshotLabel(snapshot), vscode.TreeItemCollapsibleState.None);
  item.id = `snapshot:${snapshot.id}`;
  item.description = `${formatTakenAt(snapshot.takenAt)} · ${formatBytes(snapshot.sizeBytes)}`;
  item.iconPath = new vscode.ThemeIcon('flame');
  // `snapshot.goroutine` for goroutine profiles: only they offer "Show Goroutines" (package.json menus).
  item.contextValue = snapshot.kind === 'goroutine' ? 'snapshot.goroutine' : 'snapshot';
  const tooltip = [`${snapshotLabel(snapshot)} from ${snapshot.serviceName}`, `taken ${new Date(snapshot.takenAt).toLocaleString()}`];
  if (snapshot.sampleIndexHint) tooltip.push(`shown as ${snapshot.sampleIndexHint}`);
  if (snapshot.url) tooltip.push(snapshot.url);
  tooltip.push(`${formatBytes(snapshot.sizeBytes)} · ${snapshot.file}`);
  item.tooltip = tooltip.join('\n');
  const node: SnapshotNode = { type: 'snapshot', snapshot };
  item.command = { command: 'goroscope.snapshots.open', title: 'Open Snapshot', arguments: [node] };
  return item;
}
