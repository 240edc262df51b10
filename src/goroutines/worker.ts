/**
 * Entry of dist/goroutinesWorker.js: parsing, clustering and leak ranking off the extension host's
 * main thread. A running leak watch's snapshots (heap profiles included) live here, keyed by watch id,
 * and are stored here too (src/leaks/watchStore.ts): no file of a watch is read or written on the host.
 */
import { findLeakSuspects, type LeakSnapshot } from '../leaks/suspects';
import { takeLeakSnapshot } from '../leaks/watch';
import { WatchStore } from '../leaks/watchStore';
import { joinLabels } from './cluster';
import { loadGoroutines, loadGoroutineSummary } from './load';
import { buildGoroutinesView } from './view';
import type { WatchSnapshotView } from '../protocol/goroutinesView';
import { GOROUTINES_WORKER_ERRORS, goroutinesWorker, goroutinesWorkerHost } from '../protocol/goroutinesWorker';
import { serveWorker } from '../protocol/workerThread';

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

/** Stored watches that snapshots are being added to: the cap never deletes them, nothing else appends to them. */
function appending(except?: number): Set<string> {
  const ids = new Set<string>();
  for (const [watchId, watch] of watches) if (watchId !== except && watch.stored) ids.add(watch.stored.id);
  return ids;
}

function snapshotView(snapshot: LeakSnapshot): WatchSnapshotView {
  return { takenAt: snapshot.takenAt, goroutines: snapshot.goroutines?.total ?? null, problems: snapshot.problems };
}

serveWorker({
  thread: goroutinesWorker,
  host: goroutinesWorkerHost,
  errors: GOROUTINES_WORKER_ERRORS,
  requests: {
    analyze: async (request) => {
      const summary = loadGoroutineSummary(request.dump);
      const joined = request.labels ? joinLabels(summary, loadGoroutines(request.labels)) : 0;
      const source = joined > 0 ? { ...request.source, source: `${request.source.source}, labels from debug=1` } : request.source;
      return buildGoroutinesView(summary, source);
    },
    watchSnapshot: async (request) => {
      const watch = watchOf(request.watchId);
      const { heapBytes, ...snapshot } = await takeLeakSnapshot(request.baseUrl, request.fetch, Date.now, () => request.leakPass);
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
    },
    watchStart: async (request) => {
      const store = new WatchStore(request.store.root, request.store.maxWatches);
      const meta = await store.create(request.meta, appending());
      watchOf(request.watchId).stored = { store, id: meta.id, nextIndex: 0 };
      return meta;
    },
    watchResume: async (request) => {
      const store = new WatchStore(request.store.root, request.store.maxWatches);
      if (!request.append) {
        const loaded = await store.load(request.storedId);
        return { meta: loaded.meta, snapshots: loaded.snapshots.map(snapshotView), report: findLeakSuspects(loaded.snapshots, request.userModules), problems: loaded.problems };
      }
      if (appending(request.watchId).has(request.storedId)) throw new Error('this leak watch is taking snapshots already; stop it before continuing it');
      // Claimed before loading, so a second Continue arriving meanwhile is refused too.
      const watch: Watch = { snapshots: [], stored: { store, id: request.storedId, nextIndex: 0 } };
      watches.set(request.watchId, watch);
      try {
        const loaded = await store.load(request.storedId);
        watch.snapshots = loaded.snapshots;
        watch.stored = { store, id: loaded.meta.id, nextIndex: loaded.nextIndex };
        return { meta: loaded.meta, snapshots: loaded.snapshots.map(snapshotView), report: findLeakSuspects(loaded.snapshots, request.userModules), problems: loaded.problems };
      } catch (err) {
        watches.delete(request.watchId);
        throw err;
      }
    },
    watchList: async (request) => {
      const listing = await new WatchStore(request.store.root, request.store.maxWatches).list();
      return { ...listing, running: [...appending()] };
    },
    watchDelete: async (request) => {

      if (appending().has(request.storedId)) throw new Error('this leak watch is taking snapshots; stop it before deleting it');
      await new WatchStore(request.store.root, request.store.maxWatches).delete(request.storedId);
      return null;
    },
    watchClose: async (request) => {

      watches.delete(request.watchId);
      return null;
    },
  },
  events: {},
});
