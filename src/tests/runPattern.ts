import { rewriteSubtestName, type GoTestDeclaration } from './model';

/**
 * The `-run` / `-bench` pattern that selects exactly one test, benchmark or subtest: one anchored,
 * quoted element per level, as go test splits its pattern on `/` (`^TestParse$/^empty_input$`). A
 * subtest name is rewritten the way the testing package names it, and a `/` inside it starts a level.
 */
export function runPattern(path: readonly string[]): string {
  const [first, ...subtests] = path;
  if (first === undefined) throw new Error('a test path names at least its function');
  const levels = [first, ...subtests.flatMap((name) => rewriteSubtestName(name).split('/'))];
  return levels.map((level) => `^${quoteMeta(level)}$`).join('/');
}

/** regexp.QuoteMeta: every character Go's regexp syntax gives a meaning to, escaped. */
export function quoteMeta(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** The go test flags that select a declaration: tests by -run; benchmarks by -bench, with no test run. */
export function selectionFlags(test: Pick<GoTestDeclaration, 'kind' | 'path'>): string[] {
  const pattern = runPattern(test.path);
  return test.kind === 'benchmark' ? ['-run', '^$', '-bench', pattern, '-benchmem'] : ['-run', pattern];
}
