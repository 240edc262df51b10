/**
 * The fleet page: a WebviewPanel of the webview bundle started on its `fleet` view, its messages checked
 * (src/protocol/fleet.ts) before the feature sees them.
 */
import * as vscode from 'vscode';
import { checkFromFleetPageMessage, type FromFleetPageMessage, type ToFleetPageMessage } from '../../protocol/fleet';
import { panelHtml } from '../panel/html';
import { webviewAssets } from '../panel/webviewAssets';

export class FleetPage implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(
    extensionUri: vscode.Uri,
    title: string,
    onMessage: (message: FromFleetPageMessage) => void,
    private readonly log: (line: string) => void,
  ) {
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    this.panel = vscode.window.createWebviewPanel('goroscope.fleet', title, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [dist],
    });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    const webview = this.panel.webview;
    webview.html = panelHtml({ cspSource: webview.cspSource, ...webviewAssets(webview, dist), title, view: 'fleet' });
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => {
        const problem = checkFromFleetPageMessage(raw);
        if (problem !== undefined) {
          this.log(`dropped a malformed message from the fleet page: ${problem}`);
          return;
        }
        onMessage(raw as FromFleetPageMessage);
      }),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  /** The body crosses as JSON text: one string clones for almost nothing (see toWire in protocol/panel.ts). */
  send(message: ToFleetPageMessage): void {
    if (!this.disposed) void this.panel.webview.postMessage({ json: JSON.stringify(message) });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
  }
}
