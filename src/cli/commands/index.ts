import type { Command } from '../command';

/**
 * Every `goroscope <command>`, in the order `--help` lists them. A command's module is loaded when the command
 * runs: the modules bring the lint engine, tree-sitter, HTTP, the pprof decoder, and `goroscope goroutines
 * dump.txt` starts faster without the others' (the bundle keeps each module's top level in a function that
 * runs on its first import).
 */
const COMMANDS: ReadonlyArray<readonly [name: string, load: () => Promise<Command>]> = [
  ['lint', async () => (await import('./lint')).lintCommand],
  ['profile', async () => (await import('./profile')).profileCommand],
  ['goroutines', async () => (await import('./goroutines')).goroutinesCommand],
  ['watch', async () => (await import('./watch')).watchCommand],
  ['handlers', async () => (await import('./handlers')).handlersCommand],
  ['report', async () => (await import('./report')).reportCommand],
  ['fleet', async () => (await import('./fleet')).fleetCommand],
];

/** The command called `name`, loaded; undefined when there is none. */
export async function loadCommand(name: string): Promise<Command | undefined> {
  return COMMANDS.find(([n]) => n === name)?.[1]();
}

/** Every command, loaded (for `goroscope --help`). */
export function loadCommands(): Promise<Command[]> {
  return Promise.all(COMMANDS.map(([, load]) => load()));
}
