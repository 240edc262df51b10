import { expandGoPaths, GoPathError } from '../../lint/goFiles';
import type { Handler } from '../../handlers/model';
import { HandlerScanner } from '../../handlers/scanner';
import { chooseFormat, parseArgs } from '../args';
import { EXIT_OK, EXIT_USAGE, UsageError, type CliIO, type Command } from '../command';
import { displayPath } from '../formats/text';
import { distDir } from '../install';

const FORMATS = ['text', 'json'] as const;

/** One handler in `--format json` output. */
export interface JsonHandler {
  file: string;
  line: number;
  function: string;
  route: string | null;
  method: string | null;
  framework: string;
}

export const handlersCommand: Command = {
  name: 'handlers',
  summary: 'list HTTP handlers with their routes and methods',
  usage: `usage: goroscope handlers [--format text|json] <file|dir>…

Lists the HTTP handlers declared in Go source: functions and methods with the net/http
signature (chi and gorilla/mux use it too), ServeHTTP methods, function literals
registered as handlers, and gin, echo and fiber handlers; with the route and method they
are registered under, found in any file of the packages given. A handler registered twice
is listed twice; one without a registration has no route.

Directories are walked for .go files, skipping vendor/, testdata/ and directories starting
with . or _ (as the go tool does); files named on the command line are always read.

  --format text|json  output format (default: text); json is an array of
                      {file, line, function, route, method, framework}

Exit status: 0 on success, 2 on a usage or input error.
`,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { flags, positionals } = parseArgs(args, [
      { name: 'format', takesValue: true },
      { name: 'help', short: 'h', takesValue: false },
    ]);
    if (flags.has('help')) {
      io.stdout(this.usage);
      return EXIT_OK;
    }
    const format = chooseFormat(flags, FORMATS);
    if (positionals.length === 0) throw new UsageError('handlers needs at least one file or directory (see goroscope handlers --help)');
    let files: string[];
    try {
      files = expandGoPaths(positionals, io.cwd);
    } catch (err) {
      if (err instanceof GoPathError) throw new UsageError(err.message);
      throw err;
    }
    const scanner = await HandlerScanner.create(distDir());
    const { handlers, problems } = scanner.scanFiles(files);
    io.stdout(format === 'json' ? formatHandlersJson(handlers) : formatHandlersText(handlers, io.cwd));
    for (const p of problems) io.stderr(`goroscope: ${p.error}\n`);
    return problems.length > 0 ? EXIT_USAGE : EXIT_OK;
  },
};

export function toJsonHandlers(handlers: readonly Handler[]): JsonHandler[] {
  return handlers.map((h) => ({ file: h.file, line: h.line, function: h.function, route: h.route, method: h.method, framework: h.framework }));
}

export function formatHandlersJson(handlers: readonly Handler[]): string {
  return `${JSON.stringify(toJsonHandlers(handlers), null, 2)}\n`;
}

/** `path:line: function METHOD route (framework)`, one handler per line; `*` for any method, `-` for no route. */
export function formatHandlersText(handlers: readonly Handler[], cwd: string): string {
  return handlers
    .map((h) => `${displayPath(h.file, cwd)}:${h.line}: ${h.function} ${h.method ?? '*'} ${h.route ?? '-'} (${h.framework})\n`)
    .join('');
}

