import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** A module path and the directory that holds it. */
interface ModuleRoot {
  path: string;
  dir: string;
}

interface Module extends ModuleRoot {
  /** `replace` directives of its go.mod that point into the file system (`=> ../client/v3`). */
  replaces: ModuleRoot[];
}

/**
 * Go modules on disk: which go.mod a directory belongs to, and where a workspace import path lives —
 * in the module itself, in a module its go.mod replaces with a local directory, or in a module of the
 * go.work above it. Used to follow calls into other packages of the workspace (functions that close
 * their parameter, functions that return a response); nothing here needs a Go tool chain.
 */
export class ModuleResolver {
  private readonly modules = new Map<string, Module | null>();
  private readonly workspaces = new Map<string, ModuleRoot[]>();
  /** Package directories found on disk. */
  private readonly existing = new Set<string>();

  /** The module a directory belongs to, from the nearest go.mod above it. */
  moduleOf(dir: string): { root: string; path: string } | null {
    const mod = this.module(dir);
    return mod ? { root: mod.dir, path: mod.path } : null;
  }

  private module(dir: string): Module | null {
    const cached = this.modules.get(dir);
    if (cached !== undefined) return cached;
    let found: Module | null = null;
    const goMod = readText(path.join(dir, 'go.mod'));
    if (goMod !== undefined) {
      const m = /^module\s+("?)([^\s"]+)\1/m.exec(goMod);
      if (m?.[2]) found = { path: m[2], dir, replaces: localReplaces(goMod, dir) };
    } else {
      const parent = path.dirname(dir);
      if (parent !== dir) found = this.module(parent);
    }
    this.modules.set(dir, found);
    return found;
  }

  /** The modules a go.work at or above `dir` uses. */
  private workspaceOf(dir: string): ModuleRoot[] {
    const cached = this.workspaces.get(dir);
    if (cached !== undefined) return cached;
    let found: ModuleRoot[] = [];
    const goWork = readText(path.join(dir, 'go.work'));
    if (goWork !== undefined) {
      for (const used of workUses(goWork)) {
        const usedDir = path.resolve(dir, used);
        const mod = this.module(usedDir);
        if (mod && mod.dir === usedDir) found.push({ path: mod.path, dir: usedDir });
      }
    } else {
      const parent = path.dirname(dir);
      if (parent !== dir) found = this.workspaceOf(parent);
    }
    this.workspaces.set(dir, found);
    return found;
  }

  /** The directory of `importPath` when it belongs to the workspace `fromDir` is in. */
  resolveImport = (fromDir: string, importPath: string): string | undefined => {
    const mod = this.module(fromDir);
    if (!mod) return undefined;
    const roots: ModuleRoot[] = [mod, ...mod.replaces, ...this.workspaceOf(fromDir)];
    // The longest module path that prefixes the import wins, as the go command picks it.
    let best: ModuleRoot | undefined;
    for (const root of roots) {
      if (importPath !== root.path && !importPath.startsWith(`${root.path}/`)) continue;
      if (!best || root.path.length > best.path.length) best = root;
    }
    if (!best) return undefined;
    const rest = importPath.slice(best.path.length + 1);
    const dir = rest === '' ? best.dir : path.join(best.dir, ...rest.split('/'));
    if (this.existing.has(dir)) return dir;
    // Only directories found are remembered: a package created later is found then.
    if (!existsSync(dir)) return undefined;
    this.existing.add(dir);
    return dir;
  };
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Text of go.mod/go.work without comments. */
function withoutComments(text: string): string {
  return text.replace(/\/\/[^\n]*/g, '');
}

/** `replace a/b [v1] => ../b` (one line or in a block) whose target is a directory. */
function localReplaces(goMod: string, dir: string): ModuleRoot[] {
  const replaces: ModuleRoot[] = [];
  const text = withoutComments(goMod);
  const lines: string[] = [];
  for (const block of text.matchAll(/^replace\s*\(([\s\S]*?)^\)/gm)) lines.push(...(block[1] ?? '').split('\n'));
  for (const single of text.matchAll(/^replace\s+([^(\n][^\n]*)$/gm)) lines.push(single[1] ?? '');
  for (const line of lines) {
    const m = /^\s*("?)([^\s"]+)\1(?:\s+\S+)?\s*=>\s*("?)([^\s"]+)\3\s*$/.exec(line);
    const target = m?.[4];
    if (!m?.[2] || !target || !/^\.{1,2}(\/|$)|^\//.test(target)) continue;
    replaces.push({ path: m[2], dir: path.resolve(dir, target) });
  }
  return replaces;
}

/** `use ./a` and `use ( ./a ./b )` of a go.work. */
function workUses(goWork: string): string[] {
  const text = withoutComments(goWork);
  const uses: string[] = [];
  for (const block of text.matchAll(/^use\s*\(([\s\S]*?)^\)/gm)) {
    uses.push(...(block[1] ?? '').split('\n').map((l) => l.trim().replace(/^"|"$/g, '')).filter(Boolean));
  }
  for (const single of text.matchAll(/^use\s+([^(\s][^\n]*)$/gm)) uses.push((single[1] ?? '').trim().replace(/^"|"$/g, ''));
  return uses;
}

/** The .go files of one directory (not its subdirectories, not its _test.go files), with their contents. */
export function readGoFiles(dir: string): Array<{ file: string; source: string }> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const files: Array<{ file: string; source: string }> = [];
  for (const name of names.sort()) {
    // Importers never see a package's tests: reading them would only cost parse time.
    if (!name.endsWith('.go') || name.endsWith('_test.go')) continue;
    const file = path.join(dir, name);
    try {
      files.push({ file, source: readFileSync(file, 'utf8') });
    } catch {
      // Unreadable files are skipped here: the lint of that file reports it, not the lookup.
    }
  }
  return files;
}
