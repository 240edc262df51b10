// Entry of dist/extension.js.
import * as vscode from 'vscode';
import { createCommands } from './commands';
import { ExtensionContext } from './ctx';

let active: ExtensionContext | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const outputChannel = vscode.window.createOutputChannel('Goroscope');
  context.subscriptions.push(outputChannel);
  const ctx = new ExtensionContext(context, outputChannel);
  active = ctx;
  for (const [id, handler] of Object.entries(createCommands(ctx))) {
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));
  }
  try {
    await ctx.startClient();
  } catch (err) {
    // Keep the commands (restart, show output) usable when the server fails to start.
    outputChannel.appendLine(`The leak analyzer did not start: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function deactivate(): Promise<void> {
  await active?.stopClient();
  active = undefined;
}
