import type { ExtensionContext } from './ctx';
import { goroutinesCommands } from './goroutines';
import type { ServicesFeature } from './services/feature';

type CommandHandler = (...args: unknown[]) => unknown;

/** Every command the extension contributes (package.json `contributes.commands`), by id. */
export function createCommands(ctx: ExtensionContext, services: ServicesFeature): Record<string, CommandHandler> {
  return {
    'goroscope.lint.restartServer': async () => {
      ctx.outputChannel.appendLine('Restarting the leak analyzer…');
      await ctx.restartClient();
    },
    'goroscope.lint.showOutput': () => ctx.outputChannel.show(true),
    ...services.commands(),
    ...goroutinesCommands(ctx.vscodeContext, services, ctx.outputChannel, ctx.server),
  };
}
