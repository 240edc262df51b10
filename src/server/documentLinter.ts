/**
 * When open documents are linted and what is published, on the server's main thread; the linting itself
 * happens in the analysis worker (`host.lint`). On open, on save, as the user types when `run` is
 * `onType`, and again when settings or other files of the package change. Keeps the last findings per
 * document so code actions return the fixes of what the user sees.
 *
 * As the user types, a document is linted at once when no lint of it is running, else once more when that
 * one ends, with whatever the text is then: a storm of changes costs at most one lint in flight and one
 * waiting per document, and the last change is always linted.
 */
import path from 'node:path';
import type { Finding, LintOptions } from '../lint/types';
import type { LintReply } from '../protocol/serverWorker';
import { toDiagnostic } from './diagnostics';
import { filePathOf } from './documentPaths';
import type { LintSettings, SettingsStore } from './settings';

/** What the linter needs from the server. */
export interface LinterHost {
  /** The open document's current version, or undefined when it is not open. */
  version(uri: string): number | undefined;
  openDocuments(): string[];
  lint(uri: string, options: LintOptions): Promise<LintReply | null>;
  /** Directories whose documents may lint differently once the packages in `dirs` changed (theirs and their importers'). */
  dependentDirs(dirs: string[]): Promise<string[]>;
  publish(uri: string, version: number | undefined, diagnostics: ReturnType<typeof toDiagnostic>[]): Promise<void>;
  debug(message: string): void;
  error(message: string): void;
}

interface LintedVersion {
  version: number;
  findings: Finding[];
  /** The diagnostics as published, to publish the same again only when asked. */
  diagnostics: ReturnType<typeof toDiagnostic>[];
}

export interface Trigger {
  name: 'didOpen' | 'didSave' | 'didChange';
  /** performance.now() when the notification arrived. */
  at: number;
}

interface TypingState {
  running: boolean;
  again: boolean;
}

export class DocumentLinter {
  private readonly linted = new Map<string, LintedVersion>();
  /** Latest lint request per document: an older one finishing late must not publish. */
  private readonly requests = new Map<string, number>();
  private readonly typing = new Map<string, TypingState>();
  private requestCounter = 0;

  constructor(
    private readonly settings: SettingsStore,
    private readonly host: LinterHost,
  ) {}

  /**
   * Lints the document as it is now and publishes. `trigger` (the notification and performance.now() when
   * it arrived) turns on the didSave→publishDiagnostics (or didChange→…) timing in the debug log.
   */
  async lint(uri: string, trigger?: Trigger): Promise<void> {
    const request = ++this.requestCounter;
    this.requests.set(uri, request);
    const settings = await this.settings.get(uri);
    if (this.host.version(uri) === undefined || this.requests.get(uri) !== request) return;
    const reply = settings.enable ? await this.lintNow(uri, settings) : undefined;
    if (this.host.version(uri) === undefined || this.requests.get(uri) !== request) return;
    const version = reply?.version ?? (this.host.version(uri) as number);
    const findings = reply?.findings ?? [];
    const diagnostics = findings.map(toDiagnostic);
    // A lint the user asked for (open, save, typing) always publishes; one of the server's own (settings,
    // indexing, another file changed) only when something changed.
    const previous = this.linted.get(uri);
    this.linted.set(uri, { version, findings, diagnostics });
    // What this file declares for others changed (a helper that closes, a function returning a response):
    // the other files of its package and the packages importing it are linted again, without holding up this one.
    if (reply?.summaryChanged) {
      const dir = path.dirname(filePathOf(uri));
      this.lintDependents([dir], uri).catch((err: unknown) => this.host.error(`goroscope: linting the dependents of ${dir} failed: ${err instanceof Error ? err.message : String(err)}`));
    }
    if (trigger === undefined && previous?.version === version && JSON.stringify(previous.diagnostics) === JSON.stringify(diagnostics)) return;
    await this.host.publish(uri, version, diagnostics);
    if (trigger !== undefined) {
      const t = reply?.timing;
      const how = t ? `, ${t.incremental ? 'incremental' : 'full'} parse ${t.parseMs.toFixed(1)} ms, analysis ${t.analyzeMs.toFixed(1)} ms (${t.reanalyzed}/${t.declarations} declarations)` : '';
      this.host.debug(
        `goroscope: ${path.basename(filePathOf(uri))}: ${findings.length} finding(s), ${trigger.name}→publishDiagnostics ${(performance.now() - trigger.at).toFixed(1)} ms${how}`,
      );
    }
  }

  /** The document's text changed. In onType mode, lints now, or right after the lint that is running. */
  async changed(uri: string): Promise<void> {
    const startedAt = performance.now();
    const settings = await this.settings.get(uri);
    if (!settings.enable || settings.run !== 'onType') return;
    let state = this.typing.get(uri);
    if (!state) this.typing.set(uri, (state = { running: false, again: false }));
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = true;
    try {
      let at = startedAt;
      do {
        state.again = false;
        await this.lint(uri, { name: 'didChange', at });
        at = performance.now();
      } while (state.again && this.host.version(uri) !== undefined);
    } finally {
      state.running = false;
    }
  }

  /** Findings for the document's current version (linted again if it changed since the last run). */
  async findingsFor(uri: string): Promise<Finding[]> {
    const version = this.host.version(uri);
    if (version === undefined) return [];
    const last = this.linted.get(uri);
    if (last && last.version === version) return last.findings;
    const settings = await this.settings.get(uri);
    return settings.enable ? ((await this.lintNow(uri, settings))?.findings ?? []) : [];
  }

  /** Re-lints every open document (settings changed, the workspace was indexed). */
  async lintAll(): Promise<void> {
    await Promise.all(this.host.openDocuments().map((uri) => this.lint(uri)));
  }

  /**
   * Re-lints the open documents other than `except` that may see the packages in `dirs` differently: in
   * those directories, or in packages importing them (directly or through other workspace packages).
   */
  async lintDependents(dirs: string[], except?: string): Promise<void> {
    const dependent = new Set(await this.host.dependentDirs(dirs));
    const others = this.host.openDocuments().filter((uri) => uri !== except && dependent.has(path.dirname(filePathOf(uri))));
    await Promise.all(others.map((uri) => this.lint(uri)));
  }

  closed(uri: string): void {
    this.linted.delete(uri);
    this.requests.delete(uri);
    this.typing.delete(uri);
    this.settings.forget(uri);
    void this.host.publish(uri, undefined, []);
  }

  private async lintNow(uri: string, settings: LintSettings): Promise<LintReply | undefined> {
    const file = filePathOf(uri);
    try {
      const reply = await this.host.lint(uri, { disabledRules: settings.disabledRules, tests: settings.tests === 'on' });
      if (!reply) return undefined;
      // A parse failure or a rule that throws costs this file its findings (or that rule's), never the server.
      if (reply.error !== undefined) this.host.error(`goroscope: linting ${file} failed: ${reply.error}`);
      for (const problem of reply.ruleErrors) this.host.error(`goroscope: ${problem} on ${file}`);
      return reply;
    } catch (err) {
      this.host.error(`goroscope: linting ${file} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return undefined;
    }
  }
}
