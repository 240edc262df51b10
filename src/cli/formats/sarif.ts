import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FileLintResult } from '../../lint/lintPool';
import { RULE_IDS, RULES, ruleDocUrl } from '../../lint/rules';
import type { Severity } from '../../lint/types';

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

/** SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. */
export function formatSarif(results: readonly FileLintResult[], cwd: string, version: string): string {
  const sarifResults = results.flatMap(({ file, findings }) =>
    findings.map((f) => ({
      ruleId: f.rule,
      ruleIndex: RULE_IDS.indexOf(f.rule),
      level: SARIF_LEVEL[f.severity],
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: artifactLocation(file, cwd),
            region: {
              startLine: f.range.start.line + 1,
              startColumn: f.range.start.character + 1,
              endLine: f.range.end.line + 1,
              endColumn: f.range.end.character + 1,
            },
          },
        },
      ],
    })),
  );
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'goroscope',
            version,
            informationUri: 'https://github.com/goroscope/goroscope',
            // The rule's one-sentence summary for code-scanning UIs; the full story is behind helpUri.
            rules: RULES.map((rule) => ({
              id: rule.id,
              name: rule.id,
              shortDescription: { text: rule.summary },
              helpUri: ruleDocUrl(rule.id),
              defaultConfiguration: { level: SARIF_LEVEL[rule.severity] },
            })),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: directoryUri(cwd) } },
        columnKind: 'utf16CodeUnits',
        results: sarifResults,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** A URI relative to cwd (uriBaseId SRCROOT) when the file is under it, else an absolute file URI. */
function artifactLocation(file: string, cwd: string): { uri: string; uriBaseId?: string } {
  const rel = path.relative(cwd, file);
  if (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)) {
    return { uri: rel.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: 'SRCROOT' };
  }
  return { uri: pathToFileURL(file).href };
}

function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}
