/**
 * The promise API the extension host (and anything else that must stay responsive) uses to decode
 * profiles and build views: the work happens in dist/pprofWorker.js (worker.ts), never on the caller's
 * thread. Errors from the worker arrive as ProfileError with the worker's one-line message.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ProfileError } from './errors';
import type { Profile } from './model';
import type { SizeLimit } from './sizeLimit';
import type { ViewRequest, WorkerReply, WorkerRequest, WorkerResults } from './workerProtocol';

export type { ProfileSummary, SubtreeResult, TopResultMessage, TreeResult, ViewRequest } from './workerProtocol';

/** Pruning default: boxes below 1/2000 of the view (well under a pixel on any screen) fold into their parent. */
export const DEFAULT_MIN_FRACTION = 1 / 2000;

type Op = WorkerRequest['op'];
type RequestBody<K extends Op> = Omit<Extract<WorkerRequest, { op: K }>, 'id' | 'op'>;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

export class ProfileWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;

  /**
   * `workerScript` defaults to pprofWorker.js next to the running bundle (dist/); `limit` gives the size
   * limit of every open and decode that names none (read when called: a changed setting applies next time).
   */
  constructor(
    private readonly workerScript: string = path.join(__dirname, 'pprofWorker.js'),
    private readonly limit: () => SizeLimit = () => ({}),
  ) {}

  /**
   * Decodes a profile and keeps it in the worker; the bytes are copied, the caller's stay usable. A
   * profile larger than the limit once unpacked is a ProfileError (ProfileTooLargeError's message).
   */
  open(bytes: Uint8Array, limit: SizeLimit = this.limit()): Promise<WorkerResults['open']> {
    const copy = new Uint8Array(bytes);
    return this.call('open', { bytes: copy, limit }, [copy.buffer]);
  }

  /** Decodes a profile and returns the whole model (one object per sample): for small profiles and tests. */
  decode(bytes: Uint8Array, limit: SizeLimit = this.limit()): Promise<Profile> {
    const copy = new Uint8Array(bytes);
    return this.call('decode', { bytes: copy, limit }, [copy.buffer]);
  }

  tree(view: ViewRequest & { minFraction?: number }): Promise<WorkerResults['tree']> {
    return this.call('tree', { ...view, minFraction: view.minFraction ?? DEFAULT_MIN_FRACTION });
  }

  subtree(treeId: number, nodeId: number, minFraction = DEFAULT_MIN_FRACTION): Promise<WorkerResults['subtree']> {
    return this.call('subtree', { treeId, nodeId, minFraction });
  }

  top(view: ViewRequest): Promise<WorkerResults['top']> {
    return this.call('top', view);
  }

  /** The flame-graph search's matched share of a built tree (a Go regexp, as the panel sends it). */
  search(treeId: number, pattern: string): Promise<WorkerResults['search']> {
    return this.call('search', { treeId, pattern });
  }

  folded(view: ViewRequest): Promise<string> {
    return this.call('folded', view);
  }

  /** Per-line flat and cum of a view (lineCosts.ts), for the editor's inline costs. */
  lineCosts(view: ViewRequest): Promise<WorkerResults['lineCosts']> {
    return this.call('lineCosts', view);
  }

  /** String label keys of an open profile with their distinct values. */
  labels(profileId: number): Promise<WorkerResults['labels']> {
    return this.call('labels', { profileId });
  }

  close(profileId: number): Promise<null> {
    return this.call('close', { profileId });
  }

  /** Stops the worker; pending calls reject. */
  dispose(): void {
    this.disposed = true;
    this.stop(new Error('the profile worker was stopped'));
  }

  private call<K extends Op>(op: K, body: RequestBody<K>, transfer: ArrayBuffer[] = []): Promise<WorkerResults[K]> {
    if (this.disposed) return Promise.reject(new Error('the profile worker was stopped'));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<WorkerResults[K]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.ref();
      worker.postMessage({ id, op, ...body }, transfer);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerScript);
    worker.on('message', (reply: WorkerReply) => {
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      // An idle worker must not keep a CLI process alive.
      if (this.pending.size === 0) worker.unref();
      if (reply.ok) pending.resolve(reply.result);
      else pending.reject(reply.error.name === 'ProfileError' ? new ProfileError(reply.error.message) : new Error(reply.error.message));
    });
    worker.on('error', (err) => this.stop(new Error(`the profile worker failed: ${err.message}`)));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.stop(new Error(`the profile worker exited (code ${code})`));
    });
    this.worker = worker;
    return worker;
  }

  private stop(reason: Error): void {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) void worker.terminate();
    for (const pending of this.pending.values()) pending.reject(reason);
    this.pending.clear();
  }
}

/** One-shot: decode `bytes` in a fresh worker and return the model. */
export async function decodeInWorker(bytes: Uint8Array, workerScript?: string): Promise<Profile> {
  const worker = new ProfileWorker(workerScript);
  try {
    return await worker.decode(bytes);
  } finally {
    worker.dispose();
  }
}
