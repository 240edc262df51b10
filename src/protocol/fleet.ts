/**
 * Every message between the extension host and the fleet page, in one module both bundles import. No
 * vscode import, no DOM use. The page only sends events (it asks for the view, a refresh, another range,
 * an attach); the host pushes the view and status lines. The host checks the shape of every message the
 * page sends before use (a webview is a browser page), and every string in a view came from a metrics
 * server: the page shows it as text.
 *
 * Events only, for now: the request/reply mechanism shared by every channel is being made (issue 12); the
 * fleet page moves onto it when it lands.
 */
import type { FleetPattern, SuspectKind } from '../fleet/suspects';

export enum FleetMessageType {
  //#region to page
  /** The whole fleet view: after Ready, after a refresh or a new range. */
  Fleet = 'fleet',
  /** A line for the user: loading, an error, a note. */
  Status = 'status',
  //#endregion
  //#region from page
  Ready = 'ready',
  Refresh = 'refresh',
  SetRange = 'setRange',
  Attach = 'attach',
  //#endregion
}

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
  /** Thinned for a small chart; null where there is no point. */
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

export interface FleetMessage {
  type: FleetMessageType.Fleet;
  view: FleetView;
}

export interface StatusMessage {
  type: FleetMessageType.Status;
  kind: 'busy' | 'info' | 'error';
  text: string;
}

export interface ReadyMessage {
  type: FleetMessageType.Ready;
}

export interface RefreshMessage {
  type: FleetMessageType.Refresh;
}

export interface SetRangeMessage {
  type: FleetMessageType.SetRange;
  /** `1h`, `6h`, `24h`, `7d` (what the page offers). */
  range: string;
}

export interface AttachMessage {
  type: FleetMessageType.Attach;
  instance: string;
}

export type ToFleetPageMessage = FleetMessage | StatusMessage;
export type FromFleetPageMessage = ReadyMessage | RefreshMessage | SetRangeMessage | AttachMessage;

const RANGE = /^\d{1,4}[smhdw]$/;

/** Why a message from the page is unusable, or undefined when it is a well-formed FromFleetPageMessage. */
export function checkFromFleetPageMessage(x: unknown): string | undefined {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return 'not an object';
  const m = x as Record<string, unknown>;
  const fields = Object.keys(m).filter((k) => k !== 'type');
  const only = (...allowed: string[]) => fields.find((f) => !allowed.includes(f));
  switch (m.type) {
    case FleetMessageType.Ready:
    case FleetMessageType.Refresh: {
      const extra = only();
      return extra === undefined ? undefined : `unexpected field "${extra.slice(0, 60)}" in ${m.type}`;
    }
    case FleetMessageType.SetRange: {
      const extra = only('range');
      if (extra !== undefined) return `unexpected field "${extra.slice(0, 60)}" in setRange`;
      return typeof m.range === 'string' && RANGE.test(m.range) ? undefined : 'bad field "range" in setRange';
    }
    case FleetMessageType.Attach: {
      const extra = only('instance');
      if (extra !== undefined) return `unexpected field "${extra.slice(0, 60)}" in attach`;
      return typeof m.instance === 'string' && m.instance.length > 0 && m.instance.length <= 1024 ? undefined : 'bad field "instance" in attach';
    }
    default:
      return `unknown message type ${JSON.stringify(m.type)?.slice(0, 60)}`;
  }
}

/** True for a message the host sends the page (the page's own check before use). */
export function isToFleetPageMessage(x: unknown): x is ToFleetPageMessage {
  if (typeof x !== 'object' || x === null) return false;
  const m = x as Record<string, unknown>;
  if (m.type === FleetMessageType.Fleet) return typeof m.view === 'object' && m.view !== null;
  if (m.type === FleetMessageType.Status) return typeof m.text === 'string' && (m.kind === 'busy' || m.kind === 'info' || m.kind === 'error');
  return false;
}
