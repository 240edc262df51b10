/**
 * The promise API over dist/goroutinesWorker.js (worker.ts): the extension host hands over bytes and
 * gets a Goroutines view or a leak-watch report back, never parsing on its own thread.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { GoroutinesWorkerReply, GoroutinesWorkerRequest, GoroutinesWorkerResults } from './workerProtocol';

type Op = GoroutinesWorkerRequest['op'];
type Body<K extends Op> = Omit<Extract<GoroutinesWorkerRequest, { op: K }>, 'id' | 'op'>;

export class GoroutinesWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(private readonly script: string = path.join(__dirname, 'goroutinesWorker.js')) {}

  analyze(body: Body<'analyze'>): Promise<GoroutinesWorkerResults['analyze']> {
    return this.call('analyze', body);
  }

  watchSnapshot(body: Body<'watchSnapshot'>): Promise<GoroutinesWorkerResults['watchSnapshot']> {
    return this.call('watchSnapshot', body);
  }

  watchStart(body: Body<'watchStart'>): Promise<GoroutinesWorkerResults['watchStart']> {
    return this.call('watchStart', body);
  }

  watchResume(body: Body<'watchResume'>): Promise<GoroutinesWorkerResults['watchResume']> {
    return this.call('watchResume', body);
  }

  watchList(body: Body<'watchList'>): Promise<GoroutinesWorkerResults['watchList']> {
    return this.call('watchList', body);
  }

  watchDelete(body: Body<'watchDelete'>): Promise<GoroutinesWorkerResults['watchDelete']> {
    return this.call('watchDelete', body);
  }

  watchClose(watchId: number): Promise<null> {
    return this.call('watchClose', { watchId });
  }

  dispose(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error('the goroutines worker was stopped'));
    void worker?.terminate();
  }

  private call<K extends Op>(op: K, body: Body<K>): Promise<GoroutinesWorkerResults[K]> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.ref(); // kept alive while a request is out, not after
      worker.postMessage({ id, op, ...body });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    worker.on('message', (reply: GoroutinesWorkerReply) => {
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (reply.ok) pending.resolve(reply.result);
      else pending.reject(new Error(reply.error));
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(new Error(`the goroutines worker exited (code ${code})`));
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
