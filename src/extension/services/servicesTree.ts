/**
 * The "Services" view in the Goroscope activity-bar container: attached services, and under each its
 * stored leak watches (one "Leak watches" row, when there are any) and its snapshots (kind, time, size),
 * newest first. Services that are no longer attached but still have stored snapshots or watches stay
 * listed (detached) so what was captured remains reachable after a reload.
 */
import * as vscode from 'vscode';
import type { StoredWatchInfo } from '../../leaks/watchStore';
import { formatBytes } from '../../pprof/fetch';
import type { Snapshot, SnapshotStore } from '../../services/snapshotStore';
import type { AttachedService, AttachedServices } from './attachedServices';
import { formatTakenAt, snapshotLabel } from './snapshotLabels';
import { LEAK_WATCHES, leakWatchContextValue, SERVICE_DETACHED, serviceContextValue, snapshotContextValue } from './treeContext';

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

/** The "Leak watches" row of a service. */
export interface LeakWatchesNode {
  type: 'leakWatches';
  service: string;
}

/** One stored leak watch; `running` while this window adds snapshots to it. */
export interface LeakWatchNode {
  type: 'leakWatch';
  watch: StoredWatchInfo;
  running: boolean;
}

export type ServicesTreeNode = ServiceNode | SnapshotNode | LeakWatchesNode | LeakWatchNode;

/** The stored leak watches as the goroutines side knows them (src/extension/goroutines/storedWatches.ts). */
export interface LeakWatchSource {
  /** What is known now (the first call may start reading them: onDidChange follows). */
  current(): { watches: StoredWatchInfo[]; running: string[] };
  readonly onDidChange: vscode.Event<void>;
}

export function isServiceNode(value: unknown): value is ServiceNode {
  return typeof value === 'object' && value !== null && (value as ServiceNode).type === 'service' && typeof (value as ServiceNode).name === 'string';
}

export function isSnapshotNode(value: unknown): value is SnapshotNode {
  return typeof value === 'object' && value !== null && (value as SnapshotNode).type === 'snapshot' && typeof (value as SnapshotNode).snapshot === 'object';
}

export function isLeakWatchNode(value: unknown): value is LeakWatchNode {
  return typeof value === 'object' && value !== null && (value as LeakWatchNode).type === 'leakWatch' && typeof (value as LeakWatchNode).watch?.id === 'string';
}

export class ServicesTreeProvider implements vscode.TreeDataProvider<ServicesTreeNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<ServicesTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private leakWatches: LeakWatchSource | undefined;

  constructor(
    private readonly services: AttachedServices,
    private readonly store: () => SnapshotStore | undefined,
  ) {
    this.subscriptions.push(services.onDidChange(() => this.refresh()));
  }

  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  /** Lists the stored leak watches too, from now on. */
  setLeakWatches(source: LeakWatchSource): void {
    this.leakWatches = source;
    this.subscriptions.push(source.onDidChange(() => this.refresh()));
    this.refresh();
  }

  getChildren(node?: ServicesTreeNode): ServicesTreeNode[] {
    const snapshots = this.store()?.list() ?? [];
    const leakWatches = this.leakWatches?.current() ?? { watches: [], running: [] };
    if (!node) {
      const attached = this.services.list();
      const names = new Set(attached.map((s) => s.config.name));
      const stored = [...snapshots.map((s) => s.serviceName), ...leakWatches.watches.map((w) => w.service)];
      const detached = [...new Set(stored)].filter((n) => !names.has(n)).sort();
      return [
        ...attached.map((s): ServiceNode => ({ type: 'service', name: s.config.name, attached: s })),
        ...detached.map((name): ServiceNode => ({ type: 'service', name, attached: undefined })),
      ];
    }
    if (node.type === 'service') {
      const watches = leakWatches.watches.some((w) => w.service === node.name) ? [{ type: 'leakWatches', service: node.name } satisfies LeakWatchesNode] : [];
      return [...watches, ...snapshots.filter((s) => s.serviceName === node.name).map((snapshot): SnapshotNode => ({ type: 'snapshot', snapshot }))];
    }
    if (node.type === 'leakWatches') {
      const running = new Set(leakWatches.running);
      return leakWatches.watches.filter((w) => w.service === node.service).map((watch): LeakWatchNode => ({ type: 'leakWatch', watch, running: running.has(watch.id) }));
    }
    return [];
  }

  getTreeItem(node: ServicesTreeNode): vscode.TreeItem {
    switch (node.type) {
      case 'service':
        return serviceItem(node);
      case 'snapshot':
        return snapshotItem(node.snapshot);
      case 'leakWatches':
        return leakWatchesItem(node, this.leakWatches?.current().watches.filter((w) => w.service === node.service).length ?? 0);
      case 'leakWatch':
        return leakWatchItem(node);
    }
  }

  getParent(node: ServicesTreeNode): ServicesTreeNode | undefined {
    const serviceNode = (name: string): ServiceNode => ({ type: 'service', name, attached: this.services.get(name) });
    switch (node.type) {
      case 'service':
        return undefined;
      case 'snapshot':
        return serviceNode(node.snapshot.serviceName);
      case 'leakWatches':
        return serviceNode(node.service);
      case 'leakWatch':
        return { type: 'leakWatches', service: node.watch.service };
    }
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
    item.contextValue = serviceContextValue(node.attached.offered.map((p) => p.name));
    tooltip.appendMarkdown('**');
    tooltip.appendText(node.name);
    tooltip.appendMarkdown('** — attached\n\n');
    tooltip.appendText(node.attached.config.url);
    tooltip.appendMarkdown('\n\nProfiles offered: ');
    tooltip.appendText(node.attached.offered.map((p) => `${p.name} (${p.count})`).join(', '));
  } else {
    item.description = 'detached';
    item.iconPath = new vscode.ThemeIcon('debug-disconnect');
    item.contextValue = SERVICE_DETACHED;
    tooltip.appendText(`${node.name}: not attached; its stored snapshots and leak watches are listed below it.`);
  }
  item.tooltip = tooltip;
  return item;
}

