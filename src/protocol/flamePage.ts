/**
 * The flame-graph page's channel: what the page asks the extension host (or report.html's in-page host)
 * and what comes back. The host implements every request (`FlameHostHandlers`: a missing one is a compile
 * error) and checks the parameters of each against the shapes below before its handler runs: a webview is
 * a browser page. Data only; strings from profiles are untrusted text. Errors reach the page by name and
 * message (it shows the message): no error class is imported here, so the page's bundle carries none.
 */
import type { FlameNode, SampleType, TopRow, ViewFilter } from '../pprof/model';
import { request, type RequestHandlers, type SideSpec } from './rpc';
import { bool, int, none, obj, optional, str, trusted } from './shape';
import { openSourceRequest, type Done } from './webview';

/** What the page draws: one sample type of one profile, filtered, maybe inverted or diffed. */
export interface ProfileView {
  /** Changes with every new view; subtree requests name it so a late answer is never grafted onto a newer tree. */
  viewId: number;
  title: string;
  sampleTypes: SampleType[];
  sampleIndex: number;
  /** The unit of sampleTypes[sampleIndex], repeated for convenience. */
  unit: string;
  /** Sum of the chosen sample type over all samples the filter keeps (the 100 % of every share). */
  total: number;
  /** Pruned: boxes far below a pixel are folded into their parent (FlameNode.truncated). */
  tree: FlameNode;
  filter: ViewFilter;
  inverted: boolean;
  /** Set while comparing: the base's title; tree nodes then carry `delta`, and the top rows are changes. */
  baseTitle?: string;
  /**
   * Set while comparing: the base's sum of the chosen sample type under the same filter. A change's share
   * is of this total, as pprof -diff_base gives it (a path that grew by half the base reads 50 %).
   */
  baseTotal?: number;
  /** What the host can do; report.html cannot open editors or save files. */
  canOpenSource: boolean;
  canSave: boolean;
  canCompare: boolean;
}

/** A profile the current one can be compared against. */
export interface BaseCandidate {
  id: string;
  title: string;
}

/** focus / ignore / hide / tagFocus: Go regular expressions with pprof's meaning. */
const filter = obj({ focus: optional(str()), ignore: optional(str()), hide: optional(str()), tagFocus: optional(str()) });

/** What the host answers. */
export const flameHost = {
  requests: {
    /** The page is listening; `graphWidth` (CSS px) is what trees are pruned for. */
    ready: request(obj({ graphWidth: optional(int()) }), trusted<ProfileView>()),
    /** Another sample type (an index into sampleTypes). */
    setSampleType: request(obj({ sampleIndex: int() }), trusted<ProfileView>()),
    /** The matched share of a search over the whole tree (a Go regexp; an invalid one is taken literally). */
    search: request(obj({ term: str() }), trusted<{ term: string; matched: number; total: number }>()),
    setFilter: request(obj({ filter }), trusted<ProfileView>()),
    /** Who calls a function, merged over its call sites, or the normal view. */
    setInverted: request(obj({ inverted: bool() }), trusted<ProfileView>()),
    /** The graph became wider than its tree was pruned for: the same view, pruned for the new width. */
    setGraphWidth: request(obj({ graphWidth: int() }), trusted<ProfileView>()),
    /**
     * The view's top table, largest flat first: asked for once the graph is drawn, so that a view's first
     * paint waits for its tree only.
     */
    topTable: request(obj({ viewId: int() }), trusted<{ viewId: number; rows: TopRow[] }>()),
    /** The subtree of a node the user zoomed into, pruned relative to it. */
    expandNode: request(obj({ viewId: int(), nodeId: int() }), trusted<{ viewId: number; node: FlameNode }>()),
    listBases: request(none, trusted<BaseCandidate[]>()),
    /** The difference against a base (pprof -diff_base); no baseId: stop comparing. */
    compare: request(obj({ baseId: optional(str()) }), trusted<ProfileView>()),
    openSource: openSourceRequest,
    /** Save the profile's bytes to a file the user picks. */
    saveSnapshot: request(none, trusted<Done>()),
  },
  events: {},
} satisfies SideSpec;

/** What the page answers: nothing yet (every view is a reply). */
export const flamePage = { requests: {}, events: {} } satisfies SideSpec;

export type FlameHostHandlers = RequestHandlers<typeof flameHost>;
