/**
 * Every message between the extension host and the flame-graph webview (and the in-page host of
 * report.html), in one module imported by both bundles. No vscode import, no DOM use.
 *
 * The webview asks, the host answers: requests carry an id and get exactly one reply (or an error
 * reply) matched by that id. Events carry no reply. The host checks the shape of every message it
 * receives with `isFromWebviewMessage` before use, because a webview is a browser page.
 */
import type { FlameNode, SampleType, TopRow, ViewFilter } from '../pprof/model';
import type { GoroutinesView, WatchView } from './goroutinesView';

export type { FrameFinding, GoroutinesView, GroupView, WatchView } from './goroutinesView';

export enum MessageType {
  //#region to webview
  /** Reply to Ready, or event when the host reloads the profile: the whole view. */
  Init = 'init',
  /** Reply to a view change (sample type, filter, inverted, compare). */
  View = 'view',
  Subtree = 'subtree',
  SearchResult = 'searchResult',
  BaseList = 'baseList',
  Done = 'done',
  /** Reply to GoroutinesReady, or event when the host has more (lint findings, a newer dump): the Goroutines view. */
  Goroutines = 'goroutines',
  /** Event during "Watch for Leaks": every snapshot so far, ranked suspects and series. */
  Watch = 'watch',
  //#endregion
  //#region from webview
  Ready = 'ready',
  SetSampleType = 'setSampleType',
  Search = 'search',
  SetFilter = 'setFilter',
  SetInverted = 'setInverted',
  /** The graph became wider than the width its tree was pruned for: the same view, pruned for the new width. */
  SetGraphWidth = 'setGraphWidth',
  ExpandNode = 'expandNode',
  ListBases = 'listBases',
  Compare = 'compare',
  OpenSource = 'openSource',
  SaveSnapshot = 'saveSnapshot',
  /** The Goroutines page is listening; the host replies with Goroutines. */
  GoroutinesReady = 'goroutinesReady',
  /** The watch page asks the host to stop taking snapshots. */
  StopWatch = 'stopWatch',
  /** The page of a stored watch asks the host to go on taking snapshots into it. */
  ContinueWatch = 'continueWatch',
  //#endregion
  /** Either way: the request failed; `message` is for the user. */
  Error = 'error',
}

/** What the webview draws: one sample type of one profile, filtered, maybe inverted or diffed. */
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
  top: TopRow[];
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

export interface Envelope<T> {
  id: number;
  /** Set on replies: the id of the request answered. */
  replyTo?: number;
  body: T;
}

/**
 * What the host posts to a page: the body as JSON text. A view is a tree of thousands of small objects,
 * and a structured clone of that costs 100+ ms of the page's main thread (VS Code clones it twice on the
 * way into the webview); one string clones for almost nothing and JSON.parse reads it in a few ms.
 */
export interface WireEnvelope {
  id: number;
  replyTo?: number;
  json: string;
}

export function toWire<T>(envelope: Envelope<T>): WireEnvelope {
  return { id: envelope.id, ...(envelope.replyTo !== undefined ? { replyTo: envelope.replyTo } : {}), json: JSON.stringify(envelope.body) };
}

/** The envelope a page received (WireEnvelope), unpacked; anything else comes back as it was, for the shape checks to judge. */
export function fromWire(x: unknown): unknown {
  if (!isRecord(x) || typeof x.json !== 'string' || typeof x.id !== 'number') return x;
  try {
    return { id: x.id, ...(typeof x.replyTo === 'number' ? { replyTo: x.replyTo } : {}), body: JSON.parse(x.json) as unknown };
  } catch {
    return undefined;
  }
}

//#region to webview

/** The whole view: sent after Ready and whenever the host reloads the profile. */
export interface InitMessage {
  type: MessageType.Init;
  view: ProfileView;
}

/** A new view after a change the webview asked for. */
export interface ViewMessage {
  type: MessageType.View;
  view: ProfileView;
}

/** The subtree under a node, pruned relative to that node, for zooming in. */
export interface SubtreeMessage {
  type: MessageType.Subtree;
  viewId: number;
  node: FlameNode;
}

/** How much of the total the search matches (nested matches counted once). */
export interface SearchResultMessage {
  type: MessageType.SearchResult;
  term: string;
  matched: number;
  total: number;
}

