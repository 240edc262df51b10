/**
 * The fleet side of the extension: "Connect to Fleet…", the Fleet view, the fleet page, Attach from an
 * instance. Queries and analysis run in dist/fleetWorker.js; this module only asks, shows and offers the
 * next step when something fails (a token on 401/403, a narrower selector when too many series match).
 */
import * as vscode from 'vscode';
import { isFleetError } from '../../fleet/errors';
import { FleetWorker } from '../../fleet/loadInWorker';
import { parseRange } from '../../fleet/range';
import { attachUrl, fleetFetchOptions } from '../../fleet/sources';
import type { FleetView } from '../../protocol/fleet';
import type { ServicesFeature } from '../services/feature';
import { askBearerToken } from '../services/setBearerToken';
import { transportSettings } from '../services/settings';
import { mayContact } from '../services/trust';
import { askSelector, connectionFromArgument, pickRange, pickSelector, pickSource } from './connect';
import { addRecent, RECENT_KEY, type FleetConnection, type RecentFleet } from './connection';
import { FleetPage } from './page';
import { attachUrlTemplate, configuredFleetSources } from './settings';
import { FLEET_VIEW_ID, FleetTreeProvider, isFleetInstanceNode } from './tree';

type CommandHandler = (...args: unknown[]) => unknown;

const SET_TOKEN = 'Set Bearer Token…';
const NARROW = 'Narrow the Selector…';

