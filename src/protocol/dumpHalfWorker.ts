/**
 * goroscope goroutines ⇄ the dump-half worker (dist/dumpHalfWorker.js, src/goroutines/halfWorker.ts), over
 * the shared request/reply mechanism (rpc.ts, workerThread.ts): the worker reads the second half of a large
 * debug=2 dump while the CLI's thread reads the first (src/goroutines/loadInTwoThreads.ts).
 */
import type { PartGoroutines } from '../goroutines/dumpHalves';
import { request, type SideSpec } from './rpc';
import { trusted } from './shape';

/** What the worker answers. Its caller is this process: the parameters are trusted. */
export const dumpHalfWorker = {
  requests: {
    /** Decode `bytes[start, end)` (UTF-8, a SharedArrayBuffer's view: nothing is copied) and read its goroutines. */
    readPart: request(trusted<{ bytes: Uint8Array; start: number; end: number }>(), trusted<PartGoroutines>()),
  },
  events: {},
} satisfies SideSpec;

/** The CLI answers nothing. */
export const dumpHalfWorkerHost = { requests: {}, events: {} } satisfies SideSpec;
