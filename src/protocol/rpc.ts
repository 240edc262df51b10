/**
 * The one request/reply mechanism of every channel Goroscope opens inside itself: the extension host and
 * its webview pages, the host (or CLI, or language server) and its worker threads. Each channel declares
 * in its own protocol module what each side answers (`SideSpec`: requests with the shape of their
 * parameters and result, events with the shape of their parameters) and which error classes cross it;
 * an `RpcEndpoint` per side then gives:
 *
 * - typed calls: `request(method, params)` resolves to that method's result type, `notify` sends an event;
 * - a handler for every request and event the side declares, or the compiler says which is missing;
 * - a timeout on every request (the promise rejects with RequestTimeoutError, a late reply is dropped);
 * - `dispose()`: pending requests reject with ChannelClosedError, new calls are refused, nothing more is
 *   received or answered;
 * - errors that keep their class: a handler's ProfileError is a ProfileError where the request was made
 *   (the channel lists the classes; fields such as TransportError's `kind` come along);
 * - every received message checked against the declared shapes before any handler sees it: malformed ones
 *   are reported (`onMalformed`) and, when they carry a request id, answered with a ProtocolError.
 *
 * The language server's custom requests (lsp.ts) travel over LSP's JSON-RPC instead, with the same error
 * classes (`serializeError` / `reviveError` in the ResponseError's data) and the same pending requests
 * (`PendingRequests`: timeout, dispose) on the client (serverRequests.ts).
 *
 * No vscode, Node or DOM use: the webview bundle, the workers and the host all import it.
 */
import { isRecord, type Infer, type Shape } from './shape';

/** What one side of a channel answers: its requests (params → result) and the events it listens to. */
export interface SideSpec {
  readonly requests: Readonly<Record<string, RequestSpec<unknown, unknown>>>;
  readonly events: Readonly<Record<string, Shape<unknown>>>;
}

export interface RequestSpec<P, R> {
  readonly params: Shape<P>;
  readonly result: Shape<R>;
}

/** Declares a request in a SideSpec. */
export function request<P, R>(params: Shape<P>, result: Shape<R>): RequestSpec<P, R> {
  return { params, result };
}

export type RequestMethod<S extends SideSpec> = keyof S['requests'] & string;
export type EventMethod<S extends SideSpec> = keyof S['events'] & string;
export type ParamsOf<S extends SideSpec, M extends RequestMethod<S>> = Infer<S['requests'][M]['params']>;
export type ResultOf<S extends SideSpec, M extends RequestMethod<S>> = Infer<S['requests'][M]['result']>;
export type EventParamsOf<S extends SideSpec, M extends EventMethod<S>> = Infer<S['events'][M]>;

/** One function per request the side answers: a missing one is a compile error. */
export type RequestHandlers<S extends SideSpec> = {
  [M in RequestMethod<S>]: (params: ParamsOf<S, M>) => Promise<ResultOf<S, M>> | ResultOf<S, M>;
};

/** One function per event the side listens to. */
export type EventHandlers<S extends SideSpec> = {
  [M in EventMethod<S>]: (params: EventParamsOf<S, M>) => void;
};

/**
 * Handlers that wait for `ready` (a session still being made: a profile decoding) before answering; a
 * failure to get ready is each request's failure.
 */
export function handlersAfter<S extends SideSpec>(spec: S, ready: Promise<RequestHandlers<S>>): RequestHandlers<S> {
  const handlers: Record<string, (params: unknown) => Promise<unknown>> = {};
  for (const method of Object.keys(spec.requests)) {
    handlers[method] = async (params) => ((await ready) as Record<string, (p: unknown) => unknown>)[method]?.(params);
  }
  return handlers as RequestHandlers<S>;
}

/** The messages on the wire. Plain data: postMessage clones them, or they are sent as JSON. */
export type RpcMessage =
  | { kind: 'request'; id: number; method: string; params: unknown }
  | { kind: 'event'; method: string; params: unknown }
  | { kind: 'reply'; id: number; result: unknown }
  | { kind: 'error'; id: number; error: WireError };

/** An error as it crosses a channel. */
export interface WireError {
  name: string;
  message: string;
  /** The error's own enumerable fields that survive JSON (TransportError's kind, url, status…). */
  data?: Record<string, unknown>;
}

