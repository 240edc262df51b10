import { readdirSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';

/** The .go files of one directory: what Go calls a package (its _test package included). */
export interface GoPackage {
  dir: string;
  files: string[];
}

/** A path the user named that cannot be linted: it does not exist, or it is not a Go file. */
export class GoPathError extends Error {
  override readonly name = 'GoPathError';
}

/**
 * Directories the go tool never descends into when expanding `./...`: vendor, testdata, and
 * names starting with `.` or `_`.
 */
export function isSkippedGoDir(name: string): boolean {
  return name === 'vendor' || name === 'testdata' || name.startsWith('.') || name.startsWith('_');
}

export function isGoFile(name: string): boolean {
  return name.endsWith('.go');
}

/** Every .go file under `dir` (absolute, sorted), skipping the directories the go tool skips. */
export function walkGoFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (current: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch (err) {
      // The root was checked by the caller; a subdirectory we may not read is skipped like go does not.
      if (current === dir) throw err;
      return;
    }
    entries.sort((a, b) => compareStrings(a.name, b.name));
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (!isSkippedGoDir(entry.name)) visit(full);
      } else if (isGoFile(entry.name) && (entry.isFile() || isSymlinkToFile(entry, full))) {
        out.push(full);
      }
    }
  };
  visit(path.resolve(dir));
  return out;
}

/**
 * Expands the paths given on a command line: directories are walked, files are taken as named
 * (even inside vendor/ or testdata/). Returns absolute, de-duplicated, sorted paths.
 * Throws GoPathError for a path that does not exist or a named file that is not a .go file.
 */
export function expandGoPaths(paths: readonly string[], cwd = process.cwd()): string[] {
  const files = new Set<string>();
  for (const given of paths) {
    const full = path.resolve(cwd, given);
    let isDir: boolean;
    try {
      isDir = statSync(full).isDirectory();
    } catch {
      throw new GoPathError(`no such file or directory: ${given}`);
    }
    if (isDir) {
      for (const file of walkGoFiles(full)) files.add(file);
    } else if (isGoFile(full)) {
      files.add(full);
    } else {
      throw new GoPathError(`not a Go file: ${given}`);
    }
  }
  return [...files].sort(compareStrings);
}

/** Groups files by directory, in a stable order (directories sorted, files sorted). */
export function groupByPackage(files: readonly string[]): GoPackage[] {
  const byDir = new Map<string, string[]>();
  for (const file of files) {
    const dir = path.dirname(file);
    const list = byDir.get(dir);
    if (list) list.push(file);
    else byDir.set(dir, [file]);
  }
  return [...byDir.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([dir, list]) => ({ dir, files: [...list].sort(compareStrings) }));
}

/** Code-unit order, independent of locale, so output is the same on every machine. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isSymlinkToFile(entry: Dirent, full: string): boolean {
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(full).isFile();
  } catch {
    return false;
  }
}
