import type { SyntaxNode } from '../go/parser';
import type { PackageIndex } from '../go/packageIndex';
import { TypeResolver, fileImports } from '../go/types';
import { RULES } from './rules';
import type { RuleContext } from './rules/rule';
import { Suppressions } from './suppression';
import type { Finding, LintOptions } from './types';

export interface LintInput {
  file: string;
  source: string;
  root: SyntaxNode;
  index: PackageIndex;
}

/**
 * Whether some enabled rule may report in this file (Rule.mayReport): a file no rule may report in gives no
 * findings, so it is not parsed to be linted (its package may still need its summary).
 */
export function mayReport(file: string, source: string, index: PackageIndex, options: LintOptions = {}): boolean {
  if (options.tests === false && file.endsWith('_test.go')) return false;
  const disabled = options.disabledRules ?? [];
  return RULES.some((rule) => {
    if (disabled.includes(rule.id)) return false;
    try {
      return rule.mayReport?.(source, file, index) ?? true;
    } catch {
      return true; // the rule's check meets the same problem and reports it as the rule's error
    }
  });
}

/**
 * Runs every enabled rule over one parsed file. A rule that throws on odd input loses only its own
 * findings for this file; the others still report. Findings come back sorted by position.
 */
export function lintTree(input: LintInput, options: LintOptions = {}, onRuleError?: (rule: string, error: unknown) => void): Finding[] {
  // Test files are still indexed (their helpers count), only their findings are left out.
  if (options.tests === false && input.file.endsWith('_test.go')) return [];
  const disabled = new Set(options.disabledRules ?? []);
  const ctx: RuleContext = {
    ...input,
    resolver: new TypeResolver(
      input.index.summaryOf(input.file)?.imports ?? fileImports(input.root),
      input.index.scopeFor(input.file),
    ),
  };
  let suppressions: Suppressions | undefined;
  const findings: Finding[] = [];
  for (const rule of RULES) {
    if (disabled.has(rule.id)) continue;
    try {
      for (const f of rule.check(ctx)) {
        suppressions ??= new Suppressions(input.source);
        if (!suppressions.isSuppressed(rule.id, f.range.start.line, rule.nolintAliases)) findings.push({ rule: rule.id, severity: rule.severity, ...f });
      }
    } catch (error) {
      onRuleError?.(rule.id, error);
    }
  }
  return findings.sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.rule.localeCompare(b.rule),
  );
}
