import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Go modules on disk: which go.mod a directory belongs to, and where a workspace import path lives.
 * Used only to follow calls into other packages of the same module (functions that close their
 * parameter); nothing here needs a Go tool chain.
 */
export class ModuleResolver {
  private readonly modules = new Map<string, { root: string; path: string } | null>();

  /** The module a directory belongs to, from the nearest go.mod above it. */
  moduleOf(dir: string): { root: string; path: string } | null {
    const cached = this.modules.get(dir);
    if (cached !== undefined) return cached;
    let found: { root: string; path: string } | null = null;
    const goMod = path.join(dir, 'go.mod');
    if (existsSync(goMod)) {
      const m = /^module\s+("?)([^\s"]+)\1/m.exec(readFileSync(goMod, 'utf8'));
      if (m?.[2]) found = { root: dir, path: m[2] };
    } else {
      const parent = path.dirname(dir);
      if (parent !== dir) found = this.moduleOf(parent);
    }
    this.modules.set(dir, found);
    return found;
  }

  /** The directory of `importPath` when it belongs to the module `fromDir` is in. */
  resolveImport = (fromDir: string, importPath: string): string | undefined => {
    const mod = this.moduleOf(fromDir);
    if (!mod) return undefined;
    if (importPath === mod.path) return mod.root;
    if (!importPath.startsWith(`${mod.path}/`)) return undefined;
    const dir = path.join(mod.root, ...importPath.slice(mod.path.length + 1).split('/'));
    return existsSync(dir) ? dir : undefined;
  };
}

/** The .go files of one directory (not its subdirectories), with their contents. */
export function readGoFiles(dir: string): Array<{ file: string; source: string }> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const files: Array<{ file: string; source: string }> = [];
  for (const name of names.sort()) {
    if (!name.endsWith('.go')) continue;
    const file = path.join(dir, name);
    try {
      files.push({ file, source: readFileSync(file, 'utf8') });
    } catch {
      // Unreadable files are skipped here: the lint of that file reports it, not the lookup.
    }
  }
  return files;
}
