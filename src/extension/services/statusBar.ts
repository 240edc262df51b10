/**
 * The status-bar item of the current service (the last one attached): its goroutine count and heap in
 * use, read from expvar and the goroutine profile every `goroscope.statusBar.refreshSeconds` (0: off).
 * Reads never overlap, and a read in flight is aborted when the service changes or the item goes away.
 * A click opens the capture quick pick.
 */
import * as vscode from 'vscode';
import { formatBytes } from '../../pprof/fetch';
import { readRuntimeStats, type RuntimeStats } from '../../services/runtimeStats';
import type { AttachedService, AttachedServices } from './attachedServices';
import { statusRefreshSeconds, withTransportDefaults } from './settings';
import type { BearerTokens } from './tokens';

export class ServiceStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('goroscope.service', vscode.StatusBarAlignment.Left, 10);
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: AbortController | undefined;
  /** Bumped on every restart so a late answer for a previous service is ignored. */
  private generation = 0;

  constructor(
    private readonly services: AttachedServices,
    private readonly tokens: BearerTokens,
  ) {
    this.item.name = 'Goroscope: attached Go service';
    this.item.command = 'goroscope.services.capture';
    this.subscriptions.push(
      services.onDidChange(() => this.restart()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('goroscope.statusBar.refreshSeconds') || e.affectsConfiguration('goroscope.transport')) this.restart();
      }),
    );
    this.restart();
  }

  /** The last numbers shown, for tests and the tooltip. */
  lastStats: RuntimeStats | undefined;

  dispose(): void {
    this.stop();
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }

  private restart(): void {
    this.stop();
    const generation = ++this.generation;
    const service = this.services.current();
    this.lastStats = undefined;
    if (!service) {
      this.item.hide();
      return;
    }
    const seconds = statusRefreshSeconds();
    this.show(service, undefined, seconds === 0 ? 'refresh is off (goroscope.statusBar.refreshSeconds)' : 'reading…');
    if (seconds === 0) return;
    const tick = async (): Promise<void> => {
      await this.refresh(service, generation);
      if (generation === this.generation) this.timer = setTimeout(() => void tick(), seconds * 1000);
    };
    void tick();
  }

  private stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.inFlight?.abort();
    this.inFlight = undefined;
  }

  private async refresh(service: AttachedService, generation: number): Promise<void> {
    const abort = new AbortController();
    this.inFlight = abort;
    try {
      const token = await this.tokens.get(service.config.url);
      const opts: { bearerToken?: string; signal: AbortSignal } = { signal: abort.signal };
      if (token) opts.bearerToken = token;
      const stats = await readRuntimeStats(withTransportDefaults(service.config), opts);
      if (generation !== this.generation) return;
      this.lastStats = stats;
      this.show(service, stats);
    } catch (err) {
      if (generation !== this.generation) return;
      this.show(service, undefined, err instanceof Error ? err.message : String(err));
    } finally {
      if (this.inFlight === abort) this.inFlight = undefined;
    }
  }

  private show(service: AttachedService, stats: RuntimeStats | undefined, problem?: string): void {
    const name = service.config.name;
    const parts = [`$(pulse) ${name}`];
    if (stats?.goroutines !== null && stats?.goroutines !== undefined) parts.push(`${stats.goroutines.toLocaleString('en-US')} goroutines`);
    if (stats?.memstats) parts.push(`${formatBytes(stats.memstats.heapInuse)} heap`);
    if (problem && !stats && problem !== 'reading…' && !problem.startsWith('refresh is off')) parts.push('$(warning)');
    this.item.text = parts.join(' · ');
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendText(`${name} — ${service.config.url}\n\n`);
    if (stats) {
      if (stats.goroutines !== null) tooltip.appendText(`Goroutines: ${stats.goroutines.toLocaleString('en-US')}\n\n`);
      if (stats.memstats) {
        tooltip.appendText(
          `Heap in use: ${formatBytes(stats.memstats.heapInuse)} · heap allocated: ${formatBytes(stats.memstats.heapAlloc)} · stacks: ${formatBytes(stats.memstats.stackInuse)} · GC cycles: ${stats.memstats.numGC}\n\n`,
        );
      }
      for (const p of stats.problems) tooltip.appendText(`${p}\n\n`);
      tooltip.appendText(`Read at ${new Date(stats.takenAt).toLocaleTimeString()}. `);
    } else if (problem) {
      tooltip.appendText(`${problem}\n\n`);
    }
    tooltip.appendText('Click to capture a profile.');
    this.item.tooltip = tooltip;
    this.item.show();
  }
}
