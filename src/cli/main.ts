// Entry of dist/cli.js, the `goroscope` command.
import { loadCommand, loadCommands } from './commands';
import type { Command } from './command';
import { EXIT_OK, EXIT_USAGE, UsageError, type CliIO } from './command';
import { cliVersion } from './install';

const usage = (commands: readonly Command[]): string => `usage: goroscope <command> [arguments]

Go memory and goroutine diagnostics.

Commands:
${commands.map((c) => `  ${c.name.padEnd(12)}${c.summary}`).join('\n')}

Run "goroscope <command> --help" for a command's flags. "goroscope --version" prints the version.
`;

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined) throw new UsageError('no command given (see goroscope --help)');
    if (first === '--help' || first === '-h' || first === 'help') {
      const topic = first === 'help' && rest[0] !== undefined ? await loadCommand(rest[0]) : undefined;
      if (first === 'help' && rest[0] !== undefined && !topic) throw new UsageError(`unknown command "${rest[0]}"`);
      io.stdout(topic ? topic.usage : usage(await loadCommands()));
      return EXIT_OK;
    }
    if (first === '--version' || first === '-v' || first === 'version') {
      io.stdout(`goroscope ${cliVersion()}\n`);
      return EXIT_OK;
    }
    if (first.startsWith('-')) throw new UsageError(`unknown flag ${first} (see goroscope --help)`);
    const command = await loadCommand(first);
    if (!command) throw new UsageError(`unknown command "${first}" (see goroscope --help)`);
    return await command.run(rest, io);
  } catch (err) {
    // One line, no stack: a usage error is the user's to fix; anything else is ours, still one line.
    const message = err instanceof UsageError ? err.message : `internal error: ${err instanceof Error ? err.message : String(err)}`;
    io.stderr(`goroscope: ${message.split('\n')[0]}\n`);
    return EXIT_USAGE;
  }
}

if (require.main === module) {
  // `goroscope lint … | head` closes the pipe early: stop quietly instead of throwing EPIPE.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  void main(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then((code) => {
    process.exitCode = code;
  });
}
