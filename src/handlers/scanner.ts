import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compareStrings, groupByPackage, walkGoFiles } from '../lint/goFiles';
import { ModuleResolver } from '../go/modules';
import { loadGoParser, type GoParser, type SyntaxTree } from '../go/parser';
import { linkHandlers, packageImportPath, summarizePackageHandlers, type ParsedGoFile } from './discover';
import type { Handler, PackageHandlers } from './model';

/** A file that could not be read; its package is scanned without it. */
export interface ScanProblem {
  file: string;
  error: string;
}

/** Editors pass the unsaved text of open files; everything else is read from disk. */
export type SourceOverrides = ReadonlyMap<string, string>;

/** What an editor gets for one file: its handlers now, and whether other packages are still being read. */
export interface FileHandlers {
  handlers: Handler[];
  /** Packages that may register this file's handlers and are not read yet (see runPending). */
  pending: number;
}

/** Parsed trees of the packages an editor works in, kept so an edit re-parses one file, not the package. */
const HOT_PACKAGES = 2;

/**
 * Handler discovery over files on disk. The CLI scans a set of files at once (scanFiles); an editor asks
 * for one file at a time (handlersOf) and gets its package's handlers at once, while the packages of the
 * module that import it — the only ones that can register its handlers elsewhere — are read in the
 * background, a few at a time (runPending). Package summaries hold no syntax tree and are cached until
 * `invalidate`.
 */
export class HandlerScanner {
  private readonly modules = new ModuleResolver();
  private readonly summaries = new Map<string, PackageHandlers[]>();
  private readonly problems = new Map<string, ScanProblem[]>();
  private readonly hot = new Map<string, Map<string, { source: string; tree: SyntaxTree }>>();
  private readonly moduleFiles = new Map<string, string[]>();
  private readonly importers = new Map<string, string[]>();
  private readonly pending: Array<() => void> = [];

  private constructor(private readonly parser: GoParser) {}

  /** `wasmDir` holds tree-sitter.wasm and tree-sitter-go.wasm (dist/). */
  static async create(wasmDir: string): Promise<HandlerScanner> {
    return new HandlerScanner(await loadGoParser(wasmDir));
  }

  /** Handlers of the given files (absolute), routes found in any of them. Sorted by file and line. */
  scanFiles(files: readonly string[]): { handlers: Handler[]; problems: ScanProblem[] } {
    const groups = groupByPackage(files);
    const packages = groups.flatMap((pkg) => this.summarizeDir(pkg.dir, pkg.files));
    const wanted = new Set(files);
    const problems = groups.flatMap((pkg) => this.problems.get(pkg.dir) ?? []);
    return { handlers: linkHandlers(packages).filter((h) => wanted.has(h.file)), problems };
  }

  /**
   * Handlers declared in `file` (with its unsaved text, if any), with routes from every file of its
   * package and from the packages of its module that import it, as far as those are read already.
   */
  handlersOf(file: string, overrides: SourceOverrides = new Map()): FileHandlers {
    const dir = path.dirname(file);
    const root = this.modules.moduleOf(dir)?.root;
    const dirFiles = this.filesOf(root ?? dir).filter((f) => path.dirname(f) === dir);
    if (!dirFiles.includes(file)) dirFiles.push(file);
    const own = this.summarizeHot(dir, dirFiles, overrides);
    const others: PackageHandlers[] = [];
    let pending = 0;
    for (const pkg of own) {
      if (root === undefined || pkg.importPath === undefined || pkg.importPath === 'main') continue;
      const importers = this.importers.get(pkg.importPath);
      if (!importers) {
        pending++;
        this.schedule(root, pkg.importPath);
        continue;
      }
      for (const d of importers) {
        if (d === dir) continue;
        const cached = this.summaries.get(cacheKey(d, this.filesIn(root, d)));
        if (cached) others.push(...cached);
        else pending++;
      }
    }
    return { handlers: linkHandlers([...own, ...others]).filter((h) => h.file === file), pending };
  }

  /** Reads pending packages until `budgetMs` has passed. Returns whether work remains. */
  runPending(budgetMs: number): boolean {
    const start = performance.now();
    while (this.pending.length > 0 && performance.now() - start < budgetMs) this.pending.shift()?.();
    return this.pending.length > 0;
  }

