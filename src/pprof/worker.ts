/**
 * Entry of dist/pprofWorker.js: decodes profiles and builds trees in a worker thread, so the extension
 * host's main thread never spends a second on a large profile. Profiles and built trees stay here;
 * the host gets summaries and pruned trees, and asks for subtrees by id when the user zooms.
 */
import { parentPort } from 'node:worker_threads';
import { ProfileError } from './errors';
import { buildCallTree, type CallTree } from './flameTree';
import { decodePackedProfile, decodePackedProfileStreamed } from './decode';
import { foldedStacks } from './folded';
import { labelValues, lineCosts } from './lineCosts';
import { compileGoRegexp } from './goRegexp';
import { unpackProfile, type PackedProfile } from './packed';
import { resolveSampleIndex } from './sampleTypes';
import { topFunctions } from './top';
import type { FlameNode } from './model';
import type { ProfileSummary, ViewRequest, WorkerReply, WorkerRequest, WorkerResults } from './workerProtocol';

/** Trees kept for subtree requests; older ones are dropped (the host rebuilds on demand). */
const MAX_TREES = 8;

export class ProfileStore {
  private nextId = 1;
  private readonly profiles = new Map<number, PackedProfile>();
  private readonly trees = new Map<number, { profileId: number; tree: CallTree }>();

  /** Answers a request; opening a profile is asynchronous (its gunzip runs on the thread pool). */
  handle(request: WorkerRequest): WorkerResults[WorkerRequest['op']] | Promise<WorkerResults['open']> {
    switch (request.op) {
      case 'open':
        return decodePackedProfileStreamed(request.bytes, request.limit ?? {}).then((profile) => {
          const profileId = this.nextId++;
          this.profiles.set(profileId, profile);
          return summarize(profileId, profile);
        });
      case 'decode':
        return unpackProfile(decodePackedProfile(request.bytes, request.limit ?? {}));
      case 'tree': {
        const { profile, sampleIndex, base } = this.resolve(request);
        const tree = buildCallTree(profile, sampleIndex, request.filter, { inverted: request.inverted === true, ...(base ? { base } : {}) });
        const treeId = this.nextId++;
        this.trees.set(treeId, { profileId: request.profileId, tree });
        for (const id of this.trees.keys()) {
          if (this.trees.size <= MAX_TREES) break;
          this.trees.delete(id);
        }
        return { treeId, sampleType: tree.sampleType, sampleIndex, total: tree.rootTotal, root: tree.flameNode(0, clampFraction(request.minFraction)) as FlameNode };
      }
      case 'subtree': {
        const entry = this.trees.get(request.treeId);
        if (!entry) throw new ProfileError(`tree ${request.treeId} is no longer available; build the view again`);
        const root = entry.tree.flameNode(request.nodeId, clampFraction(request.minFraction));
        if (!root) throw new ProfileError(`tree ${request.treeId} has no node ${request.nodeId}`);
        return { root, path: entry.tree.pathTo(request.nodeId) };
      }
      case 'top': {
        const { profile, sampleIndex, base } = this.resolve(request);
        const { total, rows } = topFunctions(profile, sampleIndex, request.filter, base ? { base } : {});
        return { sampleType: profile.sampleTypes[sampleIndex] as ProfileSummary['sampleTypes'][number], sampleIndex, total, rows };
      }
      case 'folded': {
        const { profile, sampleIndex } = this.resolve(request);
        return foldedStacks(profile, sampleIndex, request.filter);
      }
      case 'search': {
        const entry = this.trees.get(request.treeId);
        if (!entry) throw new ProfileError(`tree ${request.treeId} is no longer available; build the view again`);
        return { matched: entry.tree.matchedTotal(compileGoRegexp(request.pattern, 'search')), total: entry.tree.rootTotal };
      }
      case 'lineCosts': {
        const { profile, sampleIndex } = this.resolve(request);
        return lineCosts(profile, sampleIndex, request.filter);
      }
      case 'labels':
        return labelValues(this.profile(request.profileId));
      case 'close':
        this.profiles.delete(request.profileId);
        for (const [id, entry] of this.trees) if (entry.profileId === request.profileId) this.trees.delete(id);
        return null;
    }
  }

  private resolve(request: ViewRequest): { profile: PackedProfile; sampleIndex: number; base?: PackedProfile } {
    const profile = this.profile(request.profileId);
    const sampleIndex = resolveSampleIndex(profile, request.sampleIndex);
    const base = request.baseId === undefined ? undefined : this.profile(request.baseId);
    return base ? { profile, sampleIndex, base } : { profile, sampleIndex };
  }

  private profile(id: number): PackedProfile {
    const profile = this.profiles.get(id);
    if (!profile) throw new ProfileError(`profile ${id} is not open`);
    return profile;
  }
}

function summarize(profileId: number, p: PackedProfile): ProfileSummary {
  return {
    profileId,
    sampleTypes: p.sampleTypes,
    defaultSampleIndex: p.defaultSampleIndex,
    periodType: p.periodType,
    period: p.period,
    timeNanos: p.timeNanos,
    durationNanos: p.durationNanos,
    sampleCount: p.sampleCount,
    comments: p.comments,
  };
}

function clampFraction(f: number): number {
  return Number.isFinite(f) && f > 0 ? Math.min(f, 1) : 0;
}

if (parentPort) {
  const port = parentPort;
  const store = new ProfileStore();
  port.on('message', (request: WorkerRequest) => {
    const failed = (err: unknown): WorkerReply => {
      const e = err instanceof Error ? err : new Error(String(err));
      return { id: request.id, ok: false, error: { name: e.name, message: e.message } };
    };
    let result: unknown;
    try {
      result = store.handle(request);
    } catch (err) {
      port.postMessage(failed(err));
      return;
    }
    if (result instanceof Promise) result.then((r) => port.postMessage({ id: request.id, ok: true, result: r }), (err) => port.postMessage(failed(err)));
    else port.postMessage({ id: request.id, ok: true, result });
  });
}
