/**
 * Entry of dist/goroutinesWorker.js: parsing, clustering and leak ranking off the extension host's
 * main thread. A leak watch's snapshots (heap profiles included) live here, keyed by watch id.
 */
import { parentPort } from 'node:worker_threads';
import { findLeakSuspects, type LeakSnapshot } from '../leaks/suspects';
import { takeLeakSnapshot } from '../leaks/watch';
import { WatchStore } from '../leaks/watchStore';
import { clusterGoroutines, joinLabels } from './cluster';
import { loadGoroutines } from './load';
import { buildGoroutinesView } from './view';
import type { WatchSnapshotView } from '../protocol/goroutinesView';
import type { GoroutinesWorkerReply, GoroutinesWorkerRequest, GoroutinesWorkerResults } from './workerProtocol';

interface Watch {
  snapshots: LeakSnapshot[];
  /** Where its snapshots are stored, when they are. */
  stored?: { store: WatchStore; id: string; nextIndex: number };
}

const watches = new Map<number, Watch>();

function watchOf(watchId: number): Watch {
  let watch = watches.get(watchId);
  if (!watch) watches.set(watchId, (watch = { snapshots: [] }));
  return watch;
}

function snapshotView(snapshot: LeakSnapshot): WatchSnapshotView {
  return { takenAt: snapshot.takenAt, goroutines: snapshot.goroutines?.total ?? null, problems: snapshot.problems };
}

async function handle(request: GoroutinesWorkerRequest): Promise<GoroutinesWorkerResults[keyof GoroutinesWorkerResults]> {
  switch (request.op) {
    case 'analyze': {
      const summary = clusterGoroutines(loadGoroutines(request.dump));
      if (request.labels) joinLabels(summary, loadGoroutines(request.labels));
      return buildGoroutinesView(summary, request.source);
    }
    case 'watchSnapshot': {
      const watch = watchOf(request.watchId);
      const { heapBytes, ...snapshot } = await takeLeakSnapshot(request.baseUrl, request.fetch);
      watch.snapshots.push(snapshot);
      if (watch.stored) {
        try {
          await watch.stored.store.append(watch.stored.id, watch.stored.nextIndex++, snapshot, heapBytes);
        } catch (err) {
          snapshot.problems.push(`not stored on disk: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      const report = findLeakSuspects(watch.snapshots, request.userModules);
      return { snapshot: snapshotView(snapshot), report };
    }
    case 'watchStart': {
      const store = new WatchStore(request.store.root, request.store.maxWatches);
      const meta = await store.create(request.meta);
      watchOf(request.watchId).stored = { store, id: meta.id, nextIndex: 0 };
      return meta;
    }
    case 'watchResume': {
      const store = new WatchStore(request.store.root, request.store.maxWatches);
      const loaded = await store.load(request.storedId);
      watches.set(request.watchId, { snapshots: loaded.snapshots, stored: { store, id: loaded.meta.id, nextIndex: loaded.nextIndex } });
      const report = findLeakSuspects(loaded.snapshots, request.userModules);
      return { meta: loaded.meta, snapshots: loaded.snapshots.map(snapshotView), report, problems: loaded.problems };
    }
    case 'watchList':
      return new WatchStore(request.store.root, request.store.maxWatches).list();
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
