/**
 * The extension host ⇄ the fleet page, over the shared request/reply mechanism (rpc.ts): what each side
 * answers, with the shapes the host checks everything the page sends against (a webview is a browser
 * page). Every string in a view came from a metrics server: the page shows it as text. No vscode, Node or
 * DOM use: both bundles import it. The transports are every page's (webview.ts).
 */
import type { FleetPattern, SuspectKind } from '../fleet/suspects';
import { request, type SideSpec } from './rpc';
import { literal, none, obj, str, trusted } from './shape';

export interface TrendView {
  first: number;
  last: number;
  perHour: number;
}

export interface FleetInstanceView {
  instance: string;
  labels: Record<string, string>;
  goroutines: TrendView | null;
  heapInuse: TrendView | null;
  /** Seconds since the epoch. */
  restarts: number[];
  /** Index of its highest suspect in `suspects`, or null. */
  suspectRank: number | null;
  /** Thinned for a small chart, from `chartStart` to the range's end; null where there is no point. */
  goroutinesChart: Array<number | null>;
  heapChart: Array<number | null>;
}

export interface FleetSuspectView {
  kind: SuspectKind;
  instance: string;
  perHour: number;
  unit: 'goroutines' | 'bytes';
  score: number;
  evidence: string[];
  pattern: FleetPattern;
}

export interface FleetView {
  title: string;
  /** The Prometheus URL, for the header. */
  source: string;
  selector: string;
  range: { start: number; end: number };
  step: number;
  /** Seconds since the epoch: where the charts begin (the fleet's first point in the range); they end at range.end. */
  chartStart: number;
  /** Suspects first (in rank order), then the rest by name. */
  instances: FleetInstanceView[];
  suspects: FleetSuspectView[];
}

export interface FleetStatus {
  kind: 'busy' | 'info' | 'error';
  text: string;
}

/** The ranges the page's buttons offer. */
export const PAGE_RANGES = ['1h', '6h', '24h', '7d'] as const;

/** What the host answers: checked, since the page is a browser page. */
export const fleetHost = {
  requests: {
    /** The page is listening: the fleet shown now, or null before one is connected. */
    ready: request(none, trusted<FleetView | null>()),
  },
  events: {
    refresh: none,
    setRange: obj({ range: literal(...PAGE_RANGES) }),
    attach: obj({ instance: str(1024) }),
  },
} satisfies SideSpec;

/** What the page listens to. The host is trusted: only the types are declared. */
export const fleetPage = {
  requests: {},
  events: {
    /** A newer fleet: after a refresh or another range. */
    show: trusted<FleetView>(),
    /** A line for the user: loading, an error, a note. */
    status: trusted<FleetStatus>(),
  },
} satisfies SideSpec;

/** The page's side of a webview's postMessage, for a transport. */
export interface PagePort {
  postMessage(message: unknown): void;
}
