/**
 * Entry of dist/fleetWorker.js: a fleet's range queries, their JSON (megabytes for hundreds of instances
 * over a week), the analysis and the page's view, all off the extension host's thread.
 */
import { parentPort } from 'node:worker_threads';
import { isFleetError } from './errors';
import { fleetJobs, loadFleet } from './load';
import { buildFleetView } from './view';
import type { FleetWorkerReply, FleetWorkerRequest } from './workerProtocol';

async function handle(request: FleetWorkerRequest): Promise<unknown> {
  switch (request.op) {
    case 'load': {
      const report = await loadFleet({ source: request.source, selector: request.selector, range: request.range });
      return buildFleetView(report, request.title, request.source.url);
    }
    case 'jobs':
      return fleetJobs(request.source);
  }
}

parentPort?.on('message', (request: FleetWorkerRequest) => {
  void handle(request).then(
    (result) => parentPort?.postMessage({ id: request.id, ok: true, result } satisfies FleetWorkerReply),
    (err: unknown) =>
      parentPort?.postMessage({
        id: request.id,
        ok: false,
        error: err instanceof Error ? err.message : String(err),
        ...(isFleetError(err) ? { kind: err.kind } : {}),
      } satisfies FleetWorkerReply),
  );
});
