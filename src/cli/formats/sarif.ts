import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FileLintResult } from '../../lint/lintPool';
import { RULE_IDS, ruleDocUrl, type RuleId, type Severity } from '../../lint/types';

/** One sentence per rule for code-scanning UIs; the full story is behind helpUri. */
const RULE_SUMMARIES: Record<RuleId, string> = {
  'defer-in-loop': 'A defer inside a loop runs only when the function returns, so resources pile up per iteration.',
  'select-without-ctx-done': 'A blocking select ignores the reachable context, so it can wait forever after cancellation.',
  'http-body-not-closed': 'An HTTP response body that is not closed keeps its connection and goroutines alive.',
};

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
            rules: RULE_IDS.map((id) => ({
              id,
              name: id,
              shortDescription: { text: RULE_SUMMARIES[id] },
              helpUri: ruleDocUrl(id),
              defaultConfiguration: { level: 'warning' },
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
