import type { RuleId } from './rules';

export type { RuleId };

/** Where a finding or an edit sits: 0-based line, 0-based UTF-16 character (as LSP counts). */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** A quick fix: edits to the same file that remove the leak. */
export interface Fix {
  title: string;
  edits: TextEdit[];
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface Finding {
  rule: RuleId;
  severity: Severity;
  /** One sentence that names what leaks. */
  message: string;
  range: Range;
  fixes: Fix[];
}

export interface LintOptions {
  /** Rules never reported (setting goroscope.lint.disabledRules, or rules left out by --rule). */
  disabledRules?: readonly string[];
  /** Whether `_test.go` files are reported (setting goroscope.lint.tests, CLI --tests); default true. */
  tests?: boolean;
}
