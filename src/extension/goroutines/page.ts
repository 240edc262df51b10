/**
 * One Goroutines or leak-watch page (a WebviewPanel of the panel's bundle, started on its own view): the
 * page, its channel (goroutinesPage.ts or watchPage.ts over the webview transport: every message checked)
 * and the handlers of the page's requests.
 */
import * as vscode from 'vscode';
import { RpcEndpoint, type EventMethod, type EventParamsOf, type RequestHandlers, type SideSpec } from '../../protocol/rpc';
import { hostTransport } from '../../protocol/webview';
import { panelHtml } from '../panel/html';
import { webviewAssets } from '../panel/webviewAssets';

export interface PageChannel<Host extends SideSpec, Page extends SideSpec> {
  host: Host;
  page: Page;
  requests: RequestHandlers<Host>;
}

export class GoroutinesPage<Host extends SideSpec, Page extends SideSpec> implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  private readonly rpc: RpcEndpoint<Host, Page>;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(extensionUri: vscode.Uri, view: 'goroutines' | 'watch', title: string, channel: PageChannel<Host, Page>, log: (line: string) => void) {
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    this.panel = vscode.window.createWebviewPanel(`goroscope.${view}`, title, vscode.ViewColumn.Beside, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [dist],
    });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    const webview = this.panel.webview;
    webview.html = panelHtml({ cspSource: webview.cspSource, ...webviewAssets(webview, dist), title, view });
    this.rpc = new RpcEndpoint({
      peer: `the ${view} page`,
      local: channel.host,
      remote: channel.page,
      transport: hostTransport(webview),
      requests: channel.requests,
      events: {} as never,
      onMalformed: log,
    });
    this.disposables.push(this.panel.onDidDispose(() => this.dispose()));
  }

  /** Pushes a newer state to the page (ignored once it is closed). */
  notify<M extends EventMethod<Page>>(method: M, params: EventParamsOf<Page, M>): void {
    this.rpc.notify(method, params);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.rpc.dispose();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
  }
}