/** Profiles the current one can be compared against. */
export interface BaseListMessage {
  type: MessageType.BaseList;
  bases: BaseCandidate[];
}

/** A request that needs no data back was carried out; `note` is shown to the user when set. */
export interface DoneMessage {
  type: MessageType.Done;
  note?: string;
}

/** The Goroutines view: groups, histogram, findings on their frames. Strings from the dump are untrusted text. */
export interface GoroutinesMessage {
  type: MessageType.Goroutines;
  view: GoroutinesView;
}

/** The state of a leak watch, sent after every snapshot and when it stops. */
export interface WatchMessage {
  type: MessageType.Watch;
  watch: WatchView;
}

export interface BaseCandidate {
  id: string;
  title: string;
}

//#endregion

//#region from webview

/** The page is listening; the host replies with Init. */
export interface ReadyMessage {
  type: MessageType.Ready;
  /** The graph's width in CSS pixels: the tree comes pruned for it (pruneFraction). */
  graphWidth?: number;
}

/** Prune for a wider graph (the view otherwise unchanged). */
export interface SetGraphWidthMessage {
  type: MessageType.SetGraphWidth;
  graphWidth: number;
}

/** Show another sample type (index into sampleTypes). */
export interface SetSampleTypeMessage {
  type: MessageType.SetSampleType;
  sampleIndex: number;
}

/** Measure a search (a regular expression; invalid ones are taken literally) over the whole tree. */
export interface SearchMessage {
  type: MessageType.Search;
  term: string;
}

/** Apply focus / ignore / hide / tagFocus regular expressions with pprof's meaning. */
export interface SetFilterMessage {
  type: MessageType.SetFilter;
  filter: ViewFilter;
}

/** Switch between the inverted view (who calls a function, merged over its call sites) and the normal one. */
export interface SetInvertedMessage {
  type: MessageType.SetInverted;
  inverted: boolean;
}

/** Send the subtree of a node the user zoomed into, pruned relative to it. */
export interface ExpandNodeMessage {
  type: MessageType.ExpandNode;
  viewId: number;
  nodeId: number;
}

/** List the profiles this one can be compared against. */
export interface ListBasesMessage {
  type: MessageType.ListBases;
}

/** Show the difference against a base (pprof -diff_base); no baseId: stop comparing. */
export interface CompareMessage {
  type: MessageType.Compare;
  baseId?: string;
}

/** Open the frame's source in an editor, mapping the build machine's path to the workspace. */
export interface OpenSourceMessage {
  type: MessageType.OpenSource;
  function: string;
  file: string;
  line: number;
}

/** Save the profile's bytes to a file the user picks. */
export interface SaveSnapshotMessage {
  type: MessageType.SaveSnapshot;
}

//#endregion

/** The Goroutines (or watch) page is listening; the host replies with Goroutines, or Watch for a watch page. */
export interface GoroutinesReadyMessage {
  type: MessageType.GoroutinesReady;
}

/** Stop the leak watch this page shows; the snapshots taken so far stay. */
export interface StopWatchMessage {
  type: MessageType.StopWatch;
}

/** Go on with the stored watch this page shows: the host opens the running watch's page and closes this one. */
export interface ContinueWatchMessage {
  type: MessageType.ContinueWatch;
}

/** Failure reply to a request, in either direction. */
export interface ErrorMessage {
  type: MessageType.Error;
  message: string;
}

export type ToWebviewMessage =
  | InitMessage
  | ViewMessage
  | SubtreeMessage
  | SearchResultMessage
  | BaseListMessage
  | DoneMessage
  | ErrorMessage;

export type FromWebviewMessage =
  | ReadyMessage
  | SetSampleTypeMessage
  | SearchMessage
  | SetFilterMessage
  | SetInvertedMessage
  | SetGraphWidthMessage
  | ExpandNodeMessage
  | ListBasesMessage
  | CompareMessage
  | OpenSourceMessage
  | SaveSnapshotMessage
  | ErrorMessage;

/** What the host sends a Goroutines or leak-watch page. */
export type ToGoroutinesPageMessage = GoroutinesMessage | WatchMessage | DoneMessage | ErrorMessage;

/** What a Goroutines or leak-watch page sends its host. */
export type FromGoroutinesPageMessage = GoroutinesReadyMessage | OpenSourceMessage | StopWatchMessage | ContinueWatchMessage | ErrorMessage;

