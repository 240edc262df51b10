/**
 * One profile as a flame-graph page sees it: the handlers of the page's requests (src/protocol/flamePage.ts)
 * over a ProfileEngine — the pprof worker in the extension, the profile store in report.html's page (both
 * the same ProfileStore). Keeps what the page has chosen (sample type, filter, inversion, base) and the
 * current tree's id for zooms and searches. Pure: no vscode import.
 */
import type { FlameHostHandlers, BaseCandidate, ProfileView } from '../protocol/flamePage';
import type { ViewFilter } from './model';
import type { ProfileStore, ProfileSummary, SubtreeResult, TopResult, TreeResult, ViewRequest } from './profileStore';
import { pruneFraction } from './prune';
import { searchPattern } from './search';

/** The profile store's views, asynchronous (the worker's answer, or the store in the page). */
export interface ProfileEngine {
  tree(request: ViewRequest & { minFraction: number }): Promise<TreeResult>;
  subtree(treeId: number, nodeId: number, minFraction: number): Promise<SubtreeResult>;
  /** With `limit`, the first rows only, in pprof's order. */
  top(request: ViewRequest & { limit?: number }): Promise<TopResult>;
  /** Sum of the tree's nodes whose function matches (nested matches once), and the tree's total. */
  search(treeId: number, pattern: string): Promise<{ matched: number; total: number }>;
}

/** A ProfileStore in this thread as a ProfileEngine (report.html's page). */
export function storeEngine(store: ProfileStore): ProfileEngine {
  const later = <T>(run: () => T): Promise<T> => Promise.resolve().then(run);
  return {
    tree: (request) => later(() => store.tree(request)),
    subtree: (treeId, nodeId, minFraction) => later(() => store.subtree(treeId, nodeId, minFraction)),
    top: (request) => later(() => store.top(request)),
    search: (treeId, pattern) => later(() => store.search(treeId, pattern)),
  };
}

/** A profile open in the engine, held by whoever shows it until release (the worker's acquire). */
export interface OpenedProfile {
  summary: ProfileSummary;
  release(): void;
}

/** A profile the session can diff against, opened on demand. */
export interface BaseSource extends BaseCandidate {
  open(): Promise<OpenedProfile>;
}

export interface SessionOptions {
  title: string;
  engine: ProfileEngine;
  profile: OpenedProfile;
  /** Initial sample type by name (`alloc_space`) and filters, e.g. from the capture command. */
  sampleType?: string;
  filter?: ViewFilter;
  /** Profiles to compare with; absent: no Compare button. */
  listBases?: () => Promise<BaseSource[]>;
  /** Opens a frame's source; resolves to a note for the user when it could not. Absent: no button. */
  openSource?: (fn: string, file: string, line: number) => Promise<string | undefined>;
  /** Saves the profile; resolves to a note for the user. Absent: no button. */
  save?: () => Promise<string | undefined>;
}

/**
 * The first view (the page's ready) leaves out boxes narrower than this many pixels; the page asks for
 * them (expandNode on the root) once the graph is on screen. On a 500,000-sample profile a two-pixel view
 * has half the boxes of a one-pixel one, and the page drew and painted it in half the time.
 */
export const FIRST_VIEW_MIN_PIXELS = 2;

/** Top rows sent to the page (topTable); the table shows at most 200 of them sorted either way. */
export const TOP_ROWS = 500;

export class ProfileSession {
  private viewId = 0;
  private sampleIndex: number;
  private filter: ViewFilter;
  private inverted = false;
  private base: { id: string; title: string; profileId: number } | undefined;
  private treeId = -1;
  /** The current view's request, and its top table once asked for. */
  private current: { request: ViewRequest; top?: Promise<TopResult> } | undefined;
  /** Trees go to the page pruned for this graph width (pruneFraction); undefined until the page says. */
  private graphWidth: number | undefined;
  private readonly openedBases = new Map<string, OpenedProfile>();
  private bases: BaseSource[] = [];

  constructor(private readonly options: SessionOptions) {
    const { summary } = options.profile;
    const named = options.sampleType === undefined ? -1 : summary.sampleTypes.findIndex((t) => t.type === options.sampleType);
    this.sampleIndex = named >= 0 ? named : summary.defaultSampleIndex;
    this.filter = { ...(options.filter ?? {}) };
  }