/** How an endpoint reaches the other side. */
export interface Transport {
  post(message: RpcMessage, transfer?: readonly Transferable[]): void;
  /** Starts delivering what arrives; returns the function that stops it. */
  listen(receive: (message: unknown) => void): () => void;
}

/** A request got no reply in time. */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
}

/** The channel was disposed (a page closed, a worker stopped) before a reply came, or a call came after. */
export class ChannelClosedError extends Error {
  override readonly name = 'ChannelClosedError';
}

/** The other side sent something this side cannot use, or answered a request it does not know. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

/** An error class a channel lets through with its class kept (its instances must have a constant `name`). */
export type ErrorClass = abstract new (...args: never[]) => Error;

/** Every channel keeps these. */
const RPC_ERRORS: readonly ErrorClass[] = [RequestTimeoutError, ChannelClosedError, ProtocolError];

export interface EndpointOptions<Local extends SideSpec, Remote extends SideSpec> {
  /** Names the other side in messages: `the flame-graph page`, `the profile worker`. */
  peer: string;
  local: Local;
  remote: Remote;
  transport: Transport;
  requests: RequestHandlers<Local>;
  events: EventHandlers<Local>;
  /** Error classes (besides the channel's own) that keep their class when they cross. */
  errors?: readonly ErrorClass[];
  /** Default timeout of `request`, in ms (30 s). */
  timeoutMs?: number;
  /** Check the results the other side returns against their shapes (when it is not trusted). */
  checkResults?: boolean;
  /** A message that was dropped or refused, and why (for the log). */
  onMalformed?: (problem: string) => void;
  /** Called when the number of requests awaiting a reply changes (a worker is kept alive while it is > 0). */
  onPendingChange?: (pending: number) => void;
}

export interface RequestOptions {
  timeoutMs?: number;
  /** ArrayBuffers handed over rather than copied (worker transports). */
  transfer?: readonly Transferable[];
}

interface Pending {
  method: string;
  resolve(result: unknown): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The requests a side awaits replies to, with the rules every channel keeps: each has a timeout (its
 * promise rejects with RequestTimeoutError and a late reply is dropped), `close` rejects them all with
 * ChannelClosedError and refuses new ones. RpcEndpoint keeps its requests here, and so does the client
 * of the language server's custom requests (serverRequests.ts), whose messages travel over LSP's JSON-RPC.
 */
export class PendingRequests {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  /** `peer` names the other side in messages; `onChange` hears the number pending whenever it changes. */
  constructor(
    private readonly peer: string,
    private readonly onChange?: (pending: number) => void,
  ) {}

  /**
   * A new request's id and the promise of its result. `onTimeout` runs when it times out (to cancel it
   * on the other side). A closed set refuses it: the promise rejects with ChannelClosedError at once.
   */
  start<R>(method: string, timeoutMs: number, onTimeout?: () => void): { id: number; result: Promise<R> } {
    const id = this.nextId++;
    if (this.closed) return { id, result: Promise.reject(new ChannelClosedError(`${this.peer}: the channel is closed`)) };
    const result = new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.pending.delete(id)) return;
        this.changed();
        onTimeout?.();
        reject(new RequestTimeoutError(`${this.peer} did not answer "${method}" within ${formatMs(timeoutMs)}`));
      }, timeoutMs);
      this.pending.set(id, { method, resolve: resolve as (r: unknown) => void, reject, timer });
    });
    this.changed();
    return { id, result };
  }

  /** The method of a request still awaiting its reply; undefined once settled, timed out or never started. */
  methodOf(id: number): string | undefined {
    return this.pending.get(id)?.method;
  }

  /** Resolves or rejects a pending request; a reply to one no longer pending is dropped. */
  settle(id: number, result: unknown, err?: Error): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    this.changed();
    if (err) pending.reject(err);
    else pending.resolve(result);
  }

  /** Rejects every pending request with ChannelClosedError(reason); `refuseNew` also refuses every later one. */
  rejectAll(reason: string, refuseNew: boolean): void {
    if (refuseNew) this.closed = true;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(new ChannelClosedError(reason));
    }
    if (pending.length > 0) this.changed();
  }

  get size(): number {
    return this.pending.size;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private changed(): void {
    this.onChange?.(this.pending.size);
  }
}

