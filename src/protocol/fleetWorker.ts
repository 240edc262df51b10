/**
 * The extension host ⇄ the fleet worker (dist/fleetWorker.js, src/fleet/worker.ts), over the shared
 * request/reply mechanism (rpc.ts, workerThread.ts). The worker runs a fleet's range queries, reads their
 * JSON (megabytes for hundreds of instances over a week) and builds the page's view; its FleetErrors
 * keep their class and kind, so the host can offer a token on 401/403 or a narrower selector.
 */
import type { PrometheusSource } from '../fleet/prometheus';
import type { TimeRange } from '../fleet/range';
import type { FleetView } from './fleet';
import { request, type SideSpec } from './rpc';
import { trusted } from './shape';

/** What the worker answers. Its caller is this process: the parameters are trusted. */
export const fleetWorker = {
  requests: {
    /** Query the fleet and build the page's view. */
    load: request(trusted<{ source: PrometheusSource; selector: string; range: TimeRange; title: string }>(), trusted<FleetView>()),
    /** The jobs that export Go runtime metrics, for the selector picker. */
    jobs: request(trusted<{ source: PrometheusSource }>(), trusted<string[]>()),
  },
  events: {},
} satisfies SideSpec;

/** The host answers nothing. */
export const fleetWorkerHost = { requests: {}, events: {} } satisfies SideSpec;
