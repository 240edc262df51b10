/** Requests and replies between the extension host and dist/fleetWorker.js (worker.ts). */
import type { FleetView } from '../protocol/fleet';
import type { FleetErrorKind } from './errors';
import type { PrometheusSource } from './prometheus';
import type { TimeRange } from './range';

export type FleetWorkerRequest =
  /** Query the fleet and build the page's view. */
  | { id: number; op: 'load'; source: PrometheusSource; selector: string; range: TimeRange; title: string }
  /** The jobs that export Go runtime metrics, for the selector picker. */
  | { id: number; op: 'jobs'; source: PrometheusSource };

export interface FleetWorkerResults {
  load: FleetView;
  jobs: string[];
}

export type FleetWorkerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string; kind?: FleetErrorKind };
