/**
 * One flame-graph page (a WebviewPanel or a custom editor's webview) bound to one profile: the page, its
 * channel (src/protocol/flamePage.ts over the webview transport: every message checked), and the session
 * answering the page's requests once the profile is open in the window's pprof worker.
 */
import * as vscode from 'vscode';
import { ProfileError } from '../../pprof/errors';
import { flameHost, flamePage } from '../../protocol/flamePage';
import { handlersAfter, RpcEndpoint } from '../../protocol/rpc';
import { hostTransport } from '../../protocol/webview';
import { ProfileSession, type OpenedProfile, type ProfileEngine, type SessionOptions } from '../../pprof/session';
import { panelHtml } from './html';
import { webviewAssets } from './webviewAssets';

export interface ProfileViewOptions extends Omit<SessionOptions, 'engine' | 'profile'> {
  /** Opens (or shares) the profile in the engine. */
  open(): Promise<OpenedProfile>;
}

export class ProfileView implements vscode.Disposable {
  private readonly rpc: RpcEndpoint<typeof flameHost, typeof flamePage>;
  private readonly session: Promise<ProfileSession>;
  private disposed = false;

  constructor(
    webview: vscode.Webview,
    extensionUri: vscode.Uri,
    engine: ProfileEngine,
    options: ProfileViewOptions,
    private readonly log: (line: string) => void,
  ) {
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    webview.options = { enableScripts: true, localResourceRoots: [dist] };
    webview.html = panelHtml({ cspSource: webview.cspSource, ...webviewAssets(webview, dist), title: options.title });
    // Decoding starts now, in the worker, while the page loads.
    const { open, ...sessionOptions } = options;
    this.session = open().then((profile) => {
      if (this.disposed) {
        profile.release();
        throw new Error('the panel was closed');
      }
      return new ProfileSession({ ...sessionOptions, engine, profile });
    });
    this.session.catch((err: unknown) => this.log(`${options.title}: ${err instanceof Error ? err.message : String(err)}`));
    this.rpc = new RpcEndpoint({
      peer: 'the flame-graph page',
      local: flameHost,
      remote: flamePage,
      transport: hostTransport(webview),
      requests: handlersAfter(
        flameHost,
        this.session.then(
          (s) => s.handlers,
          (err: unknown) => {
            const message = `Cannot show this profile: ${err instanceof Error ? err.message : String(err)}`;
            throw err instanceof ProfileError ? new ProfileError(message) : new Error(message);
          },
        ),
      ),
      events: {},
      errors: [ProfileError],
      onMalformed: (problem) => this.log(problem),
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.rpc.dispose();
    void this.session.then((s) => s.dispose(), () => undefined);
  }
}
