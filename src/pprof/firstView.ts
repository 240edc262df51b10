/**
 * A profile's first view, computed where the profile is decoded anyway (`goroscope report` checks every
 * profile it embeds) and embedded beside the profile's bytes, so that report.html paints its flame graph
 * before it has decoded anything; and the engine that answers from those first views until the page's
 * own store holds the profiles (FirstViewEngine). Decoding a large profile in the page took most of the
 * time to its first paint; the first view is a few hundred kilobytes of JSON. Pure: no DOM, no Node.
 */
import type { PackedProfile } from './packed';
import { ProfileStore, type ProfileSummary, type TopResult, type TreeResult, type ViewRequest } from './profileStore';
import { FINEST_PRUNE_FRACTION, pruneFlameTree } from './prune';
import type { ProfileEngine } from './session';

/** The default view of a profile (its default sample type, no filter, not inverted, no base). */
export interface FirstView {
  summary: Omit<ProfileSummary, 'profileId'>;
  /** The share of the root under which the tree's boxes were folded: fine enough for any graph width. */
  minFraction: number;
  tree: Omit<TreeResult, 'treeId'>;
  /** The top table's first `topLimit` rows, as ProfileStore.top gives them. */
  top: TopResult;
  topLimit: number;
}

/** The first view of a decoded profile, as the page's store would build it (the same node ids). */
export function firstView(profile: PackedProfile, topLimit: number): FirstView {
  const store = new ProfileStore();
  const { profileId, ...summary } = store.add(profile);
  const { treeId: _treeId, ...tree } = store.tree({ profileId, minFraction: FINEST_PRUNE_FRACTION });
  const top = store.top({ profileId, limit: topLimit });
  return { summary, minFraction: FINEST_PRUNE_FRACTION, tree, top, topLimit };
}

/** A profile of the page: its first view if it came with one, and the store's summary once decoded. */
export interface DeferredProfile {
  first?: FirstView | undefined;
  /** Resolves when the profile is in the store behind the engine (its profileId is the store's). */
  opened: Promise<ProfileSummary>;
}

/**
 * The profile store's engine behind first views: a request a first view answers (the default view's
 * tree pruned as finely or less, its top table) is answered at once; the rest waits for the profiles
 * to be decoded. The page's profile ids are 1, 2, … in the order given (`summary(i)`); the store's may
 * differ and are translated. A first view's tree has the id -(page id) until someone looks into it
 * (zoom, search): then the store builds the same tree — a CallTree numbers its nodes in the order it
 * finds them, so the same view pruned the same way has the same node ids — and answers for it. Once a
 * profile is decoded, its views all come from the store.
 */
export class FirstViewEngine implements ProfileEngine {
  private readonly storeTrees = new Map<number, Promise<number>>();
  /** Page ids of the profiles the store holds: their views come from the store from then on. */
  private readonly inStoreAlready = new Set<number>();

  constructor(
    private readonly engine: ProfileEngine,
    private readonly profiles: readonly DeferredProfile[],
  ) {
    profiles.forEach((p, i) => p.opened.then(() => this.inStoreAlready.add(i + 1), () => undefined));
  }

  /** The summary of profile `index` as the page knows it: at once from a first view, else once decoded. */
  async summary(index: number): Promise<ProfileSummary> {
    const profile = this.profile(index + 1);
    if (profile.first) return { profileId: index + 1, ...profile.first.summary };
    return { ...(await profile.opened), profileId: index + 1 };
  }

  async tree(request: ViewRequest & { minFraction: number }): Promise<TreeResult> {
    const first = this.firstViewOf(request);
    if (first && request.minFraction >= first.minFraction) {
      const root = request.minFraction > first.minFraction ? pruneFlameTree(first.tree.root, request.minFraction) : first.tree.root;
      return { ...first.tree, treeId: -request.profileId, root };
    }
    return this.engine.tree({ ...(await this.inStore(request)), minFraction: request.minFraction });
  }

  async subtree(treeId: number, nodeId: number, minFraction: number) {
    // The root of a first view's tree, pruned as finely or less (the page's first view is coarser): at once.
    const first = treeId < 0 ? this.profiles[-treeId - 1]?.first : undefined;
    if (first && nodeId === first.tree.root.id && minFraction >= first.minFraction) {
      const root = minFraction > first.minFraction ? pruneFlameTree(first.tree.root, minFraction) : first.tree.root;
      return { root, path: [nodeId] };
    }
    return this.engine.subtree(await this.storeTree(treeId), nodeId, minFraction);
  }

  async top(request: ViewRequest & { limit?: number }): Promise<TopResult> {
    const first = this.firstViewOf(request);
    if (first && request.limit === first.topLimit) return first.top;
    const limit = request.limit;
    return this.engine.top({ ...(await this.inStore(request)), ...(limit === undefined ? {} : { limit }) });
  }

  async search(treeId: number, pattern: string) {
    return this.engine.search(await this.storeTree(treeId), pattern);
  }

  private profile(pageId: number): DeferredProfile {
    const profile = this.profiles[pageId - 1];
    if (!profile) throw new Error(`profile ${pageId} is not open`);
    return profile;
  }

  /** The first view that is this request's answer, if any. */
  private firstViewOf(request: ViewRequest): FirstView | undefined {
    const first = this.profiles[request.profileId - 1]?.first;
    if (!first || this.inStoreAlready.has(request.profileId) || request.baseId !== undefined || request.inverted === true) return undefined;
    if (request.sampleIndex !== undefined && request.sampleIndex !== first.tree.sampleIndex) return undefined;
    const filter = request.filter ?? {};
    if (Object.values(filter).some((v) => v !== undefined && v !== '')) return undefined;
    return first;
  }

  /** The request with the store's profile ids (waiting for the profiles to be decoded). */
  private async inStore(request: ViewRequest): Promise<ViewRequest> {
    const out: ViewRequest = { ...request, profileId: (await this.profile(request.profileId).opened).profileId };
    if (request.baseId !== undefined) out.baseId = (await this.profile(request.baseId).opened).profileId;
    return out;
  }

  /** The store's id of a tree: a first view's tree is built in the store the first time it is needed. */
  private storeTree(treeId: number): Promise<number> {
    if (treeId >= 0) return Promise.resolve(treeId);
    let built = this.storeTrees.get(treeId);
    if (!built) {
      const pageId = -treeId;
      const first = this.profile(pageId).first;
      if (!first) return Promise.reject(new Error(`tree ${treeId} does not exist`));
      built = this.inStore({ profileId: pageId, sampleIndex: first.tree.sampleIndex })
        .then((request) => this.engine.tree({ ...request, minFraction: first.minFraction }))
        .then((tree) => tree.treeId);
      this.storeTrees.set(treeId, built);
      built.catch(() => this.storeTrees.delete(treeId));
    }
    return built;
  }
}
