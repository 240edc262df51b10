// Entry of dist/server.js: the Goroscope language server, the one process that parses the workspace's Go.
// `node dist/server.js --stdio` serves any LSP editor; the VS Code extension starts it over IPC. This
// thread keeps the connection and only translates: parsing, the package index, linting and handler
// discovery run in the analysis worker (worker.ts), findings of files not open in the lint pool.
import path from 'node:path';
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  ProposedFeatures,
  TextDocumentSyncKind,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { isGoFile } from '../lint/goFiles';
import { handlersChangedNotification } from '../protocol/lsp';
import { analysisHost, analysisWorker } from '../protocol/serverWorker';
import { WorkerChannel } from '../protocol/workerThread';
import { codeActionsFor } from './diagnostics';
import { filePathOf } from './documentPaths';
import { DocumentLinter } from './documentLinter';
import { DocumentSync } from './documentSync';
import { findingsOfFiles } from './findings';
import { registerServerRequests } from './requests';
import { LINT_SETTINGS_SECTION, SettingsStore } from './settings';

const connection = createConnection(ProposedFeatures.all);

const log = {
  info: (message: string) => connection.console.info(message),
  error: (message: string) => connection.console.error(message),
  debug: (message: string) => connection.console.debug(message),
};

function logFailure(what: string): (err: unknown) => void {
  return (err) => log.error(`goroscope: ${what} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
}

/**
 * GOROSCOPE_INCREMENTAL=0 makes every lint parse and analyze the whole document, as before incremental
 * analysis: the anchor `npm run bench` measures typing against.
 */
const incremental = process.env.GOROSCOPE_INCREMENTAL !== '0';

const worker = new WorkerChannel({
  // The worker and the .wasm files sit next to this bundle in dist/.
  script: path.join(__dirname, 'serverWorker.js'),
  workerData: { incremental },
  peer: 'the analysis worker',
  host: analysisHost,
  thread: analysisWorker,
  requests: {},
  events: {
    handlersChanged: () => void connection.sendNotification(handlersChangedNotification).catch(logFailure('notifying changed handlers')),
    log: ({ level, message }) => log[level](message),
  },
  // Indexing a large workspace is one request: its reply may take minutes on a slow disk.
  timeoutMs: 10 * 60_000,
  onMalformed: log.error,
  onExit: (reason) => {
    log.error(`goroscope: ${reason}; starting it again`);
    // A new worker knows nothing: give it the open documents and the workspace again.
    documents.replay();
    if (session) void indexWorkspace(session, session.folders);
  },
});

interface Session {
  settings: SettingsStore;
  linter: DocumentLinter;
  folders: string[];
  dynamicWatch: boolean;
  dynamicConfiguration: boolean;
  workspaceFolderEvents: boolean;
}
let session: Session | undefined;

const documents = new DocumentSync(connection, worker, {
  opened: (uri) => session?.linter.lint(uri, { name: 'didOpen', at: performance.now() }).catch(logFailure(`linting ${uri}`)),
  changed: (uri) => session?.linter.changed(uri).catch(logFailure(`linting ${uri}`)),
  saved: (uri) => {
    const at = performance.now();
    const s = session;
    if (!s) return;
    // A lint that changes what the file declares for others lints its dependents again (DocumentLinter).
    s.linter.lint(uri, { name: 'didSave', at }).catch(logFailure(`linting ${uri}`));
  },
  closed: (uri) => session?.linter.closed(uri),
});

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const workspace = params.capabilities.workspace;
  const settings = new SettingsStore(
    workspace?.configuration
      ? async (uri) => (await connection.workspace.getConfiguration({ scopeUri: uri, section: LINT_SETTINGS_SECTION })) as unknown
      : undefined,
  );
  const linter = new DocumentLinter(settings, {
    version: (uri) => documents.version(uri),
    openDocuments: () => documents.uris(),
    lint: (uri, options) => worker.request('lint', { uri, options }),
    dependentDirs: (dirs) => worker.request('dependentDirs', { dirs }),
    publish: (uri, version, diagnostics) => connection.sendDiagnostics({ uri, version, diagnostics }),
    debug: log.debug,
    error: log.error,
  });
  session = {
    settings,
    linter,
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

/** Indexes folders in the worker, then lints the open documents again: a struct or closer in a file not yet indexed may change what they report. */
async function indexWorkspace(s: Session, folders: string[]): Promise<void> {
  try {
    await worker.request('indexFolders', { folders });
    await s.linter.lintAll();
  } catch (err) {
    logFailure('indexing the workspace')(err);
  }
}

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
      for (const removed of event.removed) worker.notify('folderRemoved', { folder: filePathOf(removed.uri) });
      const added = event.added.map((f) => filePathOf(f.uri));
      s.folders = [...s.folders.filter((f) => !event.removed.some((r) => filePathOf(r.uri) === f)), ...added];
      void indexWorkspace(s, added);
    });
  }
  void indexWorkspace(s, s.folders);
});

connection.onDidChangeWatchedFiles(({ changes }) => {
  const s = session;
  if (!s) return;
  const changed: string[] = [];
  const deleted: string[] = [];
  for (const change of changes) {
    const file = filePathOf(change.uri);
    if (!isGoFile(file)) continue;
    (change.type === FileChangeType.Deleted ? deleted : changed).push(file);
  }
  if (changed.length + deleted.length === 0) return;
  worker.notify('filesChanged', { changed, deleted });
  const dirs = [...new Set([...changed, ...deleted].map((f) => path.dirname(f)))];
  s.linter.lintDependents(dirs).catch(logFailure(`linting the dependents of ${dirs.join(', ')}`));
});

connection.onDidChangeConfiguration(({ settings }) => {
  session?.settings.changed(settings);
  session?.linter.lintAll().catch(logFailure('linting after a settings change'));
});

connection.onCodeAction(async ({ textDocument, context }) => {
  const s = session;
  const version = documents.version(textDocument.uri);
  if (!s || version === undefined) return [];
  try {
    const findings = await s.linter.findingsFor(textDocument.uri);
    return codeActionsFor(context.diagnostics, findings, { uri: textDocument.uri, version });
  } catch (err) {
    logFailure(`code actions for ${textDocument.uri}`)(err);
    return [];
  }
});

registerServerRequests(connection, {
  handlers: ({ textDocument }) => worker.request('handlers', { file: filePathOf(textDocument.uri) }),
  testsOfFile: ({ textDocument }) => worker.request('testsOf', { uri: textDocument.uri, file: filePathOf(textDocument.uri) }),
  findings: async ({ files }) => {
    const s = session;
    if (!s) return { files: [] };
    return findingsOfFiles(files, {
      openUri: (file) => documents.uriOfFile(file),
      findingsOfOpen: (uri) => s.linter.findingsFor(uri),
      settings: (uri) => s.settings.get(uri),
      wasmDir: __dirname,
      workerScript: path.join(__dirname, 'lintWorker.js'),
    });
  },
});

connection.onShutdown(() => worker.dispose());

// The server outlives any one bad file: an error that escapes a handler is logged, not fatal.
process.on('uncaughtException', logFailure('a request'));
process.on('unhandledRejection', logFailure('a request'));

documents.listen();
connection.listen();
