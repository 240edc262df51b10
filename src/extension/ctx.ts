import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ProfileWorker } from '../pprof/decodeInWorker';
import { handlersChangedNotification } from '../protocol/lsp';
import { ServerRequests } from '../protocol/serverRequests';
import { createLanguageClient } from './client';
import { profileSizeLimit } from './services/settings';

/**
 * What the extension holds while active: the output channel, the running language client (the one
 * process that parses the workspace's Go; features ask it through `server`, typed custom requests) and
 * the window's one pprof worker (`profiles`: the panel, inline costs and "Profile this handler" share it).
 */
export class ExtensionContext implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient> | undefined;
  private readonly handlersChanged = new vscode.EventEmitter<void>();
  /** The server read more packages, or Go files changed: handlers and their routes may have changed. */
  readonly onDidChangeHandlers = this.handlersChanged.event;
  readonly server = new ServerRequests(() => this.runningClient());
  readonly profiles: ProfileWorker;

  constructor(
    readonly vscodeContext: vscode.ExtensionContext,
    readonly outputChannel: vscode.OutputChannel,
  ) {
    this.profiles = new ProfileWorker(vscodeContext.asAbsolutePath('dist/pprofWorker.js'), profileSizeLimit);
  }

  async startClient(): Promise<void> {
    const client = createLanguageClient(this.vscodeContext, this.outputChannel);
    this.client = client;
    this.starting = client.start().then(() => {
      client.onNotification(handlersChangedNotification, () => this.handlersChanged.fire());
      // Lenses asked for before the server ran were answered with nothing: ask again.
      this.handlersChanged.fire();
      return client;
    });
    await this.starting;
  }

  async restartClient(): Promise<void> {
    await this.stopClient();
    await this.startClient();
  }

  async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.starting = undefined;
    this.server.rejectPending('the language server was stopped');
    if (client?.isRunning()) await client.stop();
    else await client?.dispose();
  }

  dispose(): void {
    this.profiles.dispose();
    this.server.dispose();
    this.handlersChanged.dispose();
  }

  private runningClient(): Promise<LanguageClient> {
    return this.starting ?? Promise.reject(new Error('the leak analyzer is not running (Goroscope: Restart Leak Analyzer starts it)'));
  }
}