  readonly handlers: FlameHostHandlers = {
    ready: async (m) => {
      this.graphWidth = m.graphWidth;
      return this.buildView(FIRST_VIEW_MIN_PIXELS);
    },
    setSampleType: async (m) => {
      if (m.sampleIndex >= this.options.profile.summary.sampleTypes.length) throw new Error(`sample type ${m.sampleIndex} does not exist`);
      return this.change(() => (this.sampleIndex = m.sampleIndex));
    },
    setFilter: (m) => this.change(() => (this.filter = dropEmpty(m.filter))),
    setInverted: (m) => this.change(() => (this.inverted = m.inverted)),
    setGraphWidth: (m) => this.change(() => (this.graphWidth = m.graphWidth)),
    compare: async (m) => {
      if (m.baseId === undefined) return this.change(() => (this.base = undefined));
      const base = await this.openBase(m.baseId);
      return this.change(() => (this.base = base));
    },
    topTable: async (m) => {
      if (m.viewId !== this.viewId || !this.current) throw new Error('the view changed; its table comes with the new one');
      const current = this.current;
      current.top ??= this.options.engine.top({ ...current.request, limit: TOP_ROWS });
      const top = await current.top;
      return { viewId: m.viewId, rows: [...top.rows].sort((a, b) => Math.abs(b.flat) - Math.abs(a.flat)).slice(0, TOP_ROWS) };
    },
    expandNode: async (m) => {
      if (m.viewId !== this.viewId) throw new Error('the view changed; zoom again');
      const { root } = await this.options.engine.subtree(this.treeId, m.nodeId, pruneFraction(this.graphWidth));
      return { viewId: m.viewId, node: root };
    },
    search: async (m) => {
      const pattern = searchPattern(m.term);
      if (pattern === '') return { term: m.term, matched: 0, total: 0 };
      const { matched, total } = await this.options.engine.search(this.treeId, pattern);
      return { term: m.term, matched, total };
    },
    listBases: async () => {
      this.bases = this.options.listBases ? await this.options.listBases() : [];
      return this.bases.map(({ id, title }) => ({ id, title }));
    },
    openSource: async (m) => {
      if (!this.options.openSource) throw new Error('opening source files is not available here');
      const note = await this.options.openSource(m.function, m.file, m.line);
      return note === undefined ? {} : { note };
    },
    saveSnapshot: async () => {
      if (!this.options.save) throw new Error('saving is not available here');
      const note = await this.options.save();
      return note === undefined ? {} : { note };
    },
  };

  /** Lets go of the profiles this session holds (bases included). */
  dispose(): void {
    this.options.profile.release();
    for (const base of this.openedBases.values()) base.release();
    this.openedBases.clear();
  }

  /** Applies a change and builds the view; on failure (a bad regexp) the previous settings stay. */
  private async change(apply: () => unknown): Promise<ProfileView> {
    const saved = { sampleIndex: this.sampleIndex, filter: this.filter, inverted: this.inverted, base: this.base, graphWidth: this.graphWidth };
    apply();
    try {
      return await this.buildView();
    } catch (err) {
      Object.assign(this, saved);
      throw err;
    }
  }

  private viewRequest(): ViewRequest {
    const request: ViewRequest = {
      profileId: this.options.profile.summary.profileId,
      sampleIndex: this.sampleIndex,
      filter: this.filter,
      inverted: this.inverted,
    };
    if (this.base) request.baseId = this.base.profileId;
    return request;
  }

  /** The current view, its boxes at least `minPixels` wide (expandNode fills in the root at one pixel). */
  private async buildView(minPixels = 1): Promise<ProfileView> {
    const { engine } = this.options;
    const { summary } = this.options.profile;
    const request = this.viewRequest();
    const tree = engine.tree({ ...request, minFraction: Math.min(1, minPixels * pruneFraction(this.graphWidth)) });
    // The table comes after the graph (topTable), but a comparison's base total is in its top's total.
    const top = this.base ? engine.top({ ...request, limit: TOP_ROWS }) : undefined;
    const [built, baseTop] = await Promise.all([tree, top]);
    this.treeId = built.treeId;
    this.viewId++;
    this.current = top ? { request, top } : { request };
    const view: ProfileView = {
      viewId: this.viewId,
      title: this.options.title,
      sampleTypes: summary.sampleTypes,
      sampleIndex: built.sampleIndex,
      unit: built.sampleType.unit,
      total: built.total,
      tree: built.root,
      filter: this.filter,
      inverted: this.inverted,
      canOpenSource: this.options.openSource !== undefined,
      canSave: this.options.save !== undefined,
      canCompare: this.options.listBases !== undefined,
    };
    if (this.base && baseTop) {
      view.baseTitle = this.base.title;
      // The top's total is this profile's minus the base's, under the same filter.
      view.baseTotal = built.total - baseTop.total;
    }
    return view;
  }

  private async openBase(id: string): Promise<{ id: string; title: string; profileId: number }> {
    if (this.bases.length === 0 && this.options.listBases) this.bases = await this.options.listBases();
    const source = this.bases.find((b) => b.id === id);
    if (!source) throw new Error('that profile is no longer available to compare with');
    let opened = this.openedBases.get(id);
    if (opened === undefined) {
      opened = await source.open();
      const type = this.options.profile.summary.sampleTypes[this.sampleIndex];
      if (type && !opened.summary.sampleTypes.some((t) => t.type === type.type && t.unit === type.unit)) {
        opened.release();
        throw new Error(`${source.title} has no ${type.type} samples to compare with`);
      }
      this.openedBases.set(id, opened);
    }
    return { id, title: source.title, profileId: opened.summary.profileId };
  }
}

function dropEmpty(filter: ViewFilter): ViewFilter {
  const out: ViewFilter = {};
  for (const key of ['focus', 'ignore', 'hide', 'tagFocus'] as const) {
    const value = filter[key]?.trim();
    if (value) out[key] = value;
  }
  return out;
}
