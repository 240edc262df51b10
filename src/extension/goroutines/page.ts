/**
 * One Goroutines or leak-watch page (a WebviewPanel of the panel's bundle, started on its own view):
 * the page, the protocol channel with its shape check, and the handlers of the page's requests.
 */
import * as vscode from 'vscode';
import {
  checkFromGoroutinesPageMessage,
  dispatchGoroutinesRequest,
  MessageHandler,
  MessageType,
  type Envelope,
  type FromGoroutinesPageMessage,
  type GoroutinesRequestHandlers,
  type ToGoroutinesPageMessage,
  toWire,
} from '../../protocol/panel';
import { panelHtml } from '../panel/html';
import { webviewAssets } from '../panel/webviewAssets';

export class GoroutinesPage implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  private readonly rpc: MessageHandler<ToGoroutinesPageMessage, FromGoroutinesPageMessage>;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(
    extensionUri: vscode.Uri,
    view: 'goroutines' | 'watch',
    title: string,
    handlers: GoroutinesRequestHandlers,
    private readonly log: (line: string) => void,
  ) {
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    this.panel = vscode.window.createWebviewPanel(`goroscope.${view}`, title, vscode.ViewColumn.Beside, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [dist],
    });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    const webview = this.panel.webview;
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      ...webviewAssets(webview, dist),
      title,
      view,
    });
    this.rpc = new MessageHandler<ToGoroutinesPageMessage, FromGoroutinesPageMessage>(
      (envelope) => void webview.postMessage(toWire(envelope)),
      (message) => (message.type === MessageType.Error ? undefined : dispatchGoroutinesRequest(handlers, message)),
    );
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => {
        const problem = checkFromGoroutinesPageMessage(raw);
        if (problem !== undefined) {
          this.log(`dropped a malformed message from the ${view} page: ${problem}`);
          return;
        }
        this.rpc.handleMessage(raw as Envelope<FromGoroutinesPageMessage>);
      }),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Pushes a newer state to the page (ignored once it is closed). */
  send(message: ToGoroutinesPageMessage): void {
    this.rpc.sendEvent(message);
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
