// A real LSP client for tests: spawns `node dist/server.js --stdio` and talks JSON-RPC to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type FileEvent,
  type InitializeResult,
  type LogMessageParams,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';

export const REPO_ROOT = findRepoRoot(__dirname);
export const SERVER_JS = path.join(REPO_ROOT, 'dist', 'server.js');

export interface LintSettingsForTest {
  enable: boolean;
  run: 'onSave' | 'onType';
  disabledRules: string[];
  tests: 'on' | 'off';
}

interface Waiter {
  uri: string;
  accept: (p: PublishDiagnosticsParams) => boolean;
  resolve: (p: PublishDiagnosticsParams) => void;
}

export interface StartOptions {
  workspaceFolder?: string;
  settings?: Partial<LintSettingsForTest>;
}

export class LspSession {
  /** What the test answers to workspace/configuration for `goroscope.lint`. */
  settings: LintSettingsForTest;
  readonly logs: LogMessageParams[] = [];
  readonly configurationRequests: string[] = [];
  stderr = '';
  exitCode: number | null | undefined;
  private readonly waiters: Waiter[] = [];
  private readonly logWaiters: Array<() => void> = [];
  private readonly versions = new Map<string, number>();

  private constructor(
    readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
    settings: Partial<LintSettingsForTest>,
  ) {
    this.settings = { enable: true, run: 'onSave', disabledRules: [], tests: 'on', ...settings };
  }

  static async start(options: StartOptions = {}): Promise<LspSession> {
    if (!existsSync(SERVER_JS)) throw new Error(`${SERVER_JS} is missing: run npm run build first`);
    const child = spawn(process.execPath, [SERVER_JS, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createProtocolConnection(
      new StreamMessageReader(child.stdout as NodeJS.ReadableStream),
      new StreamMessageWriter(child.stdin as NodeJS.WritableStream),
    );
    const session = new LspSession(child, connection, options.settings ?? {});
    child.stderr?.on('data', (chunk: Buffer) => (session.stderr += chunk.toString()));
    child.on('exit', (code) => (session.exitCode = code));
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => session.received(params));
    connection.onNotification(LogMessageNotification.type, (params) => {
      session.logs.push(params);
      for (const waiter of session.logWaiters.splice(0)) waiter();
    });
    connection.onRequest(ConfigurationRequest.type, (params) =>
      params.items.map((item) => {
        session.configurationRequests.push(item.scopeUri ?? '');
        return item.section === 'goroscope.lint' ? { ...session.settings } : null;
      }),
    );
    connection.onRequest(RegistrationRequest.type, () => undefined);
    connection.listen();

    const folder = options.workspaceFolder;
    const result: InitializeResult = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: folder ? uriOf(folder) : null,
      workspaceFolders: folder ? [{ uri: uriOf(folder), name: path.basename(folder) }] : null,
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true, didChangeConfiguration: { dynamicRegistration: false } },
        textDocument: {
          synchronization: { didSave: true, dynamicRegistration: false },
          publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true },
          codeAction: {
            codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } },
            isPreferredSupport: true,
          },
        },
      },
    });
    session.initializeResult = result;
    await connection.sendNotification(InitializedNotification.type, {});
    return session;
  }

  initializeResult: InitializeResult | undefined;

  /** Resolves with the next publishDiagnostics for `uri` that `accept` likes. Register before acting. */
  nextDiagnostics(uri: string, timeoutMs = 10_000, accept: (p: PublishDiagnosticsParams) => boolean = () => true): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        uri,
        accept,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no publishDiagnostics for ${uri} within ${timeoutMs} ms (server exit: ${this.exitCode}; stderr: ${this.stderr.slice(-500)})`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Resolves with the first log message (past or future) that `accept` likes. */
  async logMessage(accept: (l: LogMessageParams) => boolean, timeoutMs = 5_000): Promise<LogMessageParams> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs.find(accept);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no such log message within ${timeoutMs} ms: ${JSON.stringify(this.logs)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.logWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Fails if a publishDiagnostics for `uri` arrives within `ms`. */
  async expectNoDiagnostics(uri: string, ms: number): Promise<void> {
    const published = await this.nextDiagnostics(uri, ms).then(
      (p) => p,
      () => undefined,
    );
    if (published) throw new Error(`unexpected publishDiagnostics for ${uri}: ${JSON.stringify(published.diagnostics)}`);
  }

  async open(file: string, text: string): Promise<void> {
    this.versions.set(uriOf(file), 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: uriOf(file), languageId: 'go', version: 1, text },
    });
  }

  async change(file: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const uri = uriOf(file);
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  version(file: string): number | undefined {
    return this.versions.get(uriOf(file));
  }

  async save(file: string): Promise<void> {
    await this.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri: uriOf(file) } });
  }

  async close(file: string): Promise<void> {
    this.versions.delete(uriOf(file));
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: uriOf(file) } });
  }

  async changeSettings(settings: Partial<LintSettingsForTest>): Promise<void> {
    this.settings = { ...this.settings, ...settings };
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  async filesChanged(changes: FileEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  isAlive(): boolean {
    return this.exitCode === undefined && this.child.exitCode === null;
  }

  async stop(): Promise<void> {
    if (this.isAlive()) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      try {
        await withTimeout(this.connection.sendRequest(ShutdownRequest.type), 5_000);
        await this.connection.sendNotification(ExitNotification.type);
        await withTimeout(exited, 5_000);
      } catch {
        this.child.kill();
      }
    }
    this.connection.dispose();
  }

  private received(params: PublishDiagnosticsParams): void {
    const index = this.waiters.findIndex((w) => w.uri === params.uri && w.accept(params));
    if (index < 0) return;
    const [waiter] = this.waiters.splice(index, 1);
    waiter?.resolve(params);
  }
}

export function uriOf(file: string): string {
  return pathToFileURL(file).href;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'scripts', 'build.mjs'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no repository root above ${start}`);
  }
}
