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

export const RULE_IDS = ['defer-in-loop', 'select-without-ctx-done', 'http-body-not-closed'] as const;
export type RuleId = (typeof RULE_IDS)[number];

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
}

/** Where each rule's documentation lives, relative to the repository / extension root. */
export function ruleDocPath(rule: RuleId): string {
  return `docs/rules/${rule}.md`;
}

export const RULE_DOCS_BASE_URL = 'https://github.com/goroscope/goroscope/blob/main/docs/rules/';

export function ruleDocUrl(rule: RuleId): string {
  return `${RULE_DOCS_BASE_URL}${rule}.md`;
}

export function isRuleId(value: string): value is RuleId {
  return (RULE_IDS as readonly string[]).includes(value);
}
