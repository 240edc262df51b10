/**
 * The profiles a viewer has open and the views built over them (trees, subtrees, top tables, searches,
 * per-line costs): the one implementation of these jobs, run by the pprof worker (worker.ts, for the
 * extension and the CLI) and by report.html's page over the profiles embedded in it. Pure: no Node, no
 * DOM, no decoding (the caller decodes and `add`s the profile).
 */
import { ProfileError } from './errors';
import { buildCallTree, type CallTree } from './flameTree';
import { foldedStacks } from './folded';
import { compileGoRegexp } from './goRegexp';
import { labelValues, lineCosts, type LineCostsResult } from './lineCosts';
import type { FlameNode, SampleType, TopRow, ViewFilter } from './model';
import type { PackedProfile } from './packed';
import { resolveSampleIndex } from './sampleTypes';
import { topFunctions } from './top';


/** What a view asks for: sample type (name or index; default as pprof), filters, inversion, diff base. */
export interface ViewRequest {
  profileId: number;
  sampleIndex?: string | number;
  filter?: ViewFilter;
  inverted?: boolean;
  /** Another open profile to subtract (pprof -diff_base). */
  baseId?: number;
}

export interface ProfileSummary {
  profileId: number;
  sampleTypes: SampleType[];
  defaultSampleIndex: number;
  periodType: SampleType | null;
  period: number;
  timeNanos: number;
  durationNanos: number;
  sampleCount: number;
  comments: string[];
}

export interface TreeResult {
  /** Ask for deeper parts of this tree with `subtree(treeId, nodeId)`. */
  treeId: number;
  sampleType: SampleType;
  sampleIndex: number;
  /** Root total: the sum of the sample type over the kept samples. */
  total: number;
  root: FlameNode;
}

export interface SubtreeResult {
  root: FlameNode;
  /** Node ids from the tree's root to this node, for breadcrumbs. */
  path: number[];
}

export interface TopResult {
  sampleType: SampleType;
  sampleIndex: number;
  total: number;
  rows: TopRow[];
}

/** Trees kept for subtree and search requests; older ones are dropped (the viewer builds the view again). */
const MAX_TREES = 8;

export class ProfileStore {
  private nextId = 1;
  private readonly profiles = new Map<number, PackedProfile>();
  /** Built trees by id, with the view they show (viewKey) so a top table of the same view reuses them. */
  private readonly trees = new Map<number, { profileId: number; view: string; tree: CallTree }>();

  /** Keeps a decoded profile; its summary names it from now on. */
  add(profile: PackedProfile): ProfileSummary {
    const profileId = this.nextId++;
    this.profiles.set(profileId, profile);
    return summarize(profileId, profile);
  }

  /** The flame tree of a view, pruned: boxes below `minFraction` of the root fold into their parent. */
  tree(request: ViewRequest & { minFraction: number }): TreeResult {
    const { profile, sampleIndex, base } = this.resolve(request);
    const tree = buildCallTree(profile, sampleIndex, request.filter, { inverted: request.inverted === true, ...(base ? { base } : {}) });
    const treeId = this.nextId++;
    this.trees.set(treeId, { profileId: request.profileId, view: viewKey(request, sampleIndex), tree });
    for (const id of this.trees.keys()) {
      if (this.trees.size <= MAX_TREES) break;
      this.trees.delete(id);
    }
    return { treeId, sampleType: tree.sampleType, sampleIndex, total: tree.rootTotal, root: tree.flameNode(0, clampFraction(request.minFraction)) as FlameNode };
  }

  /** A node's subtree of a tree built before, pruned relative to that node, with the path to it. */
  subtree(treeId: number, nodeId: number, minFraction: number): SubtreeResult {
    const tree = this.treeOf(treeId);
    const root = tree.flameNode(nodeId, clampFraction(minFraction));
    if (!root) throw new ProfileError(`tree ${treeId} has no node ${nodeId}`);
    return { root, path: tree.pathTo(nodeId) };
  }

  /** The view's top table in pprof -top's order; with `limit`, its first rows only. */
  top(request: ViewRequest & { limit?: number }): TopResult {
    const { profile, sampleIndex, base } = this.resolve(request);
    // The panel asks for a view's tree and its top table together: the tree's stacks give the table.
    const built = [...this.trees.values()].reverse().find((t) => t.view === viewKey(request, sampleIndex));
    const limit = request.limit ?? 0;
    const { total, rows } = built ? built.tree.topFunctions(limit) : topFunctions(profile, sampleIndex, request.filter, { limit, ...(base ? { base } : {}) });
    return { sampleType: profile.sampleTypes[sampleIndex] as SampleType, sampleIndex, total, rows };
  }

  folded(request: ViewRequest): string {
    const { profile, sampleIndex } = this.resolve(request);
    return foldedStacks(profile, sampleIndex, request.filter);
  }

  /** The flame-graph search: the share of a built tree under frames whose function matches (nested matches once). */
  search(treeId: number, pattern: string): { matched: number; total: number } {
    const tree = this.treeOf(treeId);
    return { matched: tree.matchedTotal(compileGoRegexp(pattern, 'search')), total: tree.rootTotal };
  }

  lineCosts(request: ViewRequest): LineCostsResult {
    const { profile, sampleIndex } = this.resolve(request);
    return lineCosts(profile, sampleIndex, request.filter);
  }

  /** String label keys of an open profile with their distinct values. */
  labels(profileId: number): Record<string, string[]> {
    return labelValues(this.profile(profileId));
  }

  close(profileId: number): null {
    this.profiles.delete(profileId);
    for (const [id, entry] of this.trees) if (entry.profileId === profileId) this.trees.delete(id);
    return null;
  }

  private treeOf(treeId: number): CallTree {
    const entry = this.trees.get(treeId);
    if (!entry) throw new ProfileError(`tree ${treeId} is no longer available; build the view again`);
    return entry.tree;
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

/** What a top table and a tree of the same view share: profile, sample type, filter, base (not inversion). */
function viewKey(request: ViewRequest, sampleIndex: number): string {
  return JSON.stringify([request.profileId, sampleIndex, request.filter ?? {}, request.baseId ?? null]);
}

function clampFraction(f: number): number {
  return Number.isFinite(f) && f > 0 ? Math.min(f, 1) : 0;
}
