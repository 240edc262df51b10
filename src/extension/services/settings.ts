/**
 * Goroscope's service and capture settings, read from VS Code's configuration and translated for the
 * pure core. Where a named service was defined matters: in an untrusted workspace a service from the
 * workspace's own settings is contacted only after the user confirms (see trust.ts).
 */
import * as vscode from 'vscode';
import { parseServicesSetting, type ServiceConfig } from '../../services/config';

/** Where a service came from: the user's own settings, the workspace's settings, or typed in. */
export type ServiceOrigin = 'user' | 'workspace' | 'typed';

export interface ConfiguredService {
  config: ServiceConfig;
  origin: ServiceOrigin;
}

export interface TransportSettings {
  connectTimeoutMs: number;
  readTimeoutMs: number;
  maxBytes: number;
}

const SECTION = 'goroscope';

/**
 * The services of `goroscope.services`, each tagged with the settings level that defined it. Entries the
 * user mistyped are reported once through `onProblem` and skipped; the rest stay usable.
 */
export function configuredServices(onProblem: (message: string) => void = () => {}): ConfiguredService[] {
  const inspected = vscode.workspace.getConfiguration(SECTION).inspect<unknown>('services');
  const levels: Array<[ServiceOrigin, unknown]> = [
    ['workspace', inspected?.workspaceFolderValue],
    ['workspace', inspected?.workspaceValue],
    ['user', inspected?.globalValue],
  ];
  const byName = new Map<string, ConfiguredService>();
  for (const [origin, raw] of levels) {
    const { services, problems } = parseServicesSetting(raw);
    for (const problem of problems) onProblem(problem);
    // The most specific level wins, as VS Code's own settings do.
    for (const config of services) if (!byName.has(config.name)) byName.set(config.name, { config, origin });
  }
  return [...byName.values()];
}

export function transportSettings(): TransportSettings {
  const c = vscode.workspace.getConfiguration(`${SECTION}.transport`);
  return {
    connectTimeoutMs: positive(c.get<number>('connectTimeoutSeconds'), 5) * 1000,
    readTimeoutMs: positive(c.get<number>('readTimeoutSeconds'), 20) * 1000,
    maxBytes: Math.round(positive(c.get<number>('maxSizeMB'), 256) * 1024 * 1024),
  };
}

/** The size limit for opening profiles (goroscope.transport.maxSizeMB): what one may unpack to. */
export function profileSizeLimit(): { maxBytes: number; limitName: string } {
  return { maxBytes: transportSettings().maxBytes, limitName: 'goroscope.transport.maxSizeMB' };
}

/** The service with the transport settings filled in where the service itself sets none. */
export function withTransportDefaults(config: ServiceConfig): ServiceConfig {
  const t = transportSettings();
  return {
    ...config,
    connectTimeoutMs: config.connectTimeoutMs ?? t.connectTimeoutMs,
    readTimeoutMs: config.readTimeoutMs ?? t.readTimeoutMs,
    maxBytes: config.maxBytes ?? t.maxBytes,
  };
}

export function cpuSeconds(): number {
  return wholeSeconds(vscode.workspace.getConfiguration(`${SECTION}.capture`).get<number>('cpuSeconds'), 10);
}

export function deltaSeconds(): number {
  return wholeSeconds(vscode.workspace.getConfiguration(`${SECTION}.capture`).get<number>('deltaSeconds'), 10);
}

export function maxSnapshots(): number {
  const value = vscode.workspace.getConfiguration(`${SECTION}.snapshots`).get<number>('max');
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : 50;
}

/** 0 turns the status bar's refresh off. */
export function statusRefreshSeconds(): number {
  const value = vscode.workspace.getConfiguration(`${SECTION}.statusBar`).get<number>('refreshSeconds');
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 10;
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

function wholeSeconds(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : fallback;
}
