/**
 * The fleet page: a WebviewPanel of the webview bundle started on its `fleet` view, and its end of the
 * channel (src/protocol/fleet.ts over rpc.ts): everything the page sends is checked against the declared
 * shapes before a handler sees it.
 */
import * as vscode from 'vscode';
import { fleetHost, fleetPage, type FleetStatus, type FleetView } from '../../protocol/fleet';
import { RpcEndpoint, type EventHandlers, type RequestHandlers } from '../../protocol/rpc';
import { hostTransport } from '../../protocol/webview';
import { panelHtml } from '../panel/html';
import { webviewAssets } from '../panel/webviewAssets';

export type FleetPageHandlers = RequestHandlers<typeof fleetHost> & EventHandlers<typeof fleetHost>;

export class FleetPage implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  private readonly rpc: RpcEndpoint<typeof fleetHost, typeof fleetPage>;
  private disposed = false;
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(extensionUri: vscode.Uri, title: string, handlers: FleetPageHandlers, log: (line: string) => void) {
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    this.panel = vscode.window.createWebviewPanel('goroscope.fleet', title, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [dist],
    });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    const webview = this.panel.webview;
    webview.html = panelHtml({ cspSource: webview.cspSource, ...webviewAssets(webview, dist), title, view: 'fleet' });
    this.rpc = new RpcEndpoint({
      peer: 'the fleet page',
      local: fleetHost,
      remote: fleetPage,
      transport: hostTransport(webview),
      requests: { ready: handlers.ready },
      events: { refresh: handlers.refresh, setRange: handlers.setRange, attach: handlers.attach },
      onMalformed: log,
    });
    this.panel.onDidDispose(() => this.dispose());
  }

  show(view: FleetView): void {
    this.panel.title = view.title;
    this.rpc.notify('show', view);
  }

  status(status: FleetStatus): void {
    this.rpc.notify('status', status);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.rpc.dispose();
    this.panel.dispose();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
  }
}
