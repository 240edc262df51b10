// Entry of dist/server.js: the Goroscope language server. `node dist/server.js --stdio` serves any
// LSP editor; the VS Code extension starts it over IPC.
import path from 'node:path';
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { GoAnalyzer } from '../lint/analyzer';
import { isGoFile } from '../lint/goFiles';
import { codeActionsFor } from './diagnostics';
import { DocumentLinter, filePathOf } from './documentLinter';
import { LINT_SETTINGS_SECTION, SettingsStore } from './settings';
import { WorkspaceIndex } from './workspaceIndex';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const openFiles = new Set<string>();

interface Session {
  settings: SettingsStore;
  linter: DocumentLinter;
  index: WorkspaceIndex;
  folders: string[];
  dynamicWatch: boolean;
  dynamicConfiguration: boolean;
  workspaceFolderEvents: boolean;
}
let session: Session | undefined;

const log = {
  info: (message: string) => connection.console.info(message),
  error: (message: string) => connection.console.error(message),
  debug: (message: string) => connection.console.debug(message),
};

function logFailure(what: string): (err: unknown) => void {
  return (err) => log.error(`goroscope: ${what} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
}

connection.onInitialize(async (params: InitializeParams): Promise<InitializeResult> => {
  // The .wasm files sit next to this bundle in dist/.
  const analyzer = await GoAnalyzer.create(__dirname, { onRuleError: (rule, err) => linter.ruleFailed(rule, err) });
  const workspace = params.capabilities.workspace;
  const settings = new SettingsStore(
    workspace?.configuration
      ? async (uri) => (await connection.workspace.getConfiguration({ scopeUri: uri, section: LINT_SETTINGS_SECTION })) as unknown
      : undefined,
  );
  const linter = new DocumentLinter(analyzer, settings, {
    document: (uri) => documents.get(uri),
    openDocuments: () => documents.all(),
    publish: (uri, version, diagnostics) => connection.sendDiagnostics({ uri, version, diagnostics }),
    debug: log.debug,
    error: log.error,
  });
  session = {
    settings,
    linter,
    index: new WorkspaceIndex(analyzer, (file) => openFiles.has(file), log),
    folders: (params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: '' }] : [])).map((f) => filePathOf(f.uri)),
    dynamicWatch: workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    dynamicConfiguration: workspace?.didChangeConfiguration?.dynamicRegistration === true,
    workspaceFolderEvents: workspace?.workspaceFolders === true,
  };
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'goroscope' },
  };
});

connection.onInitialized(() => {
  const s = session;
  if (!s) return;
  // Editors other than VS Code learn here which files to watch and that settings may change.
  if (s.dynamicWatch) {
    void connection.client
      .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.go' }] })
      .catch(logFailure('registering the file watcher'));
  }
  if (s.dynamicConfiguration) {
    void connection.client.register(DidChangeConfigurationNotification.type, undefined).catch(logFailure('registering for settings'));
  }
  if (s.workspaceFolderEvents) {
    connection.workspace.onDidChangeWorkspaceFolders((event) => {
      for (const removed of event.removed) s.index.forgetFolder(filePathOf(removed.uri));
      const added = event.added.map((f) => filePathOf(f.uri));
      void s.index.indexFolders(added).then(() => s.linter.lintAll()).catch(logFailure('indexing added folders'));
    });
  }
  // Lint open documents again once every package is known: a struct or closer in a file not yet
  // indexed may change what they report.
  void s.index.indexFolders(s.folders).then(() => s.linter.lintAll()).catch(logFailure('indexing the workspace'));
});

documents.onDidOpen(({ document }) => {
  openFiles.add(filePathOf(document.uri));
  session?.linter.lint(document.uri).catch(logFailure(`linting ${document.uri}`));
});

documents.onDidChangeContent(({ document }) => {
  session?.linter.changed(document.uri).catch(logFailure(`linting ${document.uri}`));
});

documents.onDidSave(({ document }) => {
  const savedAt = performance.now();
  const s = session;
  if (!s) return;
  const dir = path.dirname(filePathOf(document.uri));
  s.linter
    .lint(document.uri, savedAt)
    .then(() => s.linter.lintPackage(dir, document.uri))
    .catch(logFailure(`linting ${document.uri}`));
});

documents.onDidClose(({ document }) => {
  const file = filePathOf(document.uri);
  openFiles.delete(file);
  session?.linter.closed(document.uri);
  if (path.isAbsolute(file)) session?.index.documentClosed(file);
});

connection.onDidChangeWatchedFiles(({ changes }) => {
  const s = session;
  if (!s) return;
  const dirs = new Set<string>();
  for (const change of changes) {
    const file = filePathOf(change.uri);
    if (!isGoFile(file)) continue;
    if (change.type === FileChangeType.Deleted) s.index.fileDeleted(file);
    else s.index.fileChanged(file);
    dirs.add(path.dirname(file));
  }
  for (const dir of dirs) s.linter.lintPackage(dir).catch(logFailure(`linting ${dir}`));
});

connection.onDidChangeConfiguration(({ settings }) => {
  session?.settings.changed(settings);
  session?.linter.lintAll().catch(logFailure('linting after a settings change'));
});

connection.onCodeAction(async ({ textDocument, context }) => {
  const s = session;
  const document = documents.get(textDocument.uri);
  if (!s || !document) return [];
  try {
    const findings = await s.linter.findingsFor(document.uri);
    return codeActionsFor(context.diagnostics, findings, { uri: document.uri, version: document.version });
  } catch (err) {
    logFailure(`code actions for ${textDocument.uri}`)(err);
    return [];
  }
});

// The server outlives any one bad file: an error that escapes a handler is logged, not fatal.
process.on('uncaughtException', logFailure('a request'));
process.on('unhandledRejection', logFailure('a request'));

documents.listen(connection);
connection.listen();
