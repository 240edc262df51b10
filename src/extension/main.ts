// Entry of dist/extension.js.
import * as vscode from 'vscode';
import { createCommands } from './commands';
import { registerInlineCosts } from './costs';
import type { InlineCostsState } from './costs/inlineCosts';
import { ExtensionContext } from './ctx';
import { registerHandlerLenses } from './handlers';
import { registerProfilePanel } from './panel';
import { FleetFeature } from './fleet';
import { ServicesFeature } from './services/feature';
import { registerTestLenses } from './tests';

let active: ExtensionContext | undefined;

/** What activate() returns: the Services view's data, for the in-editor test suite to read. */
export interface GoroscopeApi {
  servicesTree: vscode.TreeDataProvider<unknown>;
  /** What the inline costs show right now. */
  inlineCosts(): InlineCostsState;
  /** The fleet page's view, once a fleet is connected. */
  fleet: FleetFeature;
}

export async function activate(context: vscode.ExtensionContext): Promise<GoroscopeApi> {
  const outputChannel = vscode.window.createOutputChannel('Goroscope');
  context.subscriptions.push(outputChannel);
  const ctx = new ExtensionContext(context, outputChannel);
  context.subscriptions.push(ctx);
  active = ctx;
  const services = new ServicesFeature(context, outputChannel);
  context.subscriptions.push(services);
  registerProfilePanel(context, ctx.profiles, outputChannel);
  const costs = registerInlineCosts(context, outputChannel, services, ctx.profiles);
  registerHandlerLenses(ctx, { services, worker: () => ctx.profiles });
  registerTestLenses(ctx, outputChannel, { worker: () => ctx.profiles, costs: costs.costs });
  const fleet = new FleetFeature(context, services, outputChannel);
  context.subscriptions.push(fleet);
  for (const [id, handler] of Object.entries({ ...createCommands(ctx, services), ...fleet.commands() })) {
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));
  }
  try {
    await ctx.startClient();
  } catch (err) {
    // Keep the commands (restart, show output) usable when the server fails to start.
    outputChannel.appendLine(`The leak analyzer did not start: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { servicesTree: services.tree, inlineCosts: () => costs.costs.state(), fleet };
}

export async function deactivate(): Promise<void> {
  await active?.stopClient();
  active = undefined;
}
