/**
 * The fleet worker (dist/fleetWorker.js) as the extension host calls it: started on the first request,
 * kept alive only while one is out. A FleetError thrown there arrives here as a FleetError with its kind.
 */
import path from 'node:path';
import type { FleetView } from '../protocol/fleet';
import { fleetWorker, fleetWorkerHost } from '../protocol/fleetWorker';
import { WorkerChannel } from '../protocol/workerThread';
import { FleetError } from './errors';
import type { PrometheusSource } from './prometheus';
import type { TimeRange } from './range';

/** A week of hundreds of instances from a loaded server can take a while; the transport's own timeouts still apply per request. */
const TIMEOUT_MS = 5 * 60_000;

export class FleetWorker {
  private readonly channel: WorkerChannel<typeof fleetWorkerHost, typeof fleetWorker>;

  constructor(script: string = path.join(__dirname, 'fleetWorker.js')) {
    this.channel = new WorkerChannel({
      script,
      peer: 'the fleet worker',
      host: fleetWorkerHost,
      thread: fleetWorker,
      requests: {},
      events: {},
      errors: [FleetError],
      timeoutMs: TIMEOUT_MS,
    });
  }

  load(params: { source: PrometheusSource; selector: string; range: TimeRange; title: string }): Promise<FleetView> {
    return this.channel.request('load', params);
  }

  jobs(params: { source: PrometheusSource }): Promise<string[]> {
    return this.channel.request('jobs', params);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
