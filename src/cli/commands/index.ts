import type { Command } from '../command';
import { goroutinesCommand } from './goroutines';
import { lintCommand } from './lint';

/** Every `goroscope <command>`, in the order `--help` lists them. Later: profile, goroutines, watch, handlers, report. */
export const COMMANDS: readonly Command[] = [lintCommand, goroutinesCommand];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}
