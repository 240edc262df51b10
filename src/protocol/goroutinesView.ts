/**
 * What the Goroutines and leak-watch pages draw, as the host sends it (see panel.ts for the messages).
 * Data only: every string that came from a dump or a service is untrusted and is shown as text.
 */
import type { CreatedBy, StackFrame } from '../goroutines/model';
import type { Series, Suspect } from '../leaks/suspects';

/** A static finding (goroscope lint) on the line of one of a group's frames. */
export interface FrameFinding {
  /**
   * Index into the group's frames, or `createdBy`: a finding on the `go` statement that started the
   * goroutines (their created-by line), where a rule such as goroutine-stuck-on-channel reports them.
   */
  frame: number | 'createdBy';
  rule: string;
  severity: string;
  message: string;
  /** The local file the finding is in, and its 1-based line. */
  file: string;
  line: number;
}

/** One group of goroutines sharing a state and a stack. */
export interface GroupView {
  count: number;
  /** How many of them the Go runtime proved leaked (goroutineleak's detection pass). */
  leaked: number;
  state: string;
  minWaitMinutes: number | null;
  maxWaitMinutes: number | null;
  createdBy: CreatedBy | null;
  lockedToThread: boolean;
  labels: Record<string, string> | null;
  /** Innermost first. */
  frames: readonly StackFrame[];
  /** The first goroutine ids (debug=1/0 profiles have none); `idsOmitted` more were left out. */
  ids: number[];
  idsOmitted: number;
  /** Every frame (and the creator) is runtime or standard library: hidden by the "user code only" switch. */
  standardOnly: boolean;
  /** The frame where the goroutines wait in the user's code (the innermost user frame), or -1. */
  blockingFrame: number;
  findings: FrameFinding[];
}

export interface GoroutinesView {
  title: string;
  /** Where the goroutines come from, in words (`debug=2 dump of http://…, labels from debug=1`). */
  source: string;
  total: number;
  /** Goroutines the Go runtime proved leaked, in all groups. */
  leaked: number;
  truncated: boolean;
  /** The state histogram, largest first. */
  states: Array<{ state: string; count: number }>;
  /** Sorted by count, largest first; at most a few thousand, `groupsOmitted` more were left out. */
  groups: GroupView[];
  groupsOmitted: number;
  /** How far the static findings are (`Looking for findings…`, `2 findings on these stacks`), for the user. */
  findingsStatus: string;
  /** The static findings were looked for and attached: a group without one has none. */
  findingsChecked: boolean;
  canOpenSource: boolean;
}

/** One snapshot of a leak watch, as the page lists it. */
export interface WatchSnapshotView {
  takenAt: number;
  goroutines: number | null;
  problems: string[];
}

export interface WatchView {
  title: string;
  running: boolean;
  /** A stored watch that is not taking snapshots (shown as it was left, or stopped): the page offers to continue it (ContinueWatch). */
  canContinue: boolean;
  intervalSeconds: number;
  snapshots: WatchSnapshotView[];
  series: Series;
  /** Ranked, most suspicious first. */
  suspects: Suspect[];
  /** Snapshots after which the service restarted. */
  restarts: number[];
  /** What the user should know about the watch (service not answering, stopped, where snapshots are kept). */
  notes: string[];
}
