/**
 * The promise API over dist/fleetWorker.js (worker.ts). A FleetError thrown in the worker comes back as a
 * FleetError with its kind, so the extension can offer a token on 401 or a narrower selector.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { FleetError } from './errors';
import type { FleetWorkerReply, FleetWorkerRequest, FleetWorkerResults } from './workerProtocol';

type Op = FleetWorkerRequest['op'];
type Body<K extends Op> = Omit<Extract<FleetWorkerRequest, { op: K }>, 'id' | 'op'>;

export class FleetWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(private readonly script: string = path.join(__dirname, 'fleetWorker.js')) {}

  load(body: Body<'load'>): Promise<FleetWorkerResults['load']> {
    return this.call('load', body);
  }

  jobs(body: Body<'jobs'>): Promise<FleetWorkerResults['jobs']> {
    return this.call('jobs', body);
  }

  dispose(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error('the fleet worker was stopped'));
    void worker?.terminate();
  }

  private call<K extends Op>(op: K, body: Body<K>): Promise<FleetWorkerResults[K]> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.ref();
      worker.postMessage({ id, op, ...body });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    worker.on('message', (reply: FleetWorkerReply) => {
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (reply.ok) pending.resolve(reply.result);
      else pending.reject(reply.kind ? new FleetError(reply.kind, reply.error) : new Error(reply.error));
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(new Error(`the fleet worker exited (code ${code})`));
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
