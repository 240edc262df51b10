/**
 * The session's ProfileEngine over the pprof worker (dist/pprofWorker.js): decoding and tree
 * building never run on the extension host's main thread. No vscode import.
 */
import { ProfileWorker } from '../../pprof/decodeInWorker';
import type { ProfileEngine } from './session';

export function workerEngine(worker: ProfileWorker): ProfileEngine {
  return {
    open: (bytes) => worker.open(bytes),
    tree: (request) => worker.tree(request),
    subtree: (treeId, nodeId, minFraction) => worker.subtree(treeId, nodeId, minFraction),
    top: (request) => worker.top(request),
    close: async (profileId) => {
      await worker.close(profileId);
    },
    search: (treeId, _request, pattern) => worker.search(treeId, pattern),
  };
}
