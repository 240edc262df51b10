/**
 * The pprof worker's channel (dist/pprofWorker.js, src/pprof/worker.ts): what the extension host and the
 * CLI ask it. Profiles and built trees stay in the worker (src/pprof/profileStore.ts); the caller gets
 * summaries and pruned trees and asks for subtrees by id. ProfileError keeps its class on the way back.
 */
import type { LineCostsResult } from '../pprof/lineCosts';
import type { Profile } from '../pprof/model';
import { ProfileError } from '../pprof/errors';
import type { ProfileSummary, SubtreeResult, TopResult, TreeResult, ViewRequest } from '../pprof/profileStore';
import type { SizeLimit } from '../pprof/sizeLimit';
import { request, type ErrorClass, type SideSpec } from './rpc';
import { trusted } from './shape';

/** What the worker answers. Nothing here comes from a page: the shapes are declared, not checked. */
export const pprofWorker = {
  requests: {
    /** Decodes a profile and keeps it; a profile larger than the limit once unpacked is a ProfileTooLargeError. */
    open: request(trusted<{ bytes: Uint8Array; limit: SizeLimit }>(), trusted<ProfileSummary>()),
    /** Decodes a profile and returns the whole model (one object per sample): small profiles and tests. */
    decode: request(trusted<{ bytes: Uint8Array; limit: SizeLimit }>(), trusted<Profile>()),
    tree: request(trusted<ViewRequest & { minFraction: number }>(), trusted<TreeResult>()),
    subtree: request(trusted<{ treeId: number; nodeId: number; minFraction: number }>(), trusted<SubtreeResult>()),
    /** With `limit`, the first rows only (pprof's order): ordering a million functions to show 500 is most of the work. */
    top: request(trusted<ViewRequest & { limit?: number }>(), trusted<TopResult>()),
    folded: request(trusted<ViewRequest>(), trusted<string>()),
    search: request(trusted<{ treeId: number; pattern: string }>(), trusted<{ matched: number; total: number }>()),
    lineCosts: request(trusted<ViewRequest>(), trusted<LineCostsResult>()),
    labels: request(trusted<{ profileId: number }>(), trusted<Record<string, string[]>>()),
    close: request(trusted<{ profileId: number }>(), trusted<null>()),
  },
  events: {},
} satisfies SideSpec;

/** The host answers nothing. */
export const pprofHost = { requests: {}, events: {} } satisfies SideSpec;

/** ProfileTooLargeError is a ProfileError by name: it arrives as one, its maxBytes with it. */
export const PPROF_ERRORS: readonly ErrorClass[] = [ProfileError];