/** The reply each request gets (besides ErrorMessage). */
export interface Replies {
  [MessageType.Ready]: InitMessage;
  [MessageType.SetSampleType]: ViewMessage;
  [MessageType.Search]: SearchResultMessage;
  [MessageType.SetFilter]: ViewMessage;
  [MessageType.SetInverted]: ViewMessage;
  [MessageType.SetGraphWidth]: ViewMessage;
  [MessageType.ExpandNode]: SubtreeMessage;
  [MessageType.ListBases]: BaseListMessage;
  [MessageType.Compare]: ViewMessage;
  [MessageType.OpenSource]: DoneMessage;
  [MessageType.SaveSnapshot]: DoneMessage;
}

/**
 * The replies of the Goroutines and watch pages' requests. A separate table from the flame graph's:
 * each host implements the requests its page sends, and the compiler checks that table.
 */
export interface GoroutinesReplies {
  [MessageType.GoroutinesReady]: GoroutinesMessage | WatchMessage;
  [MessageType.OpenSource]: DoneMessage;
  [MessageType.StopWatch]: DoneMessage;
  [MessageType.ContinueWatch]: DoneMessage;
}

export type GoroutinesRequestType = keyof GoroutinesReplies;
export type GoroutinesRequest = Extract<FromGoroutinesPageMessage, { type: GoroutinesRequestType }>;

export type GoroutinesRequestHandlers = {
  [K in GoroutinesRequestType]: (message: Extract<GoroutinesRequest, { type: K }>) => Promise<GoroutinesReplies[K]>;
};

/** Dispatches a checked request of a Goroutines page to its handler. */
export function dispatchGoroutinesRequest(handlers: GoroutinesRequestHandlers, message: GoroutinesRequest): Promise<ToGoroutinesPageMessage> {
  const handler = handlers[message.type] as (m: GoroutinesRequest) => Promise<ToGoroutinesPageMessage>;
  return handler(message);
}

export type RequestType = keyof Replies;
export type WebviewRequest = Extract<FromWebviewMessage, { type: RequestType }>;
export type ReplyOf<M extends { type: MessageType }> = M['type'] extends RequestType
  ? Replies[M['type']]
  : M['type'] extends GoroutinesRequestType
    ? GoroutinesReplies[M['type']]
    : never;

/**
 * One handler per request: a missing one is a compile error. The host (extension or report page)
 * implements this; each handler's result is sent as the reply, a thrown error as an ErrorMessage.
 */
export type RequestHandlers = {
  [K in RequestType]: (message: Extract<WebviewRequest, { type: K }>) => Promise<Replies[K]>;
};

/** Dispatches a checked request to its handler (the union is too wide for TypeScript to index alone). */
export function dispatchRequest(handlers: RequestHandlers, message: WebviewRequest): Promise<ToWebviewMessage> {
  const handler = handlers[message.type] as (m: WebviewRequest) => Promise<ToWebviewMessage>;
  return handler(message);
}

export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
}

export class ChannelClosedError extends Error {
  override readonly name = 'ChannelClosedError';
}

interface Pending {
  resolve: (body: unknown) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * postMessage-based RPC over one channel. Requests time out (their promise rejects and a late
 * reply is dropped); dispose() rejects every pending request, for when the panel closes.
 */
export class MessageHandler<TOut extends { type: MessageType }, TIn extends { type: MessageType }> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  constructor(
    private readonly post: (envelope: Envelope<TOut | ErrorMessage>) => void,
    /** Answers an incoming request or event; undefined means "no reply" (events). */
    private readonly onMessage: (body: TIn) => Promise<TOut | undefined> | TOut | undefined,
    private readonly defaultTimeoutMs = 30_000,
  ) {}

  /** Sends a message that gets no reply. */
  sendEvent(body: TOut): void {
    if (this.closed) return;
    this.post({ id: this.nextId++, body });
  }

