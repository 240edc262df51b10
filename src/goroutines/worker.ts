/**
 * Entry of dist/goroutinesWorker.js: parsing, clustering and leak ranking off the extension host's
 * main thread. A leak watch's snapshots (heap profiles included) live here, keyed by watch id.
 */
import { parentPort } from 'node:worker_threads';
import { findLeakSuspects, type LeakSnapshot } from '../leaks/suspects';
import { takeLeakSnapshot } from '../leaks/watch';
import { clusterGoroutines, joinLabels } from './cluster';
import { loadGoroutines } from './load';
import { buildGoroutinesView } from './view';
import type { GoroutinesWorkerReply, GoroutinesWorkerRequest, GoroutinesWorkerResults } from './workerProtocol';

const watches = new Map<number, LeakSnapshot[]>();

async function handle(request: GoroutinesWorkerRequest): Promise<GoroutinesWorkerResults[keyof GoroutinesWorkerResults]> {
  switch (request.op) {
    case 'analyze': {
      const summary = clusterGoroutines(loadGoroutines(request.dump));
      if (request.labels) joinLabels(summary, loadGoroutines(request.labels));
      return buildGoroutinesView(summary, request.source);
    }
    case 'watchSnapshot': {
      let snapshots = watches.get(request.watchId);
      if (!snapshots) watches.set(request.watchId, (snapshots = []));
      const snapshot = await takeLeakSnapshot(request.baseUrl, request.fetch);
      snapshots.push(snapshot);
      const report = findLeakSuspects(snapshots, request.userModules);
      return { snapshot: { takenAt: snapshot.takenAt, goroutines: snapshot.goroutines?.total ?? null, problems: snapshot.problems }, report };
    }
    case 'watchClose':
      watches.delete(request.watchId);
      return null;
  }
}

parentPort?.on('message', (request: GoroutinesWorkerRequest) => {
  void handle(request).then(
    (result) => parentPort?.postMessage({ id: request.id, ok: true, result } satisfies GoroutinesWorkerReply),
    (err: unknown) => parentPort?.postMessage({ id: request.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies GoroutinesWorkerReply),
  );
});
