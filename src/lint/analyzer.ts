import { readGoFiles, ModuleResolver } from '../go/modules';
import { DeferredSummary, PackageIndex, packageNameOf, summarizeFile, type FileSummary } from '../go/packageIndex';
import { loadGoParser, type GoParser, type SyntaxTree } from '../go/parser';
import { fileImports, type Imports } from '../go/types';
import { lintTree, mayReport } from './engine';
import type { Finding, LintOptions } from './types';

export interface PackageFileResult {
  file: string;
  findings: Finding[];
  /** Rules that threw on this file (their findings are missing, the others' are there). */
  ruleErrors: string[];
  /** Set when the file could not be linted at all. */
  error?: string;
}

export interface AnalyzerOptions {
  /** Reads another package's files when a call crosses into it (default: from disk). */
  readDir?: (dir: string) => Array<{ file: string; source: string }>;
  /** Called when a rule throws on odd input; that rule's findings for the file are dropped. */
  onRuleError?: (rule: string, error: unknown) => void;
}

/**
 * The leak analyzer over a set of Go files: parses each file once, keeps a package index
 * (struct field types, package-level variables, functions that close their parameter) and
 * lints files against it. No vscode or LSP import: the language server, the CLI and its
 * workers all drive this same class.
 */
export class GoAnalyzer {
  readonly index: PackageIndex;

  private constructor(
    private readonly parser: GoParser,
    private readonly options: AnalyzerOptions,
  ) {
    const modules = new ModuleResolver();
    const readDir = options.readDir ?? readGoFiles;
    this.index = new PackageIndex((dir) => this.summarizeAll(readDir(dir)), modules.resolveImport, readDir);
  }

  /** `wasmDir` holds tree-sitter.wasm and tree-sitter-go.wasm (dist/). */
  static async create(wasmDir: string, options: AnalyzerOptions = {}): Promise<GoAnalyzer> {
    return new GoAnalyzer(await loadGoParser(wasmDir), options);
  }

  private summarizeAll(files: Array<{ file: string; source: string }>): FileSummary[] {
    return files.map(({ file, source }) => {
      const tree = this.parser.parse(source);
      try {
        return summarizeFile(file, tree.rootNode);
      } finally {
        tree.delete();
      }
    });
  }

  /** Records (or replaces) a file in the package index without linting it. */
  indexFile(file: string, source: string): void {
    const tree = this.parser.parse(source);
    try {
      this.index.update(file, tree.rootNode);
    } finally {
      tree.delete();
    }
  }

  removeFile(file: string): void {
    this.index.remove(file);
  }

  /** Directories whose findings may change when packages in `dirs` change (themselves and their importers). */
  dependentDirs(dirs: readonly string[]): string[] {
    return [...this.index.dependentDirs(dirs)];
  }

  /**
   * Lints the files of one package, parsing each at most once: all are indexed first (so struct fields and
   * closers declared in any of them are known), then each is linted. Only the files some rule may report in
   * (Rule.mayReport, by their text) are parsed to be linted; the others are indexed by their first lines and
   * parsed only when a question about the package needs them (DeferredSummary): most of a large tree is
   * never parsed. A file that fails gets `error`.
   */
  lintPackage(files: Array<{ file: string; source: string }>, options: LintOptions = {}): PackageFileResult[] {
    const trees = new Map<string, SyntaxTree>();
    const treeOf = (file: string, source: string): SyntaxTree => {
      let tree = trees.get(file);
      if (!tree) trees.set(file, (tree = this.parser.parse(source)));
      return tree;
    };
    try {
      for (const { file, source } of files) {
        const header = this.readHeader(source);
        if (header) this.index.put(new DeferredSummary(file, header.packageName, header.imports, source, () => summarizeFile(file, treeOf(file, source).rootNode)));
        else this.index.update(file, treeOf(file, source).rootNode);
      }
      // Asked once every file of the package is in the index: a rule's answer may depend on the others.
      const linted = new Set(files.filter(({ file, source }) => mayReport(file, source, this.index, options)).map(({ file }) => file));
      return files.map(({ file, source }) => {
        if (!linted.has(file)) return { file, findings: [], ruleErrors: [] };
        const tree = treeOf(file, source);
        const ruleErrors: string[] = [];
        const onRuleError = (rule: string, error: unknown) => {
          ruleErrors.push(`rule ${rule} failed: ${error instanceof Error ? error.message : String(error)}`);
          this.options.onRuleError?.(rule, error);
        };
        try {
          return { file, findings: lintTree({ file, source, root: tree.rootNode, index: this.index }, options, onRuleError), ruleErrors };
        } catch (error) {
          return { file, findings: [], ruleErrors, error: error instanceof Error ? error.message : String(error) };
        }
      });
    } finally {
      for (const tree of trees.values()) tree.delete();
    }
  }

  /**
   * The package name and imports of a file, from a parse of its lines before the first declaration that
   * is not an import; null when that prefix does not parse cleanly on its own (a comment or string that
   * runs on) or names no package: the file is then parsed whole.
   */
  private readHeader(source: string): { packageName: string; imports: Imports } | null {
    const body = /^(?:func|type|var|const)\b/m.exec(source);
    if (!body) return null;
    const tree = this.parser.parse(source.slice(0, body.index));
    try {
      const root = tree.rootNode;
      const packageName = packageNameOf(root);
      if (root.hasError || packageName === '') return null;
      return { packageName, imports: fileImports(root) };
    } finally {
      tree.delete();
    }
  }

  /** Indexes `file` with this content, then lints it. Unparseable regions are skipped, never thrown on. */
  lintFile(file: string, source: string, options: LintOptions = {}): Finding[] {
    const tree = this.parser.parse(source);
    try {
      this.index.update(file, tree.rootNode);
      return lintTree({ file, source, root: tree.rootNode, index: this.index }, options, this.options.onRuleError);
    } finally {
      tree.delete();
    }
  }
}