export class FleetFeature implements vscode.Disposable {
  readonly tree = new FleetTreeProvider();
  private readonly worker = new FleetWorker();
  private connection: FleetConnection | undefined;
  private view: FleetView | undefined;
  private page: FleetPage | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly services: ServicesFeature,
    private readonly output: vscode.OutputChannel,
  ) {
    const view = vscode.window.createTreeView(FLEET_VIEW_ID, { treeDataProvider: this.tree });
    this.disposables.push(view, this.tree);
  }

  commands(): Record<string, CommandHandler> {
    return {
      'goroscope.fleet.connect': (arg) => this.connect(arg),
      'goroscope.fleet.refresh': () => this.load(),
      'goroscope.fleet.show': () => this.showPage(),
      'goroscope.fleet.attachInstance': (arg) => this.attachInstance(arg),
    };
  }

  /** What the fleet page shows now (for the in-editor tests). */
  current(): FleetView | undefined {
    return this.view;
  }

  private log(line: string): void {
    this.output.appendLine(`[fleet] ${line}`);
  }

  /** The command: pick (or take from the argument) a source, a selector and a range, then load. */
  async connect(arg?: unknown): Promise<FleetView | undefined> {
    let connection: FleetConnection | undefined;
    try {
      const given = connectionFromArgument(arg);
      if (given) {
        const configured = configuredFleetSources().find((c) => c.source.prometheusUrl === given.source.prometheusUrl);
        connection = configured ? { ...given, source: configured.source, origin: configured.origin } : { ...given, origin: 'typed' };
      } else {
        connection = await this.pickConnection();
      }
    } catch (err) {
      void vscode.window.showErrorMessage(`Goroscope: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
    if (!connection) return undefined;
    if (!(await mayContact(connection.source.name, connection.source.prometheusUrl, connection.origin))) return undefined;
    this.connection = connection;
    return this.load();
  }

  private async pickConnection(): Promise<FleetConnection | undefined> {
    const recent = this.context.globalState.get<RecentFleet[]>(RECENT_KEY, []);
    const picked = await pickSource(configuredFleetSources((p) => this.log(`settings: ${p}`)), recent);
    if (!picked) return undefined;
    if (!(await mayContact(picked.source.name, picked.source.prometheusUrl, picked.origin))) return undefined;
    let jobs: string[] = [];
    try {
      jobs = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Goroscope: reading the jobs of ${picked.source.name}…` }, async () =>
        this.worker.jobs({ source: { url: picked.source.prometheusUrl, fetch: await this.fetchOptions(picked.source) } }),
      );
    } catch (err) {
      // The selector can still be typed; the load that follows says what is wrong with the server.
      this.log(`jobs of ${picked.source.prometheusUrl}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const selector = await pickSelector(jobs, picked.selector);
    if (!selector) return undefined;
    const range = await pickRange(picked.range);
    if (!range) return undefined;
    return { source: picked.source, origin: picked.origin, selector, range };
  }

  private async fetchOptions(source: FleetConnection['source']) {
    const t = transportSettings();
    return fleetFetchOptions(source, { bearerToken: await this.services.tokens.get(source.prometheusUrl), ...t });
  }

  /** Query the connected fleet (in the worker) and show it; the failures each get one message and their next step. */
  async load(): Promise<FleetView | undefined> {
    const connection = this.connection;
    if (!connection) {
      void vscode.commands.executeCommand('goroscope.fleet.connect');
      return undefined;
    }
    const { source, selector } = connection;
    const title = `Fleet ${selector} · ${connection.range}`;
    this.page?.status({ kind: 'busy', text: `Reading ${selector} over ${connection.range} from ${source.prometheusUrl}…` });
    try {
      const range = parseRange(connection.range, Math.floor(Date.now() / 1000));
      const started = Date.now();
      const view = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Goroscope: reading the fleet…' }, async () =>
        this.worker.load({ source: { url: source.prometheusUrl, fetch: await this.fetchOptions(source) }, selector, range, title }),
      );
      this.log(`${source.prometheusUrl} ${selector} ${connection.range}: ${view.instances.length} instances, ${view.suspects.length} suspects in ${Date.now() - started} ms`);
      this.view = view;
      const recent = this.context.globalState.get<RecentFleet[]>(RECENT_KEY, []);
      await this.context.globalState.update(RECENT_KEY, addRecent(recent, { prometheusUrl: source.prometheusUrl, selector, range: connection.range }));
      this.tree.show(view);
      this.showPage();
      return view;
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      this.page?.status({ kind: 'error', text });
      this.log(text);
      // Not awaited: the command resolves now; the message waits for the user as long as they like.
      void this.offerNextStep(err, text, connection);
      return undefined;
    }
  }

  private async offerNextStep(err: unknown, text: string, connection: FleetConnection): Promise<void> {
    const kind = isFleetError(err) ? err.kind : undefined;
    const actions = kind === 'unauthorized' ? [SET_TOKEN] : kind === 'too-many-series' || kind === 'no-series' ? [NARROW] : [];
    const choice = await vscode.window.showErrorMessage(`Goroscope: ${text}`, ...actions);
    if (choice === SET_TOKEN && (await askBearerToken(this.services.tokens, { name: connection.source.name, url: connection.source.prometheusUrl }))) {
      await this.load();
    } else if (choice === NARROW) {
      const selector = await askSelector(connection.selector);
      if (selector) {
        this.connection = { ...connection, selector };
        await this.load();
      }
    }
  }

  showPage(): void {
    if (this.page) {
      this.page.panel.reveal();
      if (this.view) this.page.show(this.view);
      return;
    }
    const page = new FleetPage(
      this.context.extensionUri,
      this.view?.title ?? 'Fleet',
      {
        ready: () => this.view ?? null,
        refresh: () => void this.load(),
        setRange: ({ range }) => {
          if (!this.connection) return;
          this.connection = { ...this.connection, range };
          void this.load();
        },
        attach: ({ instance }) => void this.attachInstance(instance),
      },
      (l) => this.log(l),
    );
    page.onDidDispose(() => {
      if (this.page === page) this.page = undefined;
    });
    this.page = page;
  }

  /** Attach to an instance's pprof endpoints through the URL template: everything Goroscope does for a service follows. */
  async attachInstance(arg: unknown): Promise<unknown> {
    const name = isFleetInstanceNode(arg) ? arg.instance.instance : typeof arg === 'string' ? arg : undefined;
    const instance = this.view?.instances.find((i) => i.instance === name);
    if (!instance) return undefined;
    const { template, origin } = attachUrlTemplate();
    const url = attachUrl(template, instance.instance, instance.labels);
    if (!(await mayContact(instance.instance, url, origin))) return undefined;
    return this.services.attach(url);
  }

  dispose(): void {
    this.page?.dispose();
    this.worker.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