  /** Forgets what was read for these files (changed, created or deleted on disk). */
  invalidate(files: readonly string[]): void {
    const dirs = new Set(files.map((f) => path.dirname(f)));
    for (const key of [...this.summaries.keys()]) if (dirs.has(key.slice(0, key.indexOf('\0')))) this.summaries.delete(key);
    for (const dir of dirs) this.problems.delete(dir);
    // Imports may have changed and files come and go: list and match them again when next asked.
    this.moduleFiles.clear();
    this.importers.clear();
  }

  dispose(): void {
    for (const trees of this.hot.values()) for (const { tree } of trees.values()) tree.delete();
    this.hot.clear();
  }

  private filesOf(root: string): string[] {
    let files = this.moduleFiles.get(root);
    if (!files) {
      try {
        files = walkGoFiles(root);
      } catch {
        files = [];
      }
      this.moduleFiles.set(root, files);
    }
    return files;
  }

  private filesIn(root: string, dir: string): string[] {
    return this.filesOf(root).filter((f) => path.dirname(f) === dir);
  }

  /** Queues: find the module's packages that import `importPath`, then read each of them. */
  private schedule(root: string, importPath: string): void {
    this.pending.push(() => {
      if (this.importers.has(importPath)) return;
      const quoted = `"${importPath}"`;
      const dirs = new Set<string>();
      for (const f of this.filesOf(root)) {
        try {
          if (readFileSync(f, 'utf8').includes(quoted)) dirs.add(path.dirname(f));
        } catch {
          // Unreadable: it cannot register anything we could show.
        }
      }
      const list = [...dirs].sort(compareStrings);
      this.importers.set(importPath, list);
      for (const d of list) {
        this.pending.push(() => {
          const files = this.filesIn(root, d);
          if (!this.summaries.has(cacheKey(d, files))) this.summarizeDir(d, files);
        });
      }
    });
  }

  /** Summarizes a package whose trees are kept: only files whose text changed are parsed again. */
  private summarizeHot(dir: string, files: readonly string[], overrides: SourceOverrides): PackageHandlers[] {
    let trees = this.hot.get(dir);
    if (trees) this.hot.delete(dir);
    else trees = new Map();
    this.hot.set(dir, trees); // most recent last
    while (this.hot.size > HOT_PACKAGES) {
      const [oldest, old] = this.hot.entries().next().value as [string, Map<string, { tree: SyntaxTree }>];
      for (const { tree } of old.values()) tree.delete();
      this.hot.delete(oldest);
    }
    const wanted = new Set(files);
    for (const [f, { tree }] of trees) {
      if (!wanted.has(f)) {
        tree.delete();
        trees.delete(f);
      }
    }
    const parsed: ParsedGoFile[] = [];
    for (const file of [...files].sort(compareStrings)) {
      const source = overrides.get(file) ?? readSource(file);
      if (source === undefined) continue;
      let entry = trees.get(file);
      if (entry?.source !== source) {
        entry?.tree.delete();
        entry = { source, tree: this.parser.parse(source) };
        trees.set(file, entry);
      }
      parsed.push({ file, source, root: entry.tree.rootNode });
    }
    return summarizePackageHandlers(parsed, (d, name) => packageImportPath(this.modules, d, name));
  }

  private summarizeDir(dir: string, files: readonly string[]): PackageHandlers[] {
    const problems: ScanProblem[] = [];
    const trees: SyntaxTree[] = [];
    const parsed: ParsedGoFile[] = [];
    try {
      for (const file of [...files].sort(compareStrings)) {
        let source: string;
        try {
          source = readFileSync(file, 'utf8');
        } catch (err) {
          problems.push({ file, error: `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}` });
          continue;
        }
        const tree = this.parser.parse(source);
        trees.push(tree);
        parsed.push({ file, source, root: tree.rootNode });
      }
      const summary = summarizePackageHandlers(parsed, (d, name) => packageImportPath(this.modules, d, name));
      this.summaries.set(cacheKey(dir, files), summary);
      this.problems.set(dir, problems);
      return summary;
    } finally {
      for (const t of trees) t.delete();
    }
  }
}

function readSource(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** A directory's summary depends on which of its files were scanned, not only on the directory. */
function cacheKey(dir: string, files: readonly string[]): string {
  return `${dir}\0${[...files].sort(compareStrings).join('\0')}`;
}
