/**
 * "Goroscope: Attach to Go Service": pick a named service, a recent one or the usual localhost:6060, or
 * type any pprof URL; read the service's index page to learn which profiles it offers (custom ones too);
 * and attach. Failures end in one sentence naming the URL and what went wrong; a 401 or 403 also offers
 * to store a bearer token (secret storage) and try again.
 */
import * as vscode from 'vscode';
import { parsePprofUrl, parseIndexPage, NON_PROFILE_ENDPOINTS, type ProfileEntry } from '../../pprof/endpoints';
import { fetchText, TransportError } from '../../pprof/fetch';
import { defaultServiceName, fetchOptionsFor, type ServiceConfig } from '../../services/config';
import type { AttachedService, AttachedServices } from './attachedServices';
import { askBearerToken } from './setBearerToken';
import { configuredServices, withTransportDefaults, type ConfiguredService, type ServiceOrigin } from './settings';
import type { BearerTokens } from './tokens';
import { mayContact } from './trust';

export const DEFAULT_PPROF_URL = 'http://localhost:6060/debug/pprof/';

export interface AttachDeps {
  services: AttachedServices;
  tokens: BearerTokens;
  log: (line: string) => void;
}

/** What the command accepts as an argument (tests, the tree's "attach again"): a URL or a service name. */
type AttachArgument = string | { url?: unknown; name?: unknown } | undefined;

interface Candidate {
  config: ServiceConfig;
  origin: ServiceOrigin;
}

interface CandidateItem extends vscode.QuickPickItem {
  candidate?: Candidate;
  /** The typed-URL item: resolved when accepted. */
  typed?: string;
}

/** The command handler. Resolves to the attached service, or undefined when the user cancelled or it failed. */
export async function attachCommand(deps: AttachDeps, arg?: unknown): Promise<AttachedService | undefined> {
  const configured = configuredServices((problem) => deps.log(`settings: ${problem}`));
  let candidate: Candidate | undefined;
  try {
    candidate = fromArgument(arg as AttachArgument, configured, deps) ?? (await pickCandidate(configured, deps));
  } catch (err) {
    void vscode.window.showErrorMessage(`Goroscope: ${message(err)}`);
    return undefined;
  }
  if (!candidate) return undefined;
  return attach(candidate, deps);
}

