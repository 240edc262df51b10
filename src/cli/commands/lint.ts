import path from 'node:path';
import { expandGoPaths, GoPathError, groupByPackage } from '../../lint/goFiles';
import { lintPackages, type FileLintResult } from '../../lint/lintPool';
import { isRuleId, RULE_IDS, type RuleId } from '../../lint/rules';
import { chooseFormat, lastValue, oneOf, parseArgs } from '../args';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, type CliIO, type Command } from '../command';
import { formatJson } from '../formats/json';
import { formatSarif } from '../formats/sarif';
import { formatText } from '../formats/text';
import { cliVersion, distDir } from '../install';

const FORMATS = ['text', 'json', 'sarif'] as const;

/** Overrides the number of worker threads (0 = lint in the main thread); for benchmarks and tests. */
const WORKERS_ENV = 'GOROSCOPE_LINT_WORKERS';

export const lintCommand: Command = {
  name: 'lint',
  summary: 'report Go leak patterns in files and directories',
  usage: `usage: goroscope lint [--format text|json|sarif] [--rule id,…] [--tests=false] <file|dir>…

Reports leak patterns in Go source. Directories are walked for .go files, skipping
vendor/, testdata/ and directories starting with . or _ (as the go tool does);
files named on the command line are always linted.

  --format text|json|sarif  output format (default: text)
  --rule id,…               report only these rules: ${RULE_IDS.join(', ')}
  --tests=false             leave out findings in _test.go files (default: true)

Exit status: 0 when nothing at warning or above was found, 1 when something was,
2 on a usage or input error.
`,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { flags, positionals } = parseArgs(args, [
      { name: 'format', takesValue: true },
      { name: 'rule', takesValue: true },
      { name: 'tests', takesValue: true },
      { name: 'help', short: 'h', takesValue: false },
    ]);
    if (flags.has('help')) {
      io.stdout(this.usage);
      return EXIT_OK;
    }
    const format = chooseFormat(flags, FORMATS);
    const disabledRules = parseRuleSelection(flags.get('rule'));
    const tests = oneOf(lastValue(flags, 'tests') ?? 'true', ['true', 'false'] as const, 'tests') === 'true';
    if (positionals.length === 0) throw new UsageError('lint needs at least one file or directory (see goroscope lint --help)');
    const maxWorkers = parseWorkerOverride(io.env[WORKERS_ENV]);

    let files: string[];
    try {
      files = expandGoPaths(positionals, io.cwd);
    } catch (err) {
      if (err instanceof GoPathError) throw new UsageError(err.message);
      throw err;
    }
    const dist = distDir();
    const { results } = await lintPackages(groupByPackage(files), {
      wasmDir: dist,
      workerScript: path.join(dist, 'lintWorker.js'),
      lint: { disabledRules, tests },
      ...(maxWorkers === undefined ? {} : { maxWorkers }),
    });

    if (format === 'json') io.stdout(formatJson(results));
    else if (format === 'sarif') io.stdout(formatSarif(results, io.cwd, cliVersion()));
    else io.stdout(formatText(results, io.cwd));

    const failures = groupFailures(results);
    for (const line of failures) io.stderr(`goroscope: ${line}\n`);
    if (failures.length > 0) return EXIT_USAGE;
    const serious = results.some((r) => r.findings.some((f) => f.severity === 'error' || f.severity === 'warning'));
    return serious ? EXIT_FINDINGS : EXIT_OK;
  },
};

/** One line per distinct problem: a crashed worker must not print one line per file it held. */
function groupFailures(results: readonly FileLintResult[]): string[] {
  const byError = new Map<string, string[]>();
  for (const { file, error } of results) {
    if (error === undefined) continue;
    const files = byError.get(error);
    if (files) files.push(file);
    else byError.set(error, [file]);
  }
  return [...byError].map(([error, files]) =>
    files.length === 1 || error.includes(files[0] as string) ? error : `${error} (${files.length} files not linted, first ${files[0]})`,
  );
}


/** `--rule a,b --rule c` selects rules; everything else becomes disabled. No flag: all rules. */
function parseRuleSelection(values: string[] | undefined): RuleId[] {
  if (!values) return [];
  const selected = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  if (selected.length === 0) throw new UsageError('--rule needs at least one rule id');
  for (const id of selected) {
    if (!isRuleId(id)) throw new UsageError(`unknown rule "${id}" (known rules: ${RULE_IDS.join(', ')})`);
  }
  return RULE_IDS.filter((id) => !selected.includes(id));
}

function parseWorkerOverride(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${WORKERS_ENV} must be a whole number, not "${value}"`);
  return Number(value);
}
