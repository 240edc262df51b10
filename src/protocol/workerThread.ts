/**
 * The RPC mechanism (rpc.ts) over Node worker threads: `WorkerChannel` is the starting side's end (the
 * extension host, the CLI, the language server), `serveWorker` the worker's. A worker starts on the first
 * request, is kept alive only while requests are out (so an idle worker never keeps a CLI process
 * running), is started again by the next request after a crash, and is stopped for good by dispose().
 */
import { parentPort, Worker, type MessagePort, type TransferListItem } from 'node:worker_threads';
import {
  RpcEndpoint,
  type ErrorClass,
  type EventHandlers,
  type EventMethod,
  type EventParamsOf,
  type ParamsOf,
  type RequestHandlers,
  type RequestMethod,
  type RequestOptions,
  type ResultOf,
  type SideSpec,
  type Transport,
  ChannelClosedError,
} from './rpc';

/** A transport over a worker or its parent port. */
export function portTransport(port: MessagePort | Worker): Transport {
  return {
    post: (message, transfer) => port.postMessage(message, transfer as readonly TransferListItem[] | undefined),
    listen(receive) {
      port.on('message', receive);
      return () => port.off('message', receive);
    },
  };
}

export interface WorkerChannelOptions<Host extends SideSpec, Thread extends SideSpec> {
  /** The bundled worker script (dist/…Worker.js). */
  script: string;
  workerData?: unknown;
  /** The worker, in words, for messages: `the profile worker`. */
  peer: string;
  /** What the host side answers (usually nothing) and what the worker answers. */
  host: Host;
  thread: Thread;
  requests: RequestHandlers<Host>;
  events: EventHandlers<Host>;
  errors?: readonly ErrorClass[];
  timeoutMs?: number;
  onMalformed?: (problem: string) => void;
  /** Told when a worker exits or fails unexpectedly (it is started again on the next request). */
  onExit?: (reason: string) => void;
}

export class WorkerChannel<Host extends SideSpec, Thread extends SideSpec> {
  private worker: Worker | undefined;
  private endpoint: RpcEndpoint<Host, Thread> | undefined;
  private disposed = false;

  constructor(private readonly options: WorkerChannelOptions<Host, Thread>) {}

  request<M extends RequestMethod<Thread>>(method: M, params: ParamsOf<Thread, M>, options?: RequestOptions): Promise<ResultOf<Thread, M>> {
    if (this.disposed) return Promise.reject(new ChannelClosedError(`${this.options.peer} was stopped`));
    return this.start().request(method, params, options);
  }

  notify<M extends EventMethod<Thread>>(method: M, params: EventParamsOf<Thread, M>): void {
    if (!this.disposed) this.start().notify(method, params);
  }

  /** Starts the worker thread now, if none runs, so that a request about to come does not wait for it to load. */
  warm(): void {
    if (!this.disposed) this.start();
  }

  /** Whether a worker thread is running now. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Stops the worker; pending requests reject and no new worker is ever started. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stop(`${this.options.peer} was stopped`);
  }

  private start(): RpcEndpoint<Host, Thread> {
    if (this.endpoint) return this.endpoint;
    const worker = new Worker(this.options.script, this.options.workerData === undefined ? {} : { workerData: this.options.workerData });
    const endpoint = new RpcEndpoint<Host, Thread>({
      peer: this.options.peer,
      local: this.options.host,
      remote: this.options.thread,
      transport: portTransport(worker),
      requests: this.options.requests,
      events: this.options.events,
      ...(this.options.errors ? { errors: this.options.errors } : {}),
      ...(this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {}),
      ...(this.options.onMalformed ? { onMalformed: this.options.onMalformed } : {}),
      // Alive while a request is out, not after: an idle worker must not keep a process running.
      onPendingChange: (pending) => (pending > 0 ? worker.ref() : worker.unref()),
    });
    worker.unref();
    worker.on('error', (err) => this.failed(worker, `${this.options.peer} failed: ${err.message}`));
    worker.on('exit', (code) => this.failed(worker, `${this.options.peer} exited (code ${code})`));
    this.worker = worker;
    this.endpoint = endpoint;
    return endpoint;
  }

  private failed(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.stop(reason);
    if (!this.disposed) this.options.onExit?.(reason);
  }

  private stop(reason: string): void {
    const worker = this.worker;
    const endpoint = this.endpoint;
    this.worker = undefined;
    this.endpoint = undefined;
    endpoint?.dispose(reason);
    if (worker) void worker.terminate();
  }
}

export interface ServeOptions<Thread extends SideSpec, Host extends SideSpec> {
  peer?: string;
  thread: Thread;
  host: Host;
  requests: RequestHandlers<Thread>;
  events: EventHandlers<Thread>;
  errors?: readonly ErrorClass[];
}

/** The worker's end: answers the host's requests on this thread's parent port. */
export function serveWorker<Thread extends SideSpec, Host extends SideSpec>(options: ServeOptions<Thread, Host>): RpcEndpoint<Thread, Host> {
  const port = parentPort;
  if (!port) throw new Error('this script runs as a worker thread');
  return new RpcEndpoint<Thread, Host>({
    peer: options.peer ?? 'the host',
    local: options.thread,
    remote: options.host,
    transport: portTransport(port),
    requests: options.requests,
    events: options.events,
    ...(options.errors ? { errors: options.errors } : {}),
    onMalformed: (problem) => process.stderr.write(`goroscope worker: ${problem}\n`),
  });
}
