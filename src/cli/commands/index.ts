import type { Command } from '../command';
import { goroutinesCommand } from './goroutines';
import { lintCommand } from './lint';
import { watchCommand } from './watch';
import { profileCommand } from './profile';

/** Every `goroscope <command>`, in the order `--help` lists them. Later: profile, goroutines, watch, handlers, report. */
export const COMMANDS: readonly Command[] = [lintCommand, profileCommand, goroutinesCommand, watchCommand];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}
