/**
 * What the flame-graph page asks and how it is answered, for one profile: the request handlers
 * of the panel protocol over a ProfileEngine. Pure (no vscode import): the extension runs it over
 * the pprof worker, report.html's page over the same core in the browser.
 */
import type { ViewFilter } from '../../pprof/model';
import type { ProfileSummary, SubtreeResult, TopResultMessage, TreeResult, ViewRequest } from '../../pprof/workerProtocol';
import {
  MessageType,
  pruneFraction,
  type BaseCandidate,
  type ProfileView,
  type RequestHandlers,
} from '../../protocol/panel';
import { searchPattern } from '../../protocol/search';

/** The pprof core as the session uses it: the worker's operations (workerProtocol.ts). */
export interface ProfileEngine {
  open(bytes: Uint8Array): Promise<ProfileSummary>;
  tree(request: ViewRequest & { minFraction: number }): Promise<TreeResult>;
  subtree(treeId: number, nodeId: number, minFraction: number): Promise<SubtreeResult>;
  top(request: ViewRequest): Promise<TopResultMessage>;
  /** Sum of the tree's nodes whose function matches (nested matches once), and the tree's total. */
  search(treeId: number, request: ViewRequest, pattern: string): Promise<{ matched: number; total: number }>;
  close(profileId: number): Promise<void>;
}

/** A profile the session can diff against, opened in the session's engine on demand. */
export interface BaseSource extends BaseCandidate {
  open(): Promise<ProfileSummary>;
}

export interface SessionOptions {
  title: string;
  engine: ProfileEngine;
  summary: ProfileSummary;
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

/** Top rows sent to the page; the table shows at most 200 of them sorted either way. */
const TOP_ROWS = 500;

export class ProfileSession {
  private viewId = 0;
  private sampleIndex: number;
  private filter: ViewFilter;
  private inverted = false;
  private base: { id: string; title: string; profileId: number } | undefined;
  private treeId = -1;
  /** Trees go to the page pruned for this graph width (pruneFraction); undefined until the page says. */
  private graphWidth: number | undefined;
  private readonly openedBases = new Map<string, number>();
  private bases: BaseSource[] = [];

  constructor(private readonly options: SessionOptions) {
    const { summary } = options;
    const named = options.sampleType === undefined ? -1 : summary.sampleTypes.findIndex((t) => t.type === options.sampleType);
    this.sampleIndex = named >= 0 ? named : summary.defaultSampleIndex;
    this.filter = { ...(options.filter ?? {}) };
  }

  readonly handlers: RequestHandlers = {
    [MessageType.Ready]: async (m) => {
      this.graphWidth = m.graphWidth;
      return { type: MessageType.Init, view: await this.buildView() };
    },
    [MessageType.SetSampleType]: async (m) => {
      if (m.sampleIndex >= this.options.summary.sampleTypes.length) throw new Error(`sample type ${m.sampleIndex} does not exist`);
      return this.change(() => (this.sampleIndex = m.sampleIndex));
    },
    [MessageType.SetFilter]: (m) => this.change(() => (this.filter = dropEmpty(m.filter))),
    [MessageType.SetInverted]: (m) => this.change(() => (this.inverted = m.inverted)),
    [MessageType.SetGraphWidth]: (m) => this.change(() => (this.graphWidth = m.graphWidth)),
    [MessageType.Compare]: async (m) => {
      if (m.baseId === undefined) return this.change(() => (this.base = undefined));
      const base = await this.openBase(m.baseId);
      return this.change(() => (this.base = base));
    },
    [MessageType.ExpandNode]: async (m) => {
      if (m.viewId !== this.viewId) throw new Error('the view changed; zoom again');
      const { root } = await this.options.engine.subtree(this.treeId, m.nodeId, pruneFraction(this.graphWidth));
      return { type: MessageType.Subtree, viewId: m.viewId, node: root };
    },
    [MessageType.Search]: async (m) => {
      const pattern = searchPattern(m.term);
      if (pattern === '') return { type: MessageType.SearchResult, term: m.term, matched: 0, total: 0 };
      const { matched, total } = await this.options.engine.search(this.treeId, this.viewRequest(), pattern);
      return { type: MessageType.SearchResult, term: m.term, matched, total };
    },
    [MessageType.ListBases]: async () => {
      this.bases = this.options.listBases ? await this.options.listBases() : [];
      return { type: MessageType.BaseList, bases: this.bases.map(({ id, title }) => ({ id, title })) };
    },
    [MessageType.OpenSource]: async (m) => {
      if (!this.options.openSource) throw new Error('opening source files is not available here');
      const note = await this.options.openSource(m.function, m.file, m.line);
      return note === undefined ? { type: MessageType.Done } : { type: MessageType.Done, note };
    },
    [MessageType.SaveSnapshot]: async () => {
      if (!this.options.save) throw new Error('saving is not available here');
      const note = await this.options.save();
      return note === undefined ? { type: MessageType.Done } : { type: MessageType.Done, note };
    },
  };