  /** Sends a request; resolves with the reply, rejects on an error reply, a timeout or dispose(). */
  sendRequest<M extends TOut>(body: M, timeoutMs = this.defaultTimeoutMs): Promise<ReplyOf<M>> {
    if (this.closed) return Promise.reject(new ChannelClosedError('the panel is closed'));
    const id = this.nextId++;
    return new Promise<ReplyOf<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestTimeoutError(`no reply to "${body.type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (body: unknown) => void, reject, timer });
      this.post({ id, body });
    });
  }

  /** Feed every received (and already shape-checked) envelope here. */
  handleMessage(envelope: Envelope<TIn>): void {
    if (this.closed) return;
    if (envelope.replyTo !== undefined) {
      const pending = this.pending.get(envelope.replyTo);
      if (!pending) return; // timed out already, or never ours
      this.pending.delete(envelope.replyTo);
      clearTimeout(pending.timer);
      const body = envelope.body as { type: MessageType; message?: unknown };
      if (body.type === MessageType.Error) pending.reject(new Error(String(body.message)));
      else pending.resolve(body);
      return;
    }
    void Promise.resolve()
      .then(() => this.onMessage(envelope.body))
      .then(
        (reply) => {
          if (reply !== undefined && !this.closed) this.post({ id: this.nextId++, replyTo: envelope.id, body: reply });
        },
        (err: unknown) => {
          if (this.closed) return;
          const message = err instanceof Error ? err.message : String(err);
          this.post({ id: this.nextId++, replyTo: envelope.id, body: { type: MessageType.Error, message } });
        },
      );
  }

  /** Number of requests still waiting for a reply. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Rejects every pending request and ignores anything after; call when the panel closes. */
  dispose(reason = 'the panel was closed'): void {
    if (this.closed) return;
    this.closed = true;
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new ChannelClosedError(reason));
    }
    this.pending.clear();
  }
}

//#region shape checks

/** Longest string a message field may carry: regexps and titles, not documents. */
const MAX_TEXT = 4096;
/** Paths and function names from profiles can be long, but not unboundedly. */
const MAX_PATH = 16_384;

type FieldKind = 'string' | 'path' | 'int' | 'bool' | 'filter';
type FieldSpec = Record<string, { kind: FieldKind; optional?: boolean }>;

const FROM_WEBVIEW_FIELDS: Record<FromWebviewMessage['type'] | FromGoroutinesPageMessage['type'], FieldSpec> = {
  [MessageType.Ready]: { graphWidth: { kind: 'int', optional: true } },
  [MessageType.SetSampleType]: { sampleIndex: { kind: 'int' } },
  [MessageType.Search]: { term: { kind: 'string' } },
  [MessageType.SetFilter]: { filter: { kind: 'filter' } },
  [MessageType.SetInverted]: { inverted: { kind: 'bool' } },
  [MessageType.SetGraphWidth]: { graphWidth: { kind: 'int' } },
  [MessageType.ExpandNode]: { viewId: { kind: 'int' }, nodeId: { kind: 'int' } },
  [MessageType.ListBases]: {},
  [MessageType.Compare]: { baseId: { kind: 'string', optional: true } },
  [MessageType.OpenSource]: { function: { kind: 'path' }, file: { kind: 'path' }, line: { kind: 'int' } },
  [MessageType.SaveSnapshot]: {},
  [MessageType.GoroutinesReady]: {},
  [MessageType.StopWatch]: {},
  [MessageType.ContinueWatch]: {},
  [MessageType.Error]: { message: { kind: 'string' } },
};

const FILTER_KEYS = ['focus', 'ignore', 'hide', 'tagFocus'] as const;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isValidField(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string' && value.length <= MAX_TEXT;
    case 'path':
      return typeof value === 'string' && value.length <= MAX_PATH;
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
    case 'bool':
      return typeof value === 'boolean';
    case 'filter':
      return (
        isRecord(value) &&
        Object.keys(value).every((k) => (FILTER_KEYS as readonly string[]).includes(k)) &&
        FILTER_KEYS.every((k) => value[k] === undefined || (typeof value[k] === 'string' && (value[k] as string).length <= MAX_TEXT))
      );
  }
}

const FLAME_PAGE_TYPES: ReadonlySet<string> = new Set<FromWebviewMessage['type']>([
  MessageType.Ready,
  MessageType.SetSampleType,
  MessageType.Search,
  MessageType.SetFilter,
  MessageType.SetInverted,
  MessageType.SetGraphWidth,
  MessageType.ExpandNode,
  MessageType.ListBases,
  MessageType.Compare,
  MessageType.OpenSource,
  MessageType.SaveSnapshot,
  MessageType.Error,
]);

const GOROUTINES_PAGE_TYPES: ReadonlySet<string> = new Set<FromGoroutinesPageMessage['type']>([
  MessageType.GoroutinesReady,
  MessageType.OpenSource,
  MessageType.StopWatch,
  MessageType.ContinueWatch,
  MessageType.Error,
]);

/** Why a received message is unusable, or undefined when it is a well-formed FromWebviewMessage envelope. */
export function checkFromWebviewMessage(x: unknown): string | undefined {
  return checkEnvelope(x, FLAME_PAGE_TYPES);
}

/** Why a message from a Goroutines or watch page is unusable, or undefined when it is a well-formed FromGoroutinesPageMessage envelope. */
export function checkFromGoroutinesPageMessage(x: unknown): string | undefined {
  return checkEnvelope(x, GOROUTINES_PAGE_TYPES);
}

function checkEnvelope(x: unknown, allowed: ReadonlySet<string>): string | undefined {
  if (!isRecord(x)) return 'not an object';
  if (!(typeof x.id === 'number' && Number.isSafeInteger(x.id))) return 'missing or bad id';
  if (x.replyTo !== undefined && !(typeof x.replyTo === 'number' && Number.isSafeInteger(x.replyTo))) return 'bad replyTo';
  const body = x.body;
  if (!isRecord(body)) return 'body is not an object';
  const type = body.type;
  if (typeof type !== 'string' || !allowed.has(type)) return `unknown message type ${JSON.stringify(type)?.slice(0, 60)}`;
  const spec = FROM_WEBVIEW_FIELDS[type as FromWebviewMessage['type'] | FromGoroutinesPageMessage['type']];
  for (const key of Object.keys(body)) {
    if (key !== 'type' && !Object.hasOwn(spec, key)) return `unexpected field "${key.slice(0, 60)}" in ${type}`;
  }
  for (const [key, field] of Object.entries(spec)) {
    const value = body[key];
    if (value === undefined) {
      if (!field.optional) return `missing field "${key}" in ${type}`;
      continue;
    }
    if (!isValidField(value, field.kind)) return `bad field "${key}" in ${type}`;
  }
  return undefined;
}

/** True when `x` is a well-formed envelope of a FromWebviewMessage: the host drops (and logs) anything else. */
export function isFromWebviewMessage(x: unknown): x is Envelope<FromWebviewMessage> {
  return checkFromWebviewMessage(x) === undefined;
}

/** The webview trusts its host, but still ignores what is not an envelope of a known type. */
export function isToWebviewMessage(x: unknown): x is Envelope<ToWebviewMessage> {
  if (!isRecord(x) || typeof x.id !== 'number' || !isRecord(x.body)) return false;
  const type = x.body.type;
  return (
    type === MessageType.Init ||
    type === MessageType.View ||
    type === MessageType.Subtree ||
    type === MessageType.SearchResult ||
    type === MessageType.BaseList ||
    type === MessageType.Done ||
    type === MessageType.Error
  );
}

/** The Goroutines and watch pages' counterpart of isToWebviewMessage. */
export function isToGoroutinesPageMessage(x: unknown): x is Envelope<ToGoroutinesPageMessage> {
  if (!isRecord(x) || typeof x.id !== 'number' || !isRecord(x.body)) return false;
  const type = x.body.type;
  return type === MessageType.Goroutines || type === MessageType.Watch || type === MessageType.Done || type === MessageType.Error;
}

//#endregion

/**
 * Boxes narrower than this share of the zoomed frame are folded into their parent before a tree
 * is sent to the page, when the page has not said how wide its graph is: under a pixel at up to
 * 2,500 px of graph width.
 */
export const PRUNE_FRACTION = 1 / 2500;

/** Graph widths pruneFraction believes: narrower is still pruned for 400 px, wider for 4,000 px. */
const GRAPH_WIDTH_RANGE = [400, 4000] as const;

/**
 * The share of the zoomed frame under which boxes are folded into their parent, for a graph this many
 * CSS pixels wide: one pixel. The graph draws nothing narrower than a pixel (FlameView's minFrameSize),
 * so the page gets what it draws and no more; a zoom fetches the folded part (ExpandNode), a wider graph
 * asks again (SetGraphWidth).
 */
export function pruneFraction(graphWidth: number | undefined): number {
  if (graphWidth === undefined || !Number.isFinite(graphWidth)) return PRUNE_FRACTION;
  return 1 / Math.min(GRAPH_WIDTH_RANGE[1], Math.max(GRAPH_WIDTH_RANGE[0], graphWidth));
}
