/**
 * The services this window is attached to (what the tree view, the status bar and the capture commands
 * act on), and the recently attached URLs offered again by the Attach quick pick (kept in globalState).
 */
import * as vscode from 'vscode';
import type { ProfileEntry } from '../../pprof/endpoints';
import { CAPTURE_KINDS } from '../../services/captureKinds';
import type { ServiceConfig } from '../../services/config';
import type { ServiceOrigin } from './settings';
import { ATTACHED_CONTEXT_KEY, offeredContextKey } from './treeContext';

export interface AttachedService {
  config: ServiceConfig;
  origin: ServiceOrigin;
  /** The profiles the service's index page lists (custom ones included), as read when attaching. */
  offered: ProfileEntry[];
  attachedAt: number;
}

export interface RecentService {
  name: string;
  url: string;
}

const RECENT_KEY = 'goroscope.recentServices';
const RECENT_MAX = 10;

export class AttachedServices implements vscode.Disposable {
  private readonly services = new Map<string, AttachedService>();
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly globalState: vscode.Memento) {}

  /** Attached services, the most recently attached first. */
  list(): AttachedService[] {
    return [...this.services.values()].sort((a, b) => b.attachedAt - a.attachedAt);
  }

  get(name: string): AttachedService | undefined {
    return this.services.get(name);
  }

  /** The service the status bar shows and unqualified commands act on: the last one attached. */
  current(): AttachedService | undefined {
    return this.list()[0];
  }

  async attach(service: Omit<AttachedService, 'attachedAt'>): Promise<AttachedService> {
    const attached: AttachedService = { ...service, attachedAt: Date.now() };
    this.services.set(service.config.name, attached);
    await this.remember({ name: service.config.name, url: service.config.url });
    await this.changed();
    return attached;
  }

  async detach(name: string): Promise<boolean> {
    const removed = this.services.delete(name);
    if (removed) await this.changed();
    return removed;
  }

  recent(): RecentService[] {
    const stored = this.globalState.get<unknown>(RECENT_KEY);
    if (!Array.isArray(stored)) return [];
    return stored.filter(
      (r): r is RecentService => typeof r === 'object' && r !== null && typeof r.name === 'string' && typeof r.url === 'string',
    );
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }

  private async remember(entry: RecentService): Promise<void> {
    const rest = this.recent().filter((r) => r.url !== entry.url);
    await this.globalState.update(RECENT_KEY, [entry, ...rest].slice(0, RECENT_MAX));
  }

  private async changed(): Promise<void> {
    await vscode.commands.executeCommand('setContext', ATTACHED_CONTEXT_KEY, this.services.size > 0);
    // Profiles not every Go has (goroutineleak: Go 1.27, or 1.26 with its GOEXPERIMENT): offered in the palette while a service lists them.
    for (const k of CAPTURE_KINDS) {
      if (!k.onlyWhenOffered) continue;
      const offered = [...this.services.values()].some((s) => s.offered.some((p) => p.name === k.endpoint));
      await vscode.commands.executeCommand('setContext', offeredContextKey(k.kind), offered);
    }
    this.changeEmitter.fire();
  }
}
