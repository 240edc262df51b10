/**
 * The lint pool's channel (dist/lintWorker.js, src/lint/worker.ts): the CLI's `lint` and the language
 * server's findings of files not open lint whole packages on worker threads, one package per request, on
 * the mechanism of every channel (rpc.ts: a timeout, dispose, errors kept).
 */
import type { LintJob, LintJobReply } from '../lint/lintPool';
import { request, type SideSpec } from './rpc';
import { trusted } from './shape';

/** What a lint worker answers. Nothing here comes from outside the process: the shapes are declared, not checked. */
export const lintWorker = {
  requests: {
    /** Reads, indexes and lints every file of one package; failures are results, never errors. */
    lintPackage: request(trusted<LintJob>(), trusted<LintJobReply>()),
  },
  events: {},
} satisfies SideSpec;

/** The pool answers nothing. */
export const lintWorkerHost = { requests: {}, events: {} } satisfies SideSpec;
