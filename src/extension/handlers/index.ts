/**
 * The handlers feature in the editor: the "Profile this handler" CodeLens over Go files, fed by handler
 * discovery in the language server, the goroscope.profileHandler command it runs, and the results it
 * shows on the lens line afterwards.
 */
import * as vscode from 'vscode';
import type { ExtensionContext } from '../ctx';
import { HandlerCodeLensProvider, PROFILE_HANDLER_COMMAND } from './codeLens';
import { profileHandlerCommand, type ProfileHandlerDeps } from './profileHandler';
import { HandlerResults } from './results';

/**
 * Registers the lens provider and the command. Changed Go files reach discovery through the language
 * client's one file watcher. Everything registered is added to `context.subscriptions`.
 */
export function registerHandlerLenses(ctx: ExtensionContext, deps: Omit<ProfileHandlerDeps, 'results' | 'log'>): HandlerCodeLensProvider {
  const context = ctx.vscodeContext;
  const log = (line: string) => ctx.outputChannel.appendLine(`[handlers] ${line}`);
  const results = new HandlerResults();
  const provider = new HandlerCodeLensProvider(ctx.server, ctx.onDidChangeHandlers, log, results);
  const commandDeps: ProfileHandlerDeps = { ...deps, results, log };
  context.subscriptions.push(
    results,
    provider,
    vscode.languages.registerCodeLensProvider({ language: 'go', scheme: 'file' }, provider),
    vscode.commands.registerCommand(PROFILE_HANDLER_COMMAND, (arg: unknown) => profileHandlerCommand(commandDeps, arg)),
  );
  return provider;
}
