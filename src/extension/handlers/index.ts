/**
 * The handlers feature in the editor: the "Profile this handler" CodeLens over Go files, fed by handler
 * discovery in its own process, and the goroscope.profileHandler command it runs.
 */
import * as vscode from 'vscode';
import { HandlerCodeLensProvider, PROFILE_HANDLER_COMMAND } from './codeLens';
import { HandlerService } from './handlerService';
import { profileHandlerCommand, type ProfileHandlerDeps } from './profileHandler';

/**
 * Registers the lens provider, the command and a watcher that tells discovery about changed Go files.
 * Everything registered is added to `context.subscriptions`.
 */
export function registerHandlerLenses(context: vscode.ExtensionContext, output: vscode.OutputChannel, deps: ProfileHandlerDeps): HandlerCodeLensProvider {
  const log = (line: string) => output.appendLine(`[handlers] ${line}`);
  const service = new HandlerService(context.asAbsolutePath('dist/cli.js'), log);
  const provider = new HandlerCodeLensProvider(service, log);
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.go');
  const changed = (uri: vscode.Uri) => service.invalidate([uri.fsPath]);
  context.subscriptions.push(
    service,
    provider,
    watcher,
    watcher.onDidChange(changed),
    watcher.onDidCreate(changed),
    watcher.onDidDelete(changed),
    vscode.languages.registerCodeLensProvider({ language: 'go', scheme: 'file' }, provider),
    vscode.commands.registerCommand(PROFILE_HANDLER_COMMAND, (arg: unknown) => profileHandlerCommand(deps, arg)),
  );
  return provider;
}
