/**
 * The handlers feature in the editor: the "Profile this handler" CodeLens over Go files, fed by handler
 * discovery in its own process, the goroscope.profileHandler command it runs, and the results it shows
 * on the lens line afterwards.
 */
import * as vscode from 'vscode';
import { HandlerCodeLensProvider, PROFILE_HANDLER_COMMAND } from './codeLens';
import { HandlerService } from './handlerService';
import { profileHandlerCommand, type ProfileHandlerDeps } from './profileHandler';
import { HandlerResults } from './results';

/**
 * Registers the lens provider, the command and a watcher that tells discovery about changed Go files.
 * Everything registered is added to `context.subscriptions`.
 */
export function registerHandlerLenses(
  context: vscode.ExtensionContext,
  output: vscode.OutputChannel,
  deps: Omit<ProfileHandlerDeps, 'results' | 'log'>,
): HandlerCodeLensProvider {
  const log = (line: string) => output.appendLine(`[handlers] ${line}`);
  const service = new HandlerService(context.asAbsolutePath('dist/cli.js'), log);
  const results = new HandlerResults();
  const provider = new HandlerCodeLensProvider(service, log, results);
  const commandDeps: ProfileHandlerDeps = { ...deps, results, log };
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.go');
  const changed = (uri: vscode.Uri) => service.invalidate([uri.fsPath]);
  context.subscriptions.push(
    service,
    results,
    provider,
    watcher,
    watcher.onDidChange(changed),
    watcher.onDidCreate(changed),
    watcher.onDidDelete(changed),
    vscode.languages.registerCodeLensProvider({ language: 'go', scheme: 'file' }, provider),
    vscode.commands.registerCommand(PROFILE_HANDLER_COMMAND, (arg: unknown) => profileHandlerCommand(commandDeps, arg)),
  );
  return provider;
}