  /** Frees the profiles this session opened in the engine (bases included). */
  async dispose(): Promise<void> {
    const ids = [this.options.summary.profileId, ...this.openedBases.values()];
    this.openedBases.clear();
    await Promise.allSettled(ids.map((id) => this.options.engine.close(id)));
  }

  /** Applies a change and builds the view; on failure (a bad regexp) the previous settings stay. */
  private async change(apply: () => unknown): Promise<{ type: MessageType.View; view: ProfileView }> {
    const saved = { sampleIndex: this.sampleIndex, filter: this.filter, inverted: this.inverted, base: this.base, graphWidth: this.graphWidth };
    apply();
    try {
      return { type: MessageType.View, view: await this.buildView() };
    } catch (err) {
      Object.assign(this, saved);
      throw err;
    }
  }

  private viewRequest(): ViewRequest {
    const request: ViewRequest = {
      profileId: this.options.summary.profileId,
      sampleIndex: this.sampleIndex,
      filter: this.filter,
      inverted: this.inverted,
    };
    if (this.base) request.baseId = this.base.profileId;
    return request;
  }

  private async buildView(): Promise<ProfileView> {
    const { engine, summary } = this.options;
    const request = this.viewRequest();
    const [tree, top] = await Promise.all([engine.tree({ ...request, minFraction: pruneFraction(this.graphWidth) }), engine.top(request)]);
    this.treeId = tree.treeId;
    this.viewId++;
    const view: ProfileView = {
      viewId: this.viewId,
      title: this.options.title,
      sampleTypes: summary.sampleTypes,
      sampleIndex: tree.sampleIndex,
      unit: tree.sampleType.unit,
      total: tree.total,
      tree: tree.root,
      top: [...top.rows].sort((a, b) => Math.abs(b.flat) - Math.abs(a.flat)).slice(0, TOP_ROWS),
      filter: this.filter,
      inverted: this.inverted,
      canOpenSource: this.options.openSource !== undefined,
      canSave: this.options.save !== undefined,
      canCompare: this.options.listBases !== undefined,
    };
    if (this.base) {
      view.baseTitle = this.base.title;
      // The top's total is this profile's minus the base's, under the same filter.
      view.baseTotal = tree.total - top.total;
    }
    return view;
  }

  private async openBase(id: string): Promise<{ id: string; title: string; profileId: number }> {
    if (this.bases.length === 0 && this.options.listBases) this.bases = await this.options.listBases();
    const source = this.bases.find((b) => b.id === id);
    if (!source) throw new Error('that profile is no longer available to compare with');
    let profileId = this.openedBases.get(id);
    if (profileId === undefined) {
      const summary = await source.open();
      const type = this.options.summary.sampleTypes[this.sampleIndex];
      if (type && !summary.sampleTypes.some((t) => t.type === type.type && t.unit === type.unit)) {
        await this.options.engine.close(summary.profileId);
        throw new Error(`${source.title} has no ${type.type} samples to compare with`);
      }
      profileId = summary.profileId;
      this.openedBases.set(id, profileId);
    }
    return { id, title: source.title, profileId };
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