function snapshotItem(snapshot: Snapshot): vscode.TreeItem {
  const item = new vscode.TreeItem(snapshotLabel(snapshot), vscode.TreeItemCollapsibleState.None);
  item.id = `snapshot:${snapshot.id}`;
  item.description = `${formatTakenAt(snapshot.takenAt)} · ${formatBytes(snapshot.sizeBytes)}`;
  item.iconPath = new vscode.ThemeIcon('flame');
  // Only goroutine and goroutineleak profiles offer "Show Goroutines" (package.json menus).
  item.contextValue = snapshotContextValue(snapshot.kind);
  const tooltip = [`${snapshotLabel(snapshot)} from ${snapshot.serviceName}`, `taken ${new Date(snapshot.takenAt).toLocaleString()}`];
  if (snapshot.sampleIndexHint) tooltip.push(`shown as ${snapshot.sampleIndexHint}`);
  if (snapshot.url) tooltip.push(snapshot.url);
  tooltip.push(`${formatBytes(snapshot.sizeBytes)} · ${snapshot.file}`);
  item.tooltip = tooltip.join('\n');
  const node: SnapshotNode = { type: 'snapshot', snapshot };
  item.command = { command: 'goroscope.snapshots.open', title: 'Open Snapshot', arguments: [node] };
  return item;
}

function leakWatchesItem(node: LeakWatchesNode, count: number): vscode.TreeItem {
  const item = new vscode.TreeItem('Leak watches', vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `leakWatches:${node.service}`;
  item.description = String(count);
  item.iconPath = new vscode.ThemeIcon('pulse');
  item.contextValue = LEAK_WATCHES;
  item.tooltip = `Leak watches of ${node.service} kept in the workspace storage: open one to see its suspects and series again, or continue it.`;
  return item;
}

function leakWatchItem(node: LeakWatchNode): vscode.TreeItem {
  const { watch } = node;
  const item = new vscode.TreeItem(`watch of ${formatTakenAt(watch.startedAt)}`, vscode.TreeItemCollapsibleState.None);
  item.id = `leakWatch:${watch.id}`;
  const count = `${watch.snapshots} snapshot${watch.snapshots === 1 ? '' : 's'}`;
  item.description = node.running ? `${count} · watching` : `${count} · every ${watch.intervalSeconds} s`;
  item.iconPath = new vscode.ThemeIcon(node.running ? 'sync~spin' : 'history');
  item.contextValue = leakWatchContextValue(node.running);
  item.tooltip = [
    `Leak watch of ${watch.service} (${watch.baseUrl})`,
    `started ${new Date(watch.startedAt).toLocaleString()}, a snapshot every ${watch.intervalSeconds} s`,
    `${count}, the last ${new Date(watch.lastAt).toLocaleString()}`,
    node.running ? 'taking snapshots now' : 'stored: open it to see its suspects; Continue takes more snapshots into it',
  ].join('\n');
  item.command = { command: 'goroscope.leaks.open', title: 'Open Leak Watch', arguments: [node] };
  return item;
}
