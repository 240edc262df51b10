/** Requests and replies between the extension host and dist/goroutinesWorker.js (worker.ts). */
import type { LeakReport } from '../leaks/suspects';
import type { WatchListing, WatchMeta } from '../leaks/watchStore';
import type { FetchOptions } from '../pprof/fetch';
import type { GoroutinesView, WatchSnapshotView } from '../protocol/goroutinesView';
import type { ViewSource } from './view';

export type GoroutinesWorkerRequest =
  /**
   * Parse and cluster a dump (any format); join labels from a debug=1/0 profile of the same moment onto
   * groups whose dump printed none (the view's source then says so).
   */
  | { id: number; op: 'analyze'; dump: Uint8Array; labels?: Uint8Array; source: ViewSource }
  /**
   * Take one leak-watch snapshot of a service (fetching, parsing and ranking all happen in the worker).
   * `leakPass`: whether Go's leak detection may run for it (the host's GoroutineLeakPolicy decided).
   */
  | { id: number; op: 'watchSnapshot'; watchId: number; baseUrl: string; fetch: Omit<FetchOptions, 'signal'>; userModules: string[]; leakPass: 'ran' | 'earlier' | 'off' }
  /** Keep a new watch's snapshots on disk under `store.root` (each watchSnapshot then appends). */
  | { id: number; op: 'watchStart'; watchId: number; store: WatchStoreLocation; meta: Omit<WatchMeta, 'id'> }
  /**
   * Load a stored watch and rank it. With `append`, it is kept under `watchId` and later watchSnapshots add
   * to it (refused while another watch of this worker appends to it); without, nothing is kept.
   */
  | { id: number; op: 'watchResume'; watchId: number; store: WatchStoreLocation; storedId: string; userModules: string[]; append: boolean }
  /** The stored watches, most recently active first, and which of them are taking snapshots now. */
  | { id: number; op: 'watchList'; store: WatchStoreLocation }
  /** Delete a stored watch (refused while it takes snapshots). */
  | { id: number; op: 'watchDelete'; store: WatchStoreLocation; storedId: string }
  /** The watch ended (stopped, or its page closed): forget its snapshots in memory; what is stored stays. */
  | { id: number; op: 'watchClose'; watchId: number };

export interface WatchStoreLocation {
  root: string;
  /** Most watches kept; starting one more drops the oldest. */
  maxWatches: number;
}

export interface GoroutinesWorkerResults {
  analyze: GoroutinesView;
  watchSnapshot: { snapshot: WatchSnapshotView; report: LeakReport };
  watchStart: WatchMeta;
  watchResume: { meta: WatchMeta; snapshots: WatchSnapshotView[]; report: LeakReport; problems: string[] };
  watchList: WatchListing & { running: string[] };
  watchDelete: null;
  watchClose: null;
}

export type GoroutinesWorkerReply =
  | { id: number; ok: true; result: GoroutinesWorkerResults[keyof GoroutinesWorkerResults] }
  | { id: number; ok: false; error: string };
