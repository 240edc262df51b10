/**
 * Go tests and benchmarks as the source declares them, and what one profiled run of `go test` found.
 * Plain data: the language server finds the declarations (discover.ts) and sends them to the editor,
 * which builds the command (command.ts) and reads the run (runGoTest.ts, testOutput.ts).
 */

export type GoTestKind = 'test' | 'benchmark';

/** A test or benchmark function, or a subtest of one whose name the source spells as a literal. */
export interface GoTestDeclaration {
  kind: GoTestKind;
  /**
   * The names from the function down, as written: `['TestParse']`, `['TestParse', 'empty input']`.
   * go test rewrites subtest names when it runs them (runPattern.ts does the same).
   */
  path: string[];
  /** 0-based line of the `func` keyword, or of the `t.Run` call of a subtest. */
  line: number;
  /** 0-based UTF-16 column of the same. */
  character: number;
  /** 0-based line where the function, or the `t.Run` call, ends (for "the test at the cursor"). */
  endLine: number;
}

/** The name go test prints for a declaration: `TestParse/empty_input`. */
export function goTestName(path: readonly string[]): string {
  return path.map((part, i) => (i === 0 ? part : rewriteSubtestName(part))).join('/');
}

/**
 * A subtest name as the testing package rewrites it (testing/match.go): white space becomes `_`,
 * characters that do not print become their Go escape (`\x00`, `\u200b`); an empty name is `#00`.
 */
export function rewriteSubtestName(name: string): string {
  if (name === '') return '#00';
  let out = '';
  for (const ch of name) {
    const code = ch.codePointAt(0) as number;
    if (isGoSpace(code)) out += '_';
    else if (!isGoPrint(ch)) out += quoteRune(code);
    else out += ch;
  }
  return out;
}

/** testing.isSpace: not the same set as Unicode's Z class. */
function isGoSpace(r: number): boolean {
  if (r < 0x2000) return r === 0x09 || r === 0x0a || r === 0x0b || r === 0x0c || r === 0x0d || r === 0x20 || r === 0x85 || r === 0xa0 || r === 0x1680;
  return r <= 0x200a || r === 0x2028 || r === 0x2029 || r === 0x202f || r === 0x205f || r === 0x3000;
}

/** strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isGoPrint(ch: string): boolean {
  return ch === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);
}

/** strconv.QuoteRune without its quotes, for the runes rewriteSubtestName escapes. */
function quoteRune(r: number): string {
  const named: Record<number, string> = { 0x07: '\\a', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x0b: '\\v' };
  const simple = named[r];
  if (simple) return simple;
  if (r < 0x20 || r === 0x7f) return `\\x${r.toString(16).padStart(2, '0')}`;
  if (r < 0x10000) return `\\u${r.toString(16).padStart(4, '0')}`;
  return `\\U${r.toString(16).padStart(8, '0')}`;
}

/** The innermost declaration whose lines hold `line` (0-based): the subtest the cursor is in, else its test. */
export function testAtLine(tests: readonly GoTestDeclaration[], line: number): GoTestDeclaration | undefined {
  let best: GoTestDeclaration | undefined;
  for (const t of tests) {
    if (t.line <= line && line <= t.endLine && (!best || t.path.length > best.path.length)) best = t;
  }
  return best;
}
