/**
 * The promise API the extension host and the CLI use to decode profiles and build views: the work happens
 * in dist/pprofWorker.js (worker.ts), never on the caller's thread, over the channel of
 * src/protocol/pprofWorker.ts (a timeout on every request, ProfileError kept as such). The extension keeps
 * one per window: the panel, inline costs and "Profile this handler" share it, and `acquire` decodes a
 * capture once however many of them look at it.
 */
import path from 'node:path';
import { PPROF_ERRORS, pprofHost, pprofWorker } from '../protocol/pprofWorker';
import { WorkerChannel } from '../protocol/workerThread';
import type { LineCostsResult } from './lineCosts';
import type { Profile } from './model';
import type { ProfileSummary, SubtreeResult, TopResult, TreeResult, ViewRequest } from './profileStore';
import type { SizeLimit } from './sizeLimit';

export type { ProfileSummary, SubtreeResult, TopResult, TreeResult, ViewRequest } from './profileStore';

/** Pruning default: boxes below 1/2000 of the view (well under a pixel on any screen) fold into their parent. */
export const DEFAULT_MIN_FRACTION = 1 / 2000;

/** Decoding a few hundred megabytes, or a tree of millions of nodes, can take a while on a slow machine. */
const REQUEST_TIMEOUT_MS = 5 * 60_000;

/** How long a profile nobody holds stays decoded: the panel usually opens a capture just after inline costs read it. */
const KEEP_UNUSED_MS = 30_000;

/** An open profile shared by key: release it when done (the last release closes it, a little later). */
export interface OpenProfile {
  summary: ProfileSummary;
  release(): void;
}

interface Shared {
  summary: Promise<ProfileSummary>;
  holders: number;
  closeTimer?: ReturnType<typeof setTimeout>;
}

export class ProfileWorker {
  private readonly channel: WorkerChannel<typeof pprofHost, typeof pprofWorker>;
  private readonly shared = new Map<string, Shared>();
  /** Opens that decoded bytes (not answered from `shared`): what tests count. */
  decodes = 0;

  /**
   * `workerScript` defaults to pprofWorker.js next to the running bundle (dist/); `limit` gives the size
   * limit of every open and decode that names none (read when called: a changed setting applies next time).
   */
  constructor(
    workerScript: string = path.join(__dirname, 'pprofWorker.js'),
    private readonly limit: () => SizeLimit = () => ({}),
  ) {
    this.channel = new WorkerChannel({
      script: workerScript,
      peer: 'the profile worker',
      host: pprofHost,
      thread: pprofWorker,
      requests: {},
      events: {},
      errors: PPROF_ERRORS,
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
  }

  /** Starts the worker's thread if it is not running: call it before reading a profile that it will decode next. */
  warm(): void {
    this.channel.warm();
  }

  /**
   * Decodes a profile and keeps it in the worker until `close`; the bytes are copied, the caller's stay
   * usable. A profile larger than the limit once unpacked is a ProfileError (ProfileTooLargeError's message).
   */
  open(bytes: Uint8Array, limit: SizeLimit = this.limit()): Promise<ProfileSummary> {
    const copy = new Uint8Array(bytes);
    this.decodes++;
    return this.channel.request('open', { bytes: copy, limit }, { transfer: [copy.buffer] });
  }

  /**
   * The profile known by `key` (a snapshot id, a file's URI), decoded once while anyone holds it: the
   * bytes are read only when it is not open already.
   */
  async acquire(key: string, bytes: () => Uint8Array | Promise<Uint8Array>): Promise<OpenProfile> {
    let entry = this.shared.get(key);
    if (!entry) {
      const summary = Promise.resolve().then(bytes).then((b) => this.open(b));
      entry = { summary, holders: 0 };
      this.shared.set(key, entry);
      // A failed open is forgotten at once: the next acquire tries again.
      summary.catch(() => {
        if (this.shared.get(key) === entry) this.shared.delete(key);
      });
    }
    const held = entry;
    held.holders++;
    if (held.closeTimer) clearTimeout(held.closeTimer);
    held.closeTimer = undefined;
    let summary: ProfileSummary;
    try {
      summary = await held.summary;
    } catch (err) {
      held.holders--;
      throw err;
    }
    let released = false;
    return {
      summary,
      release: () => {
        if (released) return;
        released = true;
        if (--held.holders > 0) return;
        held.closeTimer = setTimeout(() => {
          if (held.holders > 0 || this.shared.get(key) !== held) return;
          this.shared.delete(key);
          void this.close(summary.profileId).catch(() => undefined);
        }, KEEP_UNUSED_MS);
        held.closeTimer.unref?.();
      },
    };
  }

  /** Decodes a profile and returns the whole model (one object per sample): for small profiles and tests. */
  decode(bytes: Uint8Array, limit: SizeLimit = this.limit()): Promise<Profile> {
    const copy = new Uint8Array(bytes);
    return this.channel.request('decode', { bytes: copy, limit }, { transfer: [copy.buffer] });
  }

  tree(view: ViewRequest & { minFraction?: number }): Promise<TreeResult> {
    return this.channel.request('tree', { ...view, minFraction: view.minFraction ?? DEFAULT_MIN_FRACTION });
  }

  subtree(treeId: number, nodeId: number, minFraction = DEFAULT_MIN_FRACTION): Promise<SubtreeResult> {
    return this.channel.request('subtree', { treeId, nodeId, minFraction });
  }

  /** The view's top table; with `limit`, its first rows only (pprof's order). */
  top(view: ViewRequest & { limit?: number }): Promise<TopResult> {
    return this.channel.request('top', view);
  }

  /** The flame-graph search's matched share of a built tree (a Go regexp, as the panel sends it). */
  search(treeId: number, pattern: string): Promise<{ matched: number; total: number }> {
    return this.channel.request('search', { treeId, pattern });
  }

  folded(view: ViewRequest): Promise<string> {
    return this.channel.request('folded', view);
  }

  /** Per-line flat and cum of a view (lineCosts.ts), for the editor's inline costs. */
  lineCosts(view: ViewRequest): Promise<LineCostsResult> {
    return this.channel.request('lineCosts', view);
  }

  /** String label keys of an open profile with their distinct values. */
  labels(profileId: number): Promise<Record<string, string[]>> {
    return this.channel.request('labels', { profileId });
  }

  close(profileId: number): Promise<null> {
    return this.channel.request('close', { profileId });
  }

  /** Stops the worker; pending calls reject and no new worker starts. */
  dispose(): void {
    for (const entry of this.shared.values()) if (entry.closeTimer) clearTimeout(entry.closeTimer);
    this.shared.clear();
    this.channel.dispose();
  }
}

/** One-shot: decode `bytes` in a fresh worker and return the model. */
export async function decodeInWorker(bytes: Uint8Array, workerScript?: string): Promise<Profile> {
  const worker = new ProfileWorker(workerScript);
  try {
    return await worker.decode(bytes);
  } finally {
    worker.dispose();
  }
}
