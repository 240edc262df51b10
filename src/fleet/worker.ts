/**
 * Entry of dist/fleetWorker.js: a fleet's range queries, their JSON, the analysis and the page's view,
 * all off the extension host's thread (src/protocol/fleetWorker.ts declares the channel).
 */
import { fleetWorker, fleetWorkerHost } from '../protocol/fleetWorker';
import { serveWorker } from '../protocol/workerThread';
import { FleetError } from './errors';
import { fleetJobs, loadFleet } from './load';
import { buildFleetView } from './view';

serveWorker({
  thread: fleetWorker,
  host: fleetWorkerHost,
  requests: {
    async load({ source, selector, range, title }) {
      return buildFleetView(await loadFleet({ source, selector, range }), title, source.url);
    },
    jobs: ({ source }) => fleetJobs(source),
  },
  events: {},
  errors: [FleetError],
});
