/**
 * report.html's ProfileEngine: the same pprof core as the worker (tree, top, filters), run in the
 * page over profiles embedded in it. There is no worker here: the page is a static document.
 */
import { forEachStack, viewProfile } from '../src/pprof/filter';
import { buildCallTree, ROOT_ID, type CallTree } from '../src/pprof/flameTree';
import { compileGoRegexp } from '../src/pprof/goRegexp';
import type { Profile, SampleType } from '../src/pprof/model';
import { packProfile, type PackedProfile } from '../src/pprof/packed';
import { resolveSampleIndex } from '../src/pprof/sampleTypes';
import { topFunctions } from '../src/pprof/top';
import type { ProfileSummary, ViewRequest } from '../src/pprof/workerProtocol';
import type { ProfileEngine } from '../src/extension/panel/session';

export class ReportEngine implements ProfileEngine {
  private nextId = 1;
  private readonly profiles = new Map<number, PackedProfile>();
  private readonly trees = new Map<number, CallTree>();

  /** Makes an embedded profile available; returns what `open` returns in the worker. */
  add(profile: Profile | PackedProfile): ProfileSummary {
    const packed = packProfile(profile);
    const profileId = this.nextId++;
    this.profiles.set(profileId, packed);
    return {
      profileId,
      sampleTypes: packed.sampleTypes,
      defaultSampleIndex: packed.defaultSampleIndex,
      periodType: packed.periodType,
      period: packed.period,
      timeNanos: packed.timeNanos,
      durationNanos: packed.durationNanos,
      sampleCount: packed.sampleCount,
      comments: packed.comments,
    };
  }

  async open(): Promise<ProfileSummary> {
    throw new Error('a report cannot load other profiles');
  }

  async tree(request: ViewRequest & { minFraction: number }) {
    const { profile, sampleIndex, base } = this.resolve(request);
    const tree = buildCallTree(profile, sampleIndex, request.filter, { inverted: request.inverted === true, ...(base ? { base } : {}) });
    const treeId = this.nextId++;
    this.trees.set(treeId, tree);
    // A report page keeps the trees of its current views only.
    for (const id of this.trees.keys()) if (this.trees.size > 8) this.trees.delete(id);
    return { treeId, sampleType: tree.sampleType, sampleIndex, total: tree.rootTotal, root: tree.flameNode(ROOT_ID, request.minFraction)! };
  }

  async subtree(treeId: number, nodeId: number, minFraction: number) {
    const tree = this.trees.get(treeId);
    const root = tree?.flameNode(nodeId, minFraction);
    if (!tree || !root) throw new Error('that part of the graph is no longer available; zoom again');
    return { root, path: tree.pathTo(nodeId) };
  }

  async top(request: ViewRequest) {
    const { profile, sampleIndex, base } = this.resolve(request);
    const { total, rows } = topFunctions(profile, sampleIndex, request.filter, base ? { base } : {});
    return { sampleType: profile.sampleTypes[sampleIndex] as SampleType, sampleIndex, total, rows };
  }

  /** Samples with a frame whose function matches, counted once each: the matched share of the view. */
  async search(_treeId: number, request: ViewRequest, pattern: string) {
    const { profile, sampleIndex } = this.resolve(request);
    const re = compileGoRegexp(pattern, 'search');
    const view = viewProfile(profile, sampleIndex, request.filter);
    const fnMatch = view.profile.functions.map((fn) => re.test(fn.name));
    const frameFunction = view.profile.frameFunction;
    let matched = 0;
    let total = 0;
    forEachStack(view, (frames, depth, value) => {
      total += value;
      for (let i = 0; i < depth; i++) {
        if (fnMatch[frameFunction[frames[i] as number] as number]) {
          matched += value;
          break;
        }
      }
    });
    return { matched, total };
  }

  async close(profileId: number): Promise<void> {
    this.profiles.delete(profileId);
  }

  private resolve(request: ViewRequest): { profile: PackedProfile; sampleIndex: number; base?: PackedProfile } {
    const profile = this.profiles.get(request.profileId);
    if (!profile) throw new Error(`profile ${request.profileId} is not loaded`);
    const sampleIndex = resolveSampleIndex(profile, request.sampleIndex);
    const base = request.baseId === undefined ? undefined : this.profiles.get(request.baseId);
    return base ? { profile, sampleIndex, base } : { profile, sampleIndex };
  }
}
