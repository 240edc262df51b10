import { readGoFiles, ModuleResolver } from '../go/modules';
import { PackageIndex, summarizeFile, type FileSummary } from '../go/packageIndex';
import { loadGoParser, type GoParser } from '../go/parser';
import { lintTree } from './engine';
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
   * Lints the files of one package, parsing each once: all are indexed first (so struct fields and
   * closers declared in any of them are known), then each is linted. A file that fails gets `error`.
   */
  lintPackage(files: Array<{ file: string; source: string }>, options: LintOptions = {}): PackageFileResult[] {
    const parsed = files.map(({ file, source }) => ({ file, source, tree: this.parser.parse(source) }));
    try {
      for (const p of parsed) this.index.update(p.file, p.tree.rootNode);
      return parsed.map(({ file, source, tree }) => {
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
      for (const p of parsed) p.tree.delete();
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
