import path from 'node:path';
import type { FileLintResult } from '../../lint/lintPool';

/** `path:line:col: severity: message (rule)`, 1-based, one finding per line, like `go vet`. */
export function formatText(results: readonly FileLintResult[], cwd: string): string {
  let out = '';
  for (const { file, findings } of results) {
    const shown = displayPath(file, cwd);
    for (const f of findings) {
      out += `${shown}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity}: ${f.message} (${f.rule})\n`;
    }
  }
  return out;
}

/** Relative to cwd when the file is under it (shorter, clickable in terminals), else absolute. */
export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
