/**
 * The promise API over dist/goroutinesWorker.js (worker.ts), on the channel of
 * src/protocol/goroutinesWorker.ts: the extension host hands over bytes and gets a Goroutines view or a
 * leak-watch report back, never parsing on its own thread. Errors keep their class (DumpParseError,
 * TransportError…). After dispose() no worker is started again.
 */
import path from 'node:path';
import { GOROUTINES_WORKER_ERRORS, goroutinesWorker, goroutinesWorkerHost } from '../protocol/goroutinesWorker';
import type { ParamsOf, ResultOf } from '../protocol/rpc';
import { WorkerChannel } from '../protocol/workerThread';

type Spec = typeof goroutinesWorker;
type Method = keyof Spec['requests'] & string;

/** A leak snapshot waits for the service's heap profile and dump: the transport's own timeouts come first. */
const REQUEST_TIMEOUT_MS = 10 * 60_000;

export class GoroutinesWorker {
  private readonly channel: WorkerChannel<typeof goroutinesWorkerHost, Spec>;

  constructor(script: string = path.join(__dirname, 'goroutinesWorker.js')) {
    this.channel = new WorkerChannel({
      script,
      peer: 'the goroutines worker',
      host: goroutinesWorkerHost,
      thread: goroutinesWorker,
      requests: {},
      events: {},
      errors: GOROUTINES_WORKER_ERRORS,
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
  }

  analyze = this.call('analyze');
  watchSnapshot = this.call('watchSnapshot');
  watchStart = this.call('watchStart');
  watchResume = this.call('watchResume');
  watchList = this.call('watchList');
  watchDelete = this.call('watchDelete');

  watchClose(watchId: number): Promise<null> {
    return this.channel.request('watchClose', { watchId });
  }

  /** Stops the worker for good: pending requests reject, later ones are refused. */
  dispose(): void {
    this.channel.dispose();
  }

  private call<M extends Method>(method: M): (params: ParamsOf<Spec, M>) => Promise<ResultOf<Spec, M>> {
    return (params) => this.channel.request(method, params);
  }
}
