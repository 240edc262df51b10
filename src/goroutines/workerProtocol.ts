/** Requests and replies between the extension host and dist/goroutinesWorker.js (worker.ts). */
import type { LeakReport } from '../leaks/suspects';
import type { FetchOptions } from '../pprof/fetch';
import type { GoroutinesView, WatchSnapshotView } from '../protocol/goroutinesView';
import type { ViewSource } from './view';

export type GoroutinesWorkerRequest =
  /** Parse and cluster a dump (any format); join labels from a debug=1/0 profile of the same moment. */
  | { id: number; op: 'analyze'; dump: Uint8Array; labels?: Uint8Array; source: ViewSource }
  /** Take one leak-watch snapshot of a service (fetching, parsing and ranking all happen in the worker). */
  | { id: number; op: 'watchSnapshot'; watchId: number; baseUrl: string; fetch: Omit<FetchOptions, 'signal'>; userModules: string[] }
  /** Forget a watch's snapshots. */
  | { id: number; op: 'watchClose'; watchId: number };

export interface GoroutinesWorkerResults {
  analyze: GoroutinesView;
  watchSnapshot: { snapshot: WatchSnapshotView; report: LeakReport };
  watchClose: null;
}

export type GoroutinesWorkerReply =
  | { id: number; ok: true; result: GoroutinesWorkerResults[keyof GoroutinesWorkerResults] }
  | { id: number; ok: false; error: string };
