/**
 * The static findings on a Goroutines view's frames, from the language server (`goroscope/findings`): an
 * open file as the editor shows it, the others as they are on disk, linted in the server's workers. Only
 * files inside the workspace's modules are asked about: the standard library is not ours.
 */
import * as path from 'node:path';
import type { LocatedFinding } from '../../goroutines/view';
import type { WorkspaceModule } from '../../pprof/pathMapping';
import { findingsRequest, MAX_FINDINGS_FILES } from '../../protocol/lsp';
import type { GroupView } from '../../protocol/goroutinesView';
import type { ServerRequests } from '../../protocol/serverRequests';

/** Linting the files of a large dump from disk can take a while on a slow machine. */
const FINDINGS_TIMEOUT_MS = 120_000;

export async function collectFindings(
  groups: readonly GroupView[],
  localPathOf: (frame: { function: string; file: string }) => string | undefined,
  modules: readonly WorkspaceModule[],
  server: ServerRequests,
): Promise<LocatedFinding[]> {
  const files = new Set<string>();
  for (const g of groups) {
    // The created-by line too: the `go` statement where goroutine-stuck-on-channel reports.
    for (const f of g.createdBy ? [...g.frames, g.createdBy] : g.frames) {
      const local = localPathOf(f);
      if (local && local.endsWith('.go') && modules.some((m) => isWithin(local, m.dir))) files.add(local);
    }
  }
  if (files.size === 0) return [];
  // More would only be the frames of a pathological dump.
  const asked = [...files].slice(0, MAX_FINDINGS_FILES);
  const result = await server.request(findingsRequest, { files: asked }, FINDINGS_TIMEOUT_MS);
  return result.files.flatMap(({ file, findings }) =>
    findings.map((f) => ({
      file,
      line: f.range.start.line + 1,
      endLine: f.range.end.line + 1,
      rule: f.rule,
      severity: f.severity === 'information' ? 'info' : f.severity,
      message: f.message,
    })),
  );
}

function isWithin(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
