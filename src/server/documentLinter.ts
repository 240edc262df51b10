import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { GoAnalyzer } from '../lint/analyzer';
import type { Finding } from '../lint/types';
import { toDiagnostic } from './diagnostics';
import type { LintSettings, SettingsStore } from './settings';

/** What the linter needs from the LSP connection. */
export interface LinterHost {
  document(uri: string): TextDocument | undefined;
  openDocuments(): TextDocument[];
  publish(uri: string, version: number | undefined, diagnostics: ReturnType<typeof toDiagnostic>[]): Promise<void>;
  debug(message: string): void;
  error(message: string): void;
}

interface LintedVersion {
  version: number;
  findings: Finding[];
}

const ON_TYPE_DELAY_MS = 300;

/**
 * Lints open documents and publishes their diagnostics: on open, on save, on change (debounced) when
 * `run` is `onType`, and again when settings or other files of the package change. Keeps the last
 * findings per document so code actions return the fixes of what the user sees.
 */
export class DocumentLinter {
  private readonly linted = new Map<string, LintedVersion>();
  /** Latest lint request per document: an older one finishing late must not publish. */
  private readonly requests = new Map<string, number>();
  private readonly requestedVersion = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private requestCounter = 0;
  /** The file being linted, so a rule failure reported by the analyzer can name it. */
  private current: string | undefined;

  constructor(
    private readonly analyzer: GoAnalyzer,
    private readonly settings: SettingsStore,
    private readonly host: LinterHost,
  ) {}

  /**
   * Lints the document as it is now and publishes. `savedAt` (performance.now() at didSave) turns
   * on the didSave→publishDiagnostics timing in the debug log.
   */
  async lint(uri: string, savedAt?: number): Promise<void> {
    this.cancelTimer(uri);
    const request = ++this.requestCounter;
    this.requests.set(uri, request);
    const requestedDoc = this.host.document(uri);
    if (requestedDoc) this.requestedVersion.set(uri, requestedDoc.version);
    const settings = await this.settings.get(uri);
    const document = this.host.document(uri);
    if (!document || this.requests.get(uri) !== request) return;
    const findings = settings.enable ? this.lintNow(document, settings) : [];
    this.linted.set(uri, { version: document.version, findings });
    await this.host.publish(uri, document.version, findings.map(toDiagnostic));
    if (savedAt !== undefined) {
      this.host.debug(
        `goroscope: ${path.basename(filePathOf(uri))}: ${findings.length} finding(s), didSave→publishDiagnostics ${(performance.now() - savedAt).toFixed(1)} ms`,
      );
    }
  }

  /** The document's text changed. In onType mode, lints after a pause in typing. */
  async changed(uri: string): Promise<void> {
    const document = this.host.document(uri);
    // didOpen fires a change for the version it has just linted.
    if (!document || this.requestedVersion.get(uri) === document.version) return;
    const settings = await this.settings.get(uri);
    if (!settings.enable || settings.run !== 'onType') return;
    this.cancelTimer(uri);
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        void this.lint(uri);
      }, ON_TYPE_DELAY_MS),
    );
  }

  /** Findings for the document's current version (re-linted if it changed since the last run). */
  async findingsFor(uri: string): Promise<Finding[]> {
    const document = this.host.document(uri);
    if (!document) return [];
    const last = this.linted.get(uri);
    if (last && last.version === document.version) return last.findings;
    const settings = await this.settings.get(uri);
    return settings.enable ? this.lintNow(document, settings) : [];
  }

  /** Re-lints every open document (settings changed). */
  async lintAll(): Promise<void> {
    await Promise.all(this.host.openDocuments().map((d) => this.lint(d.uri)));
  }

  /** Re-lints open documents in `dir` other than `except`: their package changed. */
  async lintPackage(dir: string, except?: string): Promise<void> {
    const others = this.host.openDocuments().filter((d) => d.uri !== except && path.dirname(filePathOf(d.uri)) === dir);
    await Promise.all(others.map((d) => this.lint(d.uri)));
  }

  closed(uri: string): void {
    this.cancelTimer(uri);
    this.linted.delete(uri);
    this.requests.delete(uri);
    this.requestedVersion.delete(uri);
    this.settings.forget(uri);
    void this.host.publish(uri, undefined, []);
  }

  private lintNow(document: TextDocument, settings: LintSettings): Finding[] {
    const file = filePathOf(document.uri);
    this.current = file;
    try {
      return this.analyzer.lintFile(file, document.getText(), { disabledRules: settings.disabledRules });
    } catch (err) {
      // A parse failure or a rule that throws costs this file its findings, never the server.
      this.host.error(`goroscope: linting ${file} failed: ${describeError(err)}`);
      return [];
    } finally {
      this.current = undefined;
    }
  }

  /** The analyzer's onRuleError: the rule lost its findings for the current file; say so. */
  ruleFailed(rule: string, err: unknown): void {
    this.host.error(`goroscope: rule ${rule} failed on ${this.current ?? 'a file'}: ${describeError(err)}`);
  }

  private cancelTimer(uri: string): void {
    const timer = this.timers.get(uri);
    if (timer) clearTimeout(timer);
    this.timers.delete(uri);
  }
}

function describeError(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/** The file path the analyzer knows a document by; non-file URIs keep their URI as a name. */
export function filePathOf(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      return uri;
    }
  }
  return uri;
}
