/**
 * `goroscope/findings`: lint findings for files by path, for the Goroutines view's frames. An open
 * document is answered from what the editor shows (its last lint); files that are not open are linted
 * from disk in the lint pool's worker threads (src/lint/lintPool.ts, as `goroscope lint` does), never on
 * the server's message loop.
 */
import { groupByPackage, isGoFile } from '../lint/goFiles';
import { lintPackages } from '../lint/lintPool';
import type { Finding } from '../lint/types';
import type { FindingsResult } from '../protocol/lsp';
import type { LintSettings } from './settings';
import { pathToFileURL } from 'node:url';

export interface FindingsEnv {
  /** The URI of the open document of a file, if it is open. */
  openUri(file: string): string | undefined;
  findingsOfOpen(uri: string): Promise<Finding[]>;
  settings(uri: string): Promise<LintSettings>;
  wasmDir: string;
  workerScript: string;
}

/** Lint threads for one request: the pool is shared with the analysis worker and the editor on small machines. */
const MAX_POOL_WORKERS = 2;

export async function findingsOfFiles(files: readonly string[], env: FindingsEnv): Promise<FindingsResult> {
  const result: FindingsResult = { files: [] };
  const fromDisk: string[] = [];
  for (const file of new Set(files)) {
    if (!isGoFile(file)) {
      result.files.push({ file, findings: [], error: `${file} is not a Go file` });
      continue;
    }
    const uri = env.openUri(file);
    if (uri === undefined) fromDisk.push(file);
    else result.files.push({ file, findings: (await env.findingsOfOpen(uri)).map(plain) });
  }
  if (fromDisk.length > 0) {
    const settings = await env.settings(pathToFileURL(fromDisk[0] as string).href);
    if (settings.enable) {
      const run = await lintPackages(groupByPackage(fromDisk), {
        wasmDir: env.wasmDir,
        workerScript: env.workerScript,
        lint: { disabledRules: settings.disabledRules, tests: settings.tests === 'on' },
        maxWorkers: MAX_POOL_WORKERS,
        inProcessBelow: 0,
      });
      for (const r of run.results) result.files.push({ file: r.file, findings: r.findings.map(plain), ...(r.error !== undefined ? { error: r.error } : {}) });
    } else {
      for (const file of fromDisk) result.files.push({ file, findings: [] });
    }
  }
  return result;
}

function plain(f: Finding): FindingsResult['files'][number]['findings'][number] {
  return { rule: f.rule, severity: f.severity, message: f.message, range: f.range };
}
