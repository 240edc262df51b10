/**
 * One flame-graph page (a WebviewPanel or a custom editor's webview) bound to one profile: the page,
 * the protocol channel with its shape check, and the session answering the page's requests.
 */
import * as vscode from 'vscode';
import { ProfileError } from '../../pprof/errors';
import {
  checkFromWebviewMessage,
  dispatchRequest,
  MessageHandler,
  MessageType,
  type Envelope,
  type FromWebviewMessage,
  type ToWebviewMessage,
  toWire,
} from '../../protocol/panel';
import { panelHtml } from './html';
import { webviewAssets } from './webviewAssets';
import { ProfileSession, type ProfileEngine, type SessionOptions } from './session';

export interface ProfileViewOptions extends Omit<SessionOptions, 'engine' | 'summary'> {
  bytes: Uint8Array;
}

export class ProfileView implements vscode.Disposable {
  private readonly rpc: MessageHandler<ToWebviewMessage, FromWebviewMessage>;
  private readonly session: Promise<ProfileSession>;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    private readonly webview: vscode.Webview,
    extensionUri: vscode.Uri,
    engine: ProfileEngine,
    options: ProfileViewOptions,
    private readonly log: (line: string) => void,
  ) {
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    webview.options = { enableScripts: true, localResourceRoots: [dist] };
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      ...webviewAssets(webview, dist),
      title: options.title,
    });
    // Decoding starts now, in the worker, while the page loads.
    const { bytes, ...sessionOptions } = options;
    this.session = engine.open(bytes).then((summary) => new ProfileSession({ ...sessionOptions, engine, summary }));
    this.session.catch((err: unknown) => this.log(`${options.title}: ${describe(err)}`));

    this.rpc = new MessageHandler<ToWebviewMessage, FromWebviewMessage>(
      (envelope) => void this.webview.postMessage(toWire(envelope)),
      async (message) => {
        if (message.type === MessageType.Error) return undefined; // an error that answers nothing
        const session = await this.session.catch((err: unknown) => {
          throw new Error(`Cannot show this profile: ${describe(err)}`);
        });
        return dispatchRequest(session.handlers, message);
      },
    );
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => {
        const problem = checkFromWebviewMessage(raw);
        if (problem !== undefined) {
          this.log(`dropped a malformed message from the flame-graph page: ${problem}`);
          return;
        }
        this.rpc.handleMessage(raw as Envelope<FromWebviewMessage>);
      }),
    );
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.rpc.dispose();
    for (const d of this.disposables) d.dispose();
    void this.session.then((s) => s.dispose(), () => undefined);
  }
}

function describe(err: unknown): string {
  if (err instanceof ProfileError) return err.message;
  return err instanceof Error ? err.message : String(err);
}
