import {
  CodeActionKind,
  DiagnosticSeverity,
  TextDocumentEdit,
  type CodeAction,
  type Diagnostic,
  type OptionalVersionedTextDocumentIdentifier,
} from 'vscode-languageserver/node';
import { isRuleId, ruleDocUrl } from '../lint/rules';
import type { Finding, Range, Severity } from '../lint/types';

export const DIAGNOSTIC_SOURCE = 'goroscope';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(finding: Finding): Diagnostic {
  return {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.rule,
    codeDescription: { href: ruleDocUrl(finding.rule) },
    message: finding.message,
  };
}

/**
 * Quick fixes for the goroscope diagnostics the client asks about: each matching finding's fixes,
 * as edits to the linted version of the document; the first fix of each finding is preferred.
 */
export function codeActionsFor(
  diagnostics: readonly Diagnostic[],
  findings: readonly Finding[],
  document: OptionalVersionedTextDocumentIdentifier,
): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE || typeof diagnostic.code !== 'string' || !isRuleId(diagnostic.code)) continue;
    const finding = findings.find((f) => f.rule === diagnostic.code && sameRange(f.range, diagnostic.range));
    finding?.fixes.forEach((fix, i) => {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: i === 0,
        edit: { documentChanges: [TextDocumentEdit.create(document, fix.edits)] },
      });
    });
  }
  return actions;
}

function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}
