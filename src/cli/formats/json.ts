import type { FileLintResult } from '../../lint/lintPool';
import type { RuleId, Severity } from '../../lint/types';

/** One finding in `--format json` output. Lines and columns are 1-based (columns in UTF-16 units). */
export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: RuleId;
  severity: Severity;
  message: string;
}

export function toJsonFindings(results: readonly FileLintResult[]): JsonFinding[] {
  return results.flatMap(({ file, findings }) =>
    findings.map((f) => ({
      file,
      line: f.range.start.line + 1,
      column: f.range.start.character + 1,
      endLine: f.range.end.line + 1,
      endColumn: f.range.end.character + 1,
      rule: f.rule,
      severity: f.severity,
      message: f.message,
    })),
  );
}

export function formatJson(results: readonly FileLintResult[]): string {
  return `${JSON.stringify(toJsonFindings(results), null, 2)}\n`;
}
