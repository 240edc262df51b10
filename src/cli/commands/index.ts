import type { Command } from '../command';
import { goroutinesCommand } from './goroutines';
import { handlersCommand } from './handlers';
import { lintCommand } from './lint';
import { watchCommand } from './watch';
import { profileCommand } from './profile';
import { reportCommand } from './report';
import { fleetCommand } from './fleet';

/** Every `goroscope <command>`, in the order `--help` lists them. Later: profile, goroutines, watch, handlers, report. */
export const COMMANDS: readonly Command[] = [lintCommand, profileCommand, goroutinesCommand, watchCommand, handlersCommand, reportCommand, fleetCommand];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}
