/** What a command writes to; tests and the real process differ only here. */
export interface CliIO {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

/** A `goroscope <name>` subcommand. Resolves to the process exit code. */
export interface Command {
  name: string;
  /** One line for `goroscope --help`. */
  summary: string;
  /** Full help for `goroscope <name> --help`. */
  usage: string;
  run(args: readonly string[], io: CliIO): Promise<number>;
}

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/**
 * A mistake in how goroscope was called, or input it cannot use (unknown flag, missing path).
 * main prints the message as one `goroscope: …` line and exits with EXIT_USAGE.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  /**
   * Each command is bundled apart from dist/cli.js (scripts/cliCommands.mjs), each bundle with its own copy
   * of this class: a UsageError is known by its name wherever it was made.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof Error && value.name === 'UsageError';
  }
}