export class RpcEndpoint<Local extends SideSpec, Remote extends SideSpec> {
  private readonly pending: PendingRequests;
  private readonly stopListening: () => void;
  private readonly errorClasses: Map<string, ErrorClass>;

  constructor(private readonly options: EndpointOptions<Local, Remote>) {
    this.pending = new PendingRequests(options.peer, options.onPendingChange);
    this.errorClasses = errorRegistry([...RPC_ERRORS, ...(options.errors ?? [])]);
    this.stopListening = options.transport.listen((message) => this.receive(message));
  }

  /** Sends a request; resolves with its result, rejects with the handler's error (class kept), on timeout or dispose. */
  request<M extends RequestMethod<Remote>>(method: M, params: ParamsOf<Remote, M>, options: RequestOptions = {}): Promise<ResultOf<Remote, M>> {
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const { id, result } = this.pending.start<ResultOf<Remote, M>>(method, timeoutMs);
    if (this.pending.isClosed) return result;
    try {
      this.options.transport.post({ kind: 'request', id, method, params }, options.transfer);
    } catch (err) {
      this.pending.settle(id, undefined, err instanceof Error ? err : new Error(String(err)));
    }
    return result;
  }

  /** Sends an event (no reply); ignored once the channel is closed. */
  notify<M extends EventMethod<Remote>>(method: M, params: EventParamsOf<Remote, M>): void {
    if (this.closed) return;
    this.options.transport.post({ kind: 'event', method, params });
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private get closed(): boolean {
    return this.pending.isClosed;
  }

  /** Rejects every pending request, refuses new ones and stops receiving. */
  dispose(reason = `${this.options.peer}: the channel was closed`): void {
    if (this.closed) return;
    this.pending.rejectAll(reason, true);
    this.stopListening();
  }

  /** Feeds one received message (transports call this through `listen`). */
  private receive(raw: unknown): void {
    if (this.closed) return;
    const message = checkMessage(raw);
    if (typeof message === 'string') {
      this.malformed(message, replyIdOf(raw));
      return;
    }
    switch (message.kind) {
      case 'reply':
        this.receiveReply(message.id, message.result);
        return;
      case 'error':
        this.pending.settle(message.id, undefined, reviveError(message.error, this.errorClasses));
        return;
      case 'event':
        this.receiveEvent(message.method, message.params);
        return;
      case 'request':
        this.receiveRequest(message.id, message.method, message.params);
        return;
    }
  }

  private receiveReply(id: number, result: unknown): void {
    const method = this.pending.methodOf(id);
    if (method === undefined) return; // timed out already, or never ours
    if (this.options.checkResults) {
      const spec = ownValue(this.options.remote.requests, method);
      const problem = spec?.result.check(result, '');
      if (problem !== undefined) {
        this.pending.settle(id, undefined, new ProtocolError(`${this.options.peer} answered "${method}" with a malformed result: ${problem}`));
        return;
      }
    }
    this.pending.settle(id, result);
  }

  private receiveEvent(method: string, params: unknown): void {
    const shape = ownValue(this.options.local.events, method);
    const handler = ownValue(this.options.events as Record<string, (p: unknown) => void>, method);
    if (!shape || !handler) return this.malformed(`unknown event "${method.slice(0, 60)}"`);
    const problem = shape.check(params, '');
    if (problem !== undefined) return this.malformed(`${problem} in event "${method}"`);
    try {
      handler(params);
    } catch (err) {
      this.options.onMalformed?.(`the "${method}" event handler failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private receiveRequest(id: number, method: string, params: unknown): void {
    const spec = ownValue(this.options.local.requests, method);
    const handler = ownValue(this.options.requests as Record<string, (p: unknown) => unknown>, method);
    if (!spec || !handler) return this.malformed(`unknown request "${method.slice(0, 60)}"`, id);
    const problem = spec.params.check(params, '');
    if (problem !== undefined) return this.malformed(`${problem} in request "${method}"`, id);
    void Promise.resolve()
      .then(() => handler(params))
      .then(
        (result) => {
          if (!this.closed) this.options.transport.post({ kind: 'reply', id, result: result ?? null });
        },
        (err: unknown) => {
          if (!this.closed) this.options.transport.post({ kind: 'error', id, error: serializeError(err) });
        },
      );
  }

  private malformed(problem: string, replyId?: number): void {
    this.options.onMalformed?.(`dropped a message from ${this.options.peer}: ${problem}`);
    if (replyId !== undefined && !this.closed) {
      this.options.transport.post({ kind: 'error', id: replyId, error: serializeError(new ProtocolError(`malformed request: ${problem}`)) });
    }
  }

}

/** The message as an RpcMessage, or why it is not one. Parameters are checked later, against the method. */
export function checkMessage(x: unknown): RpcMessage | string {
  if (!isRecord(x)) return 'not an object';
  const id = x.id;
  const validId = typeof id === 'number' && Number.isSafeInteger(id) && id > 0;
  switch (x.kind) {
    case 'request':
      if (!validId) return 'missing or bad id';
      if (typeof x.method !== 'string') return 'missing method';
      return { kind: 'request', id: id as number, method: x.method, params: x.params };
    case 'event':
      if (typeof x.method !== 'string') return 'missing method';
      return { kind: 'event', method: x.method, params: x.params };
    case 'reply':
      if (!validId) return 'missing or bad id';
      return { kind: 'reply', id: id as number, result: x.result };
    case 'error': {
      if (!validId) return 'missing or bad id';
      const e = x.error;
      if (!isRecord(e) || typeof e.name !== 'string' || typeof e.message !== 'string') return 'malformed error';
      const error: WireError = { name: e.name, message: e.message };
      if (isRecord(e.data)) error.data = e.data;
      return { kind: 'error', id: id as number, error };
    }
    default:
      return `unknown message kind ${JSON.stringify(x.kind)?.slice(0, 60)}`;
  }
}

/** A request's id when a malformed message still names one (to answer it with an error). */
function replyIdOf(x: unknown): number | undefined {
  return isRecord(x) && x.kind === 'request' && typeof x.id === 'number' && Number.isSafeInteger(x.id) && x.id > 0 ? x.id : undefined;
}

function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** An error (or anything thrown) as it crosses a channel. */
export function serializeError(err: unknown): WireError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const wire: WireError = { name: err.name, message: err.message };
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(err)) {
    if (key === 'name' || key === 'message' || key === 'stack') continue;
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) data[key] = value;
  }
  if (Object.keys(data).length > 0) wire.data = data;
  return wire;
}

/** The error as its class (when the channel knows the class by that name), with its fields; a plain Error with that name otherwise. */
export function reviveError(wire: WireError, classes: ReadonlyMap<string, ErrorClass>): Error {
  const cls = classes.get(wire.name);
  // The constructor is not run: some take other arguments first (TransportError's kind), and the fields come from `data`.
  const err: Error = cls ? (Object.create(cls.prototype) as Error) : new Error(wire.message);
  Object.defineProperty(err, 'message', { value: wire.message, writable: true, configurable: true });
  Object.defineProperty(err, 'name', { value: wire.name, writable: true, configurable: true });
  if (cls) Object.defineProperty(err, 'stack', { value: `${wire.name}: ${wire.message}\n    (from the other side of a channel)`, writable: true, configurable: true });
  if (wire.data) {
    for (const [key, value] of Object.entries(wire.data)) {
      if (key !== '__proto__' && key !== 'constructor') Object.defineProperty(err, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return err;
}

/**
 * Error classes by the `name` their instances carry. Class names are no good (bundles are minified), so
 * each class is instantiated once without arguments to read it.
 */
export function errorRegistry(classes: readonly ErrorClass[]): Map<string, ErrorClass> {
  const registry = new Map<string, ErrorClass>();
  for (const cls of classes) {
    const name = new (cls as unknown as new () => Error)().name;
    if (name === 'Error') throw new Error('an error class crossing a channel needs a name of its own');
    if (registry.has(name) && registry.get(name) !== cls) throw new Error(`two error classes are named ${name}: a channel could not tell them apart`);
    registry.set(name, cls);
  }
  return registry;
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
