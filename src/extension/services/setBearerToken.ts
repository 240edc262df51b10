/**
 * "Set Bearer Token…": store the token a service wants (`Authorization: Bearer …`) in VS Code's secret
 * storage, for that service's URL. An empty entry removes it. Never written to settings.
 */
import * as vscode from 'vscode';
import { parsePprofUrl } from '../../pprof/endpoints';
import type { ServicesFeature } from './feature';
import type { BearerTokens } from './tokens';
import { isServiceNode } from './servicesTree';
import { configuredServices } from './settings';

export async function setBearerTokenCommand(feature: ServicesFeature, arg?: unknown): Promise<boolean> {
  const target = await pickTarget(feature, arg);
  if (!target) return false;
  return askBearerToken(feature.tokens, target);
}

/** Asks for the token of one service and stores it (an empty entry removes it). False when dismissed. */
export async function askBearerToken(tokens: BearerTokens, target: { name: string; url: string }): Promise<boolean> {
  const existing = await tokens.get(target.url);
  const token = await vscode.window.showInputBox({
    title: `Goroscope: bearer token for ${target.name}`,
    prompt: `Sent as "Authorization: Bearer …" to ${target.url}, never to another origin. Kept in VS Code's secret storage.${existing ? ' Leave empty to remove the stored token.' : ''}`,
    password: true,
    ignoreFocusOut: true,
    placeHolder: existing ? '(a token is stored)' : 'token',
    validateInput: (v) => (/[\r\n]/.test(v) ? 'a token is one line' : undefined),
  });
  if (token === undefined) return false;
  const value = token.trim().replace(/^Bearer\s+/i, '');
  await tokens.set(target.url, value || undefined);
  vscode.window.setStatusBarMessage(value ? `Goroscope: bearer token stored for ${target.name}` : `Goroscope: bearer token removed for ${target.name}`, 5000);
  return true;
}

async function pickTarget(feature: ServicesFeature, arg: unknown): Promise<{ name: string; url: string } | undefined> {
  if (isServiceNode(arg)) {
    const url = arg.attached?.config.url ?? configuredServices().find((c) => c.config.name === arg.name)?.config.url;
    if (url) return { name: arg.name, url };
  }
  const known = new Map<string, { name: string; url: string }>();
  for (const s of feature.services.list()) known.set(s.config.url, { name: s.config.name, url: s.config.url });
  for (const c of configuredServices()) if (!known.has(c.config.url)) known.set(c.config.url, { name: c.config.name, url: c.config.url });
  for (const r of feature.services.recent()) if (!known.has(r.url)) known.set(r.url, r);
  const items: Array<vscode.QuickPickItem & { target?: { name: string; url: string } }> = [...known.values()].map((t) => ({
    label: t.name,
    description: t.url,
    target: t,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Goroscope: set the bearer token of which service?',
    placeHolder: items.length ? 'Pick a service (or Escape and attach to it first)' : 'No services known yet: attach to one first',
  });
  if (!picked?.target) return undefined;
  try {
    return { name: picked.target.name, url: parsePprofUrl(picked.target.url).base };
  } catch {
    return undefined;
  }
}