/** Contact the service, read its index page, and record it as attached. */
async function attach(candidate: Candidate, deps: AttachDeps, retried = false): Promise<AttachedService | undefined> {
  const { config, origin } = candidate;
  if (!(await mayContact(config.name, config.url, origin))) return undefined;
  try {
    const offered = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Goroscope: attaching to ${config.name}…`, cancellable: true },
      async (_progress, token) => {
        const abort = new AbortController();
        const subscription = token.onCancellationRequested(() => abort.abort());
        try {
          return await readOfferedProfiles(config, await deps.tokens.get(config.url), abort.signal);
        } finally {
          subscription.dispose();
        }
      },
    );
    const attached = await deps.services.attach({ config, origin, offered });
    deps.log(`attached to ${config.name} (${config.url}): ${offered.map((p) => p.name).join(', ')}`);
    vscode.window.setStatusBarMessage(`Goroscope: attached to ${config.name} (${offered.length} profiles)`, 5000);
    return attached;
  } catch (err) {
    if (isCancellation(err)) return undefined;
    deps.log(`attach ${config.url}: ${message(err)}`);
    if (wantsCredentials(err) && !retried) {
      // The service wants a token: offer to store one (secret storage) and try once more with it.
      const choice = await vscode.window.showErrorMessage(
        `Goroscope: could not attach to ${config.name}: ${message(err)}. The service wants credentials.`,
        SET_TOKEN,
      );
      if (choice === SET_TOKEN && (await askBearerToken(deps.tokens, { name: config.name, url: config.url }))) return attach(candidate, deps, true);
      return undefined;
    }
    void vscode.window.showErrorMessage(`Goroscope: could not attach to ${config.name}: ${message(err)}`);
    return undefined;
  }
}

const SET_TOKEN = 'Set Bearer Token…';

/** A 401 or 403 from the service (or a proxy in front of it). */
function wantsCredentials(err: unknown): boolean {
  return err instanceof TransportError && (err.status === 401 || err.status === 403);
}

/** The index page's profiles, without the endpoints that are not profiles (cmdline, trace, symbol). */
export async function readOfferedProfiles(config: ServiceConfig, bearerToken: string | undefined, signal?: AbortSignal): Promise<ProfileEntry[]> {
  const opts: { bearerToken?: string; signal?: AbortSignal } = {};
  if (bearerToken) opts.bearerToken = bearerToken;
  if (signal) opts.signal = signal;
  const page = await fetchText(config.url, fetchOptionsFor(withTransportDefaults(config), opts));
  const entries = parseIndexPage(page);
  if (entries.length === 0) {
    const looksHtml = /<\s*(html|body|!doctype)/i.test(page.slice(0, 2048));
    throw new Error(
      `${config.url} is not a pprof index page: ${looksHtml ? 'the HTML page there' : 'the response'} lists no profiles (is net/http/pprof imported, and is this its base URL, usually /debug/pprof/?)`,
    );
  }
  return entries.filter((e) => !NON_PROFILE_ENDPOINTS.has(e.name));
}

function fromArgument(arg: AttachArgument, configured: ConfiguredService[], deps: AttachDeps): Candidate | undefined {
  if (arg === undefined || arg === null) return undefined;
  if (typeof arg === 'string') return resolveTyped(arg, configured, deps);
  if (typeof arg === 'object') {
    if (typeof arg.name === 'string') {
      const known = configured.find((c) => c.config.name === arg.name) ?? deps.services.get(arg.name);
      if (known) return { config: known.config, origin: known.origin };
    }
    if (typeof arg.url === 'string') return resolveTyped(arg.url, configured, deps);
  }
  return undefined;
}

/** A URL the user typed: a named service with the same base URL keeps its headers; otherwise a plain service. */
function resolveTyped(input: string, configured: ConfiguredService[], deps: AttachDeps): Candidate {
  const base = parsePprofUrl(input).base;
  const named = configured.find((c) => c.config.url === base);
  if (named) return { config: named.config, origin: named.origin };
  const recent = deps.services.recent().find((r) => r.url === base);
  let name = recent?.name ?? defaultServiceName(base);
  // Two different URLs must not share a name: the name keys snapshots and the tree.
  const clash = (n: string): boolean =>
    configured.some((c) => c.config.name === n && c.config.url !== base) || (deps.services.get(n)?.config.url ?? base) !== base;
  for (let i = 2; clash(name); i++) name = `${defaultServiceName(base)} (${i})`;
  return { config: { name, url: base }, origin: 'typed' };
}

function pickCandidate(configured: ConfiguredService[], deps: AttachDeps): Promise<Candidate | undefined> {
  const fixed = candidateItems(configured, deps);
  const pick = vscode.window.createQuickPick<CandidateItem>();
  pick.title = 'Goroscope: Attach to Go Service';
  pick.placeholder = 'Pick a service, or type its pprof URL (http://host:port/debug/pprof/) and press Enter';
  pick.matchOnDescription = true;
  pick.items = fixed;
  pick.onDidChangeValue((value) => {
    const typed = value.trim();
    const exact = fixed.some((i) => i.candidate && (i.candidate.config.url === typed || i.label === typed));
    pick.items = typed && !exact ? [{ label: `$(link) ${typed}`, description: 'Attach to this URL', typed, alwaysShow: true }, ...fixed] : fixed;
  });
  return new Promise<Candidate | undefined>((resolve, reject) => {
    let settled = false;
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0] ?? pick.activeItems[0];
      const typed = item?.typed ?? (item ? undefined : pick.value.trim());
      settled = true;
      pick.hide();
      try {
        if (item?.candidate) resolve(item.candidate);
        else if (typed) resolve(resolveTyped(typed, configured, deps));
        else resolve(undefined);
      } catch (err) {
        reject(err);
      }
    });
    pick.onDidHide(() => {
      pick.dispose();
      if (!settled) resolve(undefined);
    });
    pick.show();
  });
}

function candidateItems(configured: ConfiguredService[], deps: AttachDeps): CandidateItem[] {
  const items: CandidateItem[] = [];
  const seen = new Set<string>();
  const attached = new Set(deps.services.list().map((s) => s.config.url));
  const mark = (url: string): string => (attached.has(url) ? ' · attached' : '');
  if (configured.length > 0) items.push({ label: 'Named services', kind: vscode.QuickPickItemKind.Separator });
  for (const c of configured) {
    seen.add(c.config.url);
    items.push({
      label: `$(server) ${c.config.name}`,
      description: c.config.url,
      detail: `${c.origin === 'workspace' ? 'From workspace settings' : 'From user settings'}${mark(c.config.url)}`,
      candidate: c,
    });
  }
  const recent = deps.services.recent().filter((r) => !seen.has(r.url));
  const local = seen.has(DEFAULT_PPROF_URL) || recent.some((r) => r.url === DEFAULT_PPROF_URL) ? [] : [{ name: 'localhost:6060', url: DEFAULT_PPROF_URL }];
  if (recent.length + local.length > 0) items.push({ label: 'Recent and local', kind: vscode.QuickPickItemKind.Separator });
  for (const r of [...recent, ...local]) {
    items.push({
      label: `${r === local[0] ? '$(plug)' : '$(history)'} ${r.url}`,
      description: `${r.name}${mark(r.url)}`,
      candidate: { config: { name: r.name, url: r.url }, origin: 'typed' },
    });
  }
  return items;
}

function isCancellation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { kind?: unknown }).kind === 'aborted';
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
