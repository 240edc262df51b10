/**
 * The goroutines worker's channel (dist/goroutinesWorker.js, src/goroutines/worker.ts): parsing and
 * clustering dumps, and leak watches (fetching, ranking and storing their snapshots), all off the
 * extension host's thread. A dump that cannot be parsed, a service that does not answer or a stored
 * watch that cannot be read come back as their own error classes, with their fields.
 */
import { DumpParseError } from '../goroutines/parseDump';
import type { ViewSource } from '../goroutines/view';
import type { LeakReport } from '../leaks/suspects';
import { WatchStoreError, type WatchListing, type WatchMeta } from '../leaks/watchStore';
import { EndpointError } from '../pprof/endpoints';
import { ProfileError } from '../pprof/errors';
import { TransportError, type FetchOptions } from '../pprof/fetch';
import type { GoroutinesView, WatchSnapshotView } from './goroutinesView';
import { request, type ErrorClass, type ResultOf, type SideSpec } from './rpc';
import { trusted } from './shape';

export interface WatchStoreLocation {
  root: string;
  /** Most watches kept; starting one more drops the oldest. */
  maxWatches: number;
}

/** What the worker answers. */
export const goroutinesWorker = {
  requests: {
    /**
     * Parse and cluster a dump (any format); join labels from a debug=1/0 profile of the same moment onto
     * groups whose dump printed none (the view's source then says so).
     */
    analyze: request(trusted<{ dump: Uint8Array; labels?: Uint8Array; source: ViewSource }>(), trusted<GoroutinesView>()),
    /**
     * Take one leak-watch snapshot of a service (fetching, parsing and ranking all happen in the worker).
     * `leakPass`: whether Go's leak detection may run for it (the host's GoroutineLeakPolicy decided).
     */
    watchSnapshot: request(
      trusted<{ watchId: number; baseUrl: string; fetch: Omit<FetchOptions, 'signal'>; userModules: string[]; leakPass: 'ran' | 'earlier' | 'off' }>(),
      trusted<{ snapshot: WatchSnapshotView; report: LeakReport }>(),
    ),
    /** Keep a new watch's snapshots on disk under `store.root` (each watchSnapshot then appends). */
    watchStart: request(trusted<{ watchId: number; store: WatchStoreLocation; meta: Omit<WatchMeta, 'id'> }>(), trusted<WatchMeta>()),
    /**
     * Load a stored watch and rank it. With `append`, it is kept under `watchId` and later watchSnapshots add
     * to it (refused while another watch of this worker appends to it); without, nothing is kept.
     */
    watchResume: request(
      trusted<{ watchId: number; store: WatchStoreLocation; storedId: string; userModules: string[]; append: boolean }>(),
      trusted<WatchResumed>(),
    ),
    /** The stored watches, most recently active first, and which of them are taking snapshots now. */
    watchList: request(trusted<{ store: WatchStoreLocation }>(), trusted<WatchListing & { running: string[] }>()),
    /** Delete a stored watch (refused while it takes snapshots). */
    watchDelete: request(trusted<{ store: WatchStoreLocation; storedId: string }>(), trusted<null>()),
    /** The watch ended (stopped, or its page closed): forget its snapshots in memory; what is stored stays. */
    watchClose: request(trusted<{ watchId: number }>(), trusted<null>()),
  },
  events: {},
} satisfies SideSpec;

/** The host answers nothing. */
export const goroutinesWorkerHost = { requests: {}, events: {} } satisfies SideSpec;

export interface WatchResumed {
  meta: WatchMeta;
  snapshots: WatchSnapshotView[];
  report: LeakReport;
  problems: string[];
}

export const GOROUTINES_WORKER_ERRORS: readonly ErrorClass[] = [DumpParseError, TransportError, EndpointError, ProfileError, WatchStoreError];

/** Each request's result, by method. */
export type GoroutinesWorkerResults = { [M in keyof typeof goroutinesWorker.requests]: ResultOf<typeof goroutinesWorker, M> };
