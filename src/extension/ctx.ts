import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createLanguageClient } from './client';

/** What the extension holds while active: the output channel and the running language client. */
export class ExtensionContext {
  private client: LanguageClient | undefined;

  constructor(
    readonly vscodeContext: vscode.ExtensionContext,
    readonly outputChannel: vscode.OutputChannel,
  ) {}

  async startClient(): Promise<void> {
    this.client = createLanguageClient(this.vscodeContext, this.outputChannel);
    await this.client.start();
  }

  async restartClient(): Promise<void> {
    await this.stopClient();
    await this.startClient();
  }

  async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client?.isRunning()) await client.stop();
    else await client?.dispose();
  }
}
