/**
 * The static findings on a Goroutines view's frames: the language server's diagnostics for files open
 * in an editor, `goroscope lint --format json` (a child process, off the extension host's thread) for
 * the others. Only files inside the workspace's modules are linted: the standard library is not ours.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WorkspaceModule } from '../../pprof/pathMapping';
import type { GroupView } from '../../protocol/goroutinesView';
import type { LocatedFinding } from '../../goroutines/view';

const DIAGNOSTIC_SOURCE = 'goroscope';
/** Files handed to one lint run; more would only be frames of a pathological dump. */
const MAX_FILES = 200;

export async function collectFindings(
  groups: readonly GroupView[],
  localPathOf: (frame: { function: string; file: string }) => string | undefined,
  modules: readonly WorkspaceModule[],
  extensionUri: vscode.Uri,
): Promise<LocatedFinding[]> {
  const files = new Set<string>();
  for (const g of groups) {
    for (const f of g.frames) {
      const local = localPathOf(f);
      if (local && local.endsWith('.go') && modules.some((m) => isWithin(local, m.dir))) files.add(local);
    }
  }
  const open = new Set(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file').map((d) => d.uri.fsPath));
  const findings: LocatedFinding[] = [];
  const toLint: string[] = [];
  for (const file of files) {
    if (!open.has(file)) {
      toLint.push(file);
      continue;
    }
    for (const d of vscode.languages.getDiagnostics(vscode.Uri.file(file))) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      findings.push({
        file,
        line: d.range.start.line + 1,
        endLine: d.range.end.line + 1,
        rule: typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? ''),
        severity: severityName(d.severity),
        message: d.message,
      });
    }
  }
  if (toLint.length > 0) findings.push(...(await lintFiles(toLint.slice(0, MAX_FILES), extensionUri)));
  return findings;
}

/** Runs dist/cli.js lint on files; findings in its JSON output (exit 1 means "found some", not failure). */
function lintFiles(files: string[], extensionUri: vscode.Uri): Promise<LocatedFinding[]> {
  const cli = vscode.Uri.joinPath(extensionUri, 'dist', 'cli.js').fsPath;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [cli, 'lint', '--format', 'json', ...files],
      { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 32 * 1024 * 1024, timeout: 60_000 },
      (err, stdout, stderr) => {
        try {
          const parsed: unknown = JSON.parse(stdout);
          if (!Array.isArray(parsed)) throw new Error('not a list');
          resolve(parsed.filter(isLocatedFinding));
        } catch {
          reject(new Error(`goroscope lint failed: ${(stderr || (err?.message ?? 'no output')).trim().split('\n')[0]}`));
        }
      },
    );
  });
}

function isLocatedFinding(x: unknown): x is LocatedFinding {
  if (typeof x !== 'object' || x === null) return false;
  const f = x as Record<string, unknown>;
  return typeof f.file === 'string' && typeof f.line === 'number' && typeof f.endLine === 'number' && typeof f.rule === 'string' && typeof f.message === 'string' && typeof f.severity === 'string';
}

function severityName(severity: vscode.DiagnosticSeverity): string {
  switch (severity) {
    case vscode.DiagnosticSeverity.Error:
      return 'error';
    case vscode.DiagnosticSeverity.Warning:
      return 'warning';
    case vscode.DiagnosticSeverity.Information:
      return 'info';
    default:
      return 'hint';
  }
}

function isWithin(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
