/**
 * The services this window is attached to (what the tree view, the status bar and the capture commands
 * act on), and the recently attached URLs offered again by the Attach quick pick (kept in globalState).
 */
import * as vscode from 'vscode';
import type { ProfileEntry } from '../../pprof/endpoints';
import type { ServiceConfig } from '../../services/config';
import type { ServiceOrigin } from './settings';

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
/** Set while at least one service is attached: the palette shows the capture commands only then. */
const CONTEXT_KEY = 'goroscope.attached';
/** Set while an attached service offers the goroutineleak profile (Go 1.27; 1.26 with its GOEXPERIMENT). */
const LEAK_PROFILE_KEY = 'goroscope.goroutineleakOffered';

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
    await vscode.commands.executeCommand('setContext', CONTEXT_KEY, this.services.size > 0);
    const leakProfile = [...this.services.values()].some((s) => s.offered.some((p) => p.name === 'goroutineleak'));
    await vscode.commands.executeCommand('setContext', LEAK_PROFILE_KEY, leakProfile);
    this.changeEmitter.fire();
  }
}
