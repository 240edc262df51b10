/**
 * The pickers of "Goroscope: Connect to Fleet…": a Prometheus-compatible URL (named sources, recent ones,
 * or typed), a selector (the server's jobs that export Go metrics offered), and a range.
 */
import * as vscode from 'vscode';
import { normalizeSelector } from '../../fleet/promql';
import { parseRange, PRESET_RANGES } from '../../fleet/range';
import { isHttpUrl, type FleetSource } from '../../fleet/sources';
import type { ServiceOrigin } from '../services/settings';
import type { FleetConnection, RecentFleet } from './connection';
import type { ConfiguredFleetSource } from './settings';

interface SourceItem extends vscode.QuickPickItem {
  pick?: { source: FleetSource; origin: ServiceOrigin; selector?: string; range?: string };
  typed?: boolean;
}

/** The URL step. Undefined when dismissed. */
export async function pickSource(
  configured: readonly ConfiguredFleetSource[],
  recent: readonly RecentFleet[],
): Promise<{ source: FleetSource; origin: ServiceOrigin; selector?: string; range?: string } | undefined> {
  const items: SourceItem[] = [];
  for (const c of configured) items.push({ label: c.source.name, description: c.source.prometheusUrl, detail: c.origin === 'workspace' ? 'from the workspace settings' : undefined, pick: c });
  for (const r of recent) {
    if (configured.some((c) => c.source.prometheusUrl === r.prometheusUrl)) continue;
    items.push({ label: r.prometheusUrl, description: `${r.selector} · ${r.range}`, detail: 'recent', pick: { source: { name: hostOf(r.prometheusUrl), prometheusUrl: r.prometheusUrl }, origin: 'typed', selector: r.selector, range: r.range } });
  }
  items.push({ label: '$(edit) Enter a Prometheus URL…', description: 'Prometheus, Thanos, Mimir, VictoriaMetrics', typed: true, alwaysShow: true });
  const picked = await vscode.window.showQuickPick(items, { title: 'Goroscope: connect to which fleet?', placeHolder: 'A Prometheus-compatible server (goroscope.fleet.sources, recent ones)', ignoreFocusOut: true });
  if (!picked) return undefined;
  if (picked.pick) return picked.pick;
  const url = await vscode.window.showInputBox({
    title: 'Goroscope: Prometheus-compatible URL',
    prompt: 'The server whose /api/v1 answers PromQL (http://prometheus:9090/)',
    placeHolder: 'http://localhost:9090/',
    ignoreFocusOut: true,
    validateInput: (v) => (isHttpUrl(v.trim()) ? undefined : 'an http:// or https:// URL'),
  });
  if (!url) return undefined;
  return { source: { name: hostOf(url.trim()), prometheusUrl: url.trim() }, origin: 'typed' };
}

/** The selector step: `{job="…"}` for each job offered, or typed matchers. */
export async function pickSelector(jobs: readonly string[], suggested?: string): Promise<string | undefined> {
  const items: Array<vscode.QuickPickItem & { selector?: string }> = jobs.map((job) => ({ label: `{job=${JSON.stringify(job)}}`, selector: `{job=${JSON.stringify(job)}}` }));
  if (suggested && !items.some((i) => i.selector === suggested)) items.unshift({ label: suggested, description: 'recent', selector: suggested });
  items.push({ label: '$(edit) Enter a selector…', description: 'label matchers, e.g. {job="api", namespace="prod"}', alwaysShow: true });
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Goroscope: which instances?',
    placeHolder: jobs.length ? 'The jobs on this server that export Go runtime metrics' : 'No job on this server exports go_goroutines yet: enter a selector',
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  if (picked.selector) return picked.selector;
  return askSelector(suggested);
}

/** A selector typed by the user, checked as they type. */
export async function askSelector(value?: string): Promise<string | undefined> {
  const typed = await vscode.window.showInputBox({
    title: 'Goroscope: selector',
    prompt: 'Label matchers of the instances (the metric names are Goroscope’s)',
    value: value ?? '{job=""}',
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        normalizeSelector(v);
        return undefined;
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
    },
  });
  return typed === undefined ? undefined : normalizeSelector(typed);
}

/** The range step: the presets, or a custom one. */
export async function pickRange(suggested?: string): Promise<string | undefined> {
  const labels: Record<string, string> = { '1h': 'the last hour', '6h': 'the last 6 hours', '24h': 'the last 24 hours', '7d': 'the last 7 days' };
  const items: Array<vscode.QuickPickItem & { range?: string }> = PRESET_RANGES.map((r) => ({ label: r, description: labels[r], range: r, picked: r === suggested }));
  items.push({ label: '$(edit) Custom…', description: '90m, 3d, 1h@24h (an hour ending 24 hours ago), or START..END', alwaysShow: true });
  const picked = await vscode.window.showQuickPick(items, { title: 'Goroscope: over which range?', ignoreFocusOut: true });
  if (!picked) return undefined;
  if (picked.range) return picked.range;
  return vscode.window.showInputBox({
    title: 'Goroscope: range',
    prompt: 'A duration (90m, 3d), one ending earlier (1h@24h), or START..END in ISO 8601',
    value: suggested ?? '6h',
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        parseRange(v, Math.floor(Date.now() / 1000));
        return undefined;
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
    },
  });
}

/** A connection given as the command's argument (tests, the recent list): every part checked. */
export function connectionFromArgument(arg: unknown): Omit<FleetConnection, 'origin'> | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const a = arg as Record<string, unknown>;
  if (typeof a.prometheusUrl !== 'string' || !isHttpUrl(a.prometheusUrl)) return undefined;
  const selector = typeof a.selector === 'string' ? normalizeSelector(a.selector) : undefined;
  if (!selector) return undefined;
  const range = typeof a.range === 'string' ? a.range : '6h';
  parseRange(range, Math.floor(Date.now() / 1000));
  return { source: { name: typeof a.name === 'string' ? a.name : hostOf(a.prometheusUrl), prometheusUrl: a.prometheusUrl }, selector, range };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
