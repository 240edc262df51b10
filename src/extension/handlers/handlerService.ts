/**
 * The extension's end of handler discovery: `dist/cli.js handlers --serve` forked with an IPC channel,
 * so parsing a package (about 2 s for net/http, a few ms for a small service) never runs on the
 * extension host's thread. Restarted on the next request if it exits; requests time out.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';
import type { Handler } from '../../handlers/model';
import type { HandlerServiceReply, HandlerServiceRequest } from '../../handlers/service';

const REQUEST_TIMEOUT_MS = 20_000;

interface Pending {
  resolve(handlers: Handler[]): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class HandlerService implements vscode.Disposable {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly changedEmitter = new vscode.EventEmitter<void>();
  /** Packages read in the background (or changed on disk) may have added or moved routes. */
  readonly onDidChange = this.changedEmitter.event;

  constructor(
    private readonly cliPath: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Handlers declared in `file`, `unsaved` holding the text of modified open Go files. */
  handlersOf(file: string, unsaved: Array<{ file: string; source: string }>): Promise<Handler[]> {
    const id = this.nextId++;
    return new Promise<Handler[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`handler discovery did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.send({ kind: 'handlersOf', id, file, unsaved });
    });
  }

  invalidate(files: string[]): void {
    if (this.child) this.send({ kind: 'invalidate', files });
  }

  dispose(): void {
    this.changedEmitter.dispose();
    this.rejectAll(new Error('handler discovery stopped'));
    this.child?.kill();
    this.child = undefined;
  }

  private send(request: HandlerServiceRequest): void {
    const child = this.child ?? this.start();
    child.send(request, (err) => {
      if (err && request.kind === 'handlersOf') this.settle(request.id, undefined, err);
    });
  }

  private start(): ChildProcess {
    const child = fork(this.cliPath, ['handlers', '--serve'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.child = child;
    child.stderr?.on('data', (chunk: Buffer) => this.log(chunk.toString('utf8').trimEnd()));
    child.on('message', (message: unknown) => this.receive(message));
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      this.rejectAll(new Error(`handler discovery exited (${signal ?? `code ${code}`})`));
    });
    child.on('error', (err) => this.log(`handler discovery: ${err.message}`));
    return child;
  }

  private receive(message: unknown): void {
    if (!isReply(message)) {
      this.log('handler discovery: ignored a malformed message');
      return;
    }
    if (message.kind === 'changed') this.changedEmitter.fire();
    else if (message.kind === 'handlers') this.settle(message.id, message.handlers);
    else this.settle(message.id, undefined, new Error(message.message));
  }

  private settle(id: number, handlers: Handler[] | undefined, err?: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (handlers) p.resolve(handlers);
    else p.reject(err ?? new Error('no answer'));
  }

  private rejectAll(err: Error): void {
    for (const [id] of this.pending) this.settle(id, undefined, err);
  }
}

function isReply(value: unknown): value is HandlerServiceReply {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  if (m.kind === 'changed') return true;
  if (m.kind === 'error') return typeof m.id === 'number' && typeof m.message === 'string';
  return m.kind === 'handlers' && typeof m.id === 'number' && Array.isArray(m.handlers) && m.handlers.every(isHandler);
}

function isHandler(value: unknown): value is Handler {
  if (typeof value !== 'object' || value === null) return false;
  const h = value as Record<string, unknown>;
  const nullableString = (v: unknown) => v === null || typeof v === 'string';
  return (
    typeof h.file === 'string' &&
    typeof h.line === 'number' &&
    typeof h.column === 'number' &&
    typeof h.function === 'string' &&
    typeof h.symbol === 'string' &&
    nullableString(h.route) &&
    nullableString(h.method) &&
    typeof h.framework === 'string'
  );
}
