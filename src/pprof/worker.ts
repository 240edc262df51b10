/**
 * Entry of dist/pprofWorker.js: decodes profiles and builds views in a worker thread, so the extension
 * host's main thread never spends a second on a large profile. The views are the profile store's
 * (profileStore.ts, the same one report.html's page runs); the channel is src/protocol/pprofWorker.ts.
 */
import { PPROF_ERRORS, pprofHost, pprofWorker } from '../protocol/pprofWorker';
import { serveWorker } from '../protocol/workerThread';
import { decodePackedProfile, decodePackedProfileStreamed } from './decode';
import { unpackProfile } from './packed';
import { ProfileStore } from './profileStore';

const store = new ProfileStore();

serveWorker({
  thread: pprofWorker,
  host: pprofHost,
  errors: PPROF_ERRORS,
  requests: {
    // Opening is asynchronous: the gunzip streams on the thread pool while this thread decodes.
    open: async ({ bytes, limit }) => store.add(await decodePackedProfileStreamed(bytes, limit)),
    decode: ({ bytes, limit }) => unpackProfile(decodePackedProfile(bytes, limit)),
    tree: (request) => store.tree(request),
    subtree: ({ treeId, nodeId, minFraction }) => store.subtree(treeId, nodeId, minFraction),
    top: (request) => store.top(request),
    folded: (request) => store.folded(request),
    search: ({ treeId, pattern }) => store.search(treeId, pattern),
    lineCosts: (request) => store.lineCosts(request),
    labels: ({ profileId }) => store.labels(profileId),
    close: ({ profileId }) => store.close(profileId),
  },
  events: {},
});
