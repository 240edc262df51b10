/**
 * Entry of dist/serverWorker.js: the language server's analysis thread. Everything that parses Go runs
 * here, never on the server's message loop: the open documents (mirrored from the main thread's document
 * events), the package index of the workspace (indexed in slices), linting and handler discovery.
 * The protocol is src/protocol/serverWorker.ts.
 */
import path from 'node:path';
import { loadGoParser } from '../go/parser';
import { HandlerScanner } from '../handlers/scanner';
import { GoAnalyzer } from '../lint/analyzer';
import { analysisHost, analysisWorker, type LintReply } from '../protocol/serverWorker';
import type { RpcEndpoint } from '../protocol/rpc';
import { serveWorker } from '../protocol/workerThread';
import { testsOfFile } from './goTests';
import { HandlerDiscovery } from './handlerDiscovery';
import { OpenDocuments } from './openDocuments';
import { WorkspaceIndex } from './workspaceIndex';

// The .wasm files sit next to this bundle in dist/.
const wasmDir = __dirname;
let ruleErrors: string[] = [];
const analyzer = GoAnalyzer.create(wasmDir, {
  onRuleError: (rule, err) => ruleErrors.push(`rule ${rule} failed: ${describe(err)}`),
});
const scanner = HandlerScanner.create(wasmDir);
const parser = loadGoParser(wasmDir);
const documents = new OpenDocuments();

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
    handlers: async ({ file }) => (await discovery).handlersOf(file, documents.sourcesIn(path.dirname(file))),
    testsOf: async ({ uri, file }) => testsOfFile(await parser, file, documents.get(uri)?.text()),
    lint: async ({ uri, options }) => {
      const a = await analyzer;
      const document = documents.get(uri);
      if (!document) return null;
      return lintDocument(a, document.file, document.text(), document.version, options);
    },
    indexFolders: async ({ folders }) => (await workspace).indexFolders(folders),
  },
  events: {
    documentOpened: (d) => documents.open(d),
    documentChanged: (d) => documents.change(d),
    documentClosed: ({ uri }) => {
      const closed = documents.close(uri);
      if (closed && path.isAbsolute(closed.file)) void workspace.then((w) => w.documentClosed(closed.file));
    },
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

function lintDocument(a: GoAnalyzer, file: string, text: string, version: number, options: Parameters<GoAnalyzer['lintFile']>[2]): LintReply {
  ruleErrors = [];
  const started = performance.now();
  const timing = { parseMs: 0, analyzeMs: 0, incremental: false, declarations: 0, reanalyzed: 0 };
  try {
    const findings = a.lintFile(file, text, options);
    timing.analyzeMs = performance.now() - started;
    return { version, findings, ruleErrors, timing };
  } catch (err) {
    // A parse failure or a rule that throws costs this document its findings, never the server.
    return { version, findings: [], ruleErrors, error: describe(err), timing };
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
