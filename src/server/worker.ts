/**
 * Entry of dist/serverWorker.js: the language server's analysis thread. Everything that parses Go runs
 * here, never on the server's message loop: the open documents (mirrored from the main thread's document
 * events), the package index of the workspace (indexed in slices), linting and handler discovery.
 * The protocol is src/protocol/serverWorker.ts.
 */
import path from 'node:path';
import { workerData } from 'node:worker_threads';
import { HandlerScanner } from '../handlers/scanner';
import { loadGoParser } from '../go/parser';
import { summaryFingerprint, type PackageIndex } from '../go/packageIndex';
import { GoAnalyzer } from '../lint/analyzer';
import type { LintOptions } from '../lint/types';
import { analysisHost, analysisWorker, type LintReply } from '../protocol/serverWorker';
import type { RpcEndpoint } from '../protocol/rpc';
import { serveWorker } from '../protocol/workerThread';
import { testsOfFile } from './goTests';
import { HandlerDiscovery } from './handlerDiscovery';
import { OpenDocuments, type OpenDocument } from './openDocuments';
import { WorkspaceIndex } from './workspaceIndex';

// The .wasm files sit next to this bundle in dist/.
const wasmDir = __dirname;
const analyzer = GoAnalyzer.create(wasmDir);
const scanner = HandlerScanner.create(wasmDir);
const parser = loadGoParser(wasmDir);
let documents = new OpenDocuments(() => {
  throw new Error('the analyzer is not loaded yet');
});
// Documents opened before the analyzer loaded wait for it: events are applied in order once it has.
const ready = Promise.all([analyzer, parser]).then(([a, p]) => {
  documents = OpenDocuments.forIndex(p, a.index, (workerData as { incremental?: boolean } | undefined)?.incremental !== false);
});

const log = {
  info: (message: string) => host.notify('log', { level: 'info', message }),
  error: (message: string) => host.notify('log', { level: 'error', message }),
  debug: (message: string) => host.notify('log', { level: 'debug', message }),
};
const workspace = analyzer.then((a) => new WorkspaceIndex(a, (file) => documents.hasFile(file), log));
const discovery = scanner.then((s) => new HandlerDiscovery(s, () => host.notify('handlersChanged', {})));

const host: RpcEndpoint<typeof analysisWorker, typeof analysisHost> = serveWorker({
  thread: analysisWorker,
  host: analysisHost,
  requests: {
    handlers: async ({ file }) => {
      const d = await discovery;
      await afterEvents();
      return d.handlersOf(file, documents.sourcesIn(path.dirname(file)));
    },
    testsOf: async ({ uri, file }) => {
      const p = await parser;
      await afterEvents();
      return testsOfFile(p, file, documents.get(uri)?.document.getText());
    },
    lint: async ({ uri, options }) => {
      const a = await analyzer;
      await afterEvents();
      const open = documents.get(uri);
      if (!open) return null;
      const reply = lintDocument(open, options, a.index);
      documents.linted(uri);
      return reply;
    },
    dependentDirs: async ({ dirs }) => (await analyzer).dependentDirs(dirs),
    indexFolders: async ({ folders }) => (await workspace).indexFolders(folders),
  },
  events: {
    documentOpened: (d) => inOrder(() => documents.open(d)),
    documentChanged: (d) => inOrder(() => documents.change(d)),
    documentClosed: ({ uri }) =>
      inOrder(() => {
        const closed = documents.close(uri);
        if (closed && path.isAbsolute(closed.file)) void workspace.then((w) => w.documentClosed(closed.file));
      }),
    filesChanged: ({ changed, deleted }) => {
      void workspace.then((w) => {
        for (const file of changed) w.fileChanged(file);
        for (const file of deleted) w.fileDeleted(file);
      });
      void discovery.then((d) => d.invalidate([...changed, ...deleted]));
    },
    folderRemoved: ({ folder }) => void workspace.then((w) => w.forgetFolder(folder)),
  },
});

/** Runs document events now once the analyzer is loaded, else after it loads, in the order they came. */
let pendingEvents: Promise<void> | undefined = ready.then(() => {
  pendingEvents = undefined;
});
function inOrder(apply: () => void): void {
  if (pendingEvents) pendingEvents = pendingEvents.then(apply);
  else apply();
}

/** Resolves once every document event received so far is applied (at once, after the analyzer loaded). */
function afterEvents(): Promise<void> {
  return pendingEvents ?? Promise.resolve();
}

function lintDocument(open: OpenDocument, options: LintOptions, index: PackageIndex): LintReply {
  const { document, analysis } = open;
  // The lint replaces the file's summary in the index only when it changed (typing in a body keeps it); a
  // file the index did not know yet (opened outside the indexed folders) does not re-lint the others: they
  // were linted without it, and opening a batch of such files would re-lint the batch once per file.
  const before = index.summaryOf(open.file);
  const summaryChanged = () => {
    const after = index.summaryOf(open.file);
    return before !== undefined && after !== before && summaryFingerprint(after) !== summaryFingerprint(before);
  };
  try {
    const { findings, ruleErrors, timing } = analysis.lint(document.getText(), options);
    return { version: document.version, findings, ruleErrors, timing, summaryChanged: summaryChanged() };
  } catch (err) {
    // A parse failure costs this document its findings, never the server.
    return { version: document.version, findings: [], ruleErrors: [], error: describe(err), timing: { parseMs: 0, analyzeMs: 0, incremental: false, declarations: 0, reanalyzed: 0 }, summaryChanged: summaryChanged() };
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
