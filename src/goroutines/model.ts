/**
 * Goroutines as Go prints them (debug=2 dumps, crash output, debug=1 and debug=0 profiles), and groups
 * of goroutines that share a state and a stack. No vscode import.
 */

export interface StackFrame {
  /** Function as printed (`main.(*Server).run.func1`), arguments removed. Untrusted text. */
  function: string;
  /** Source file on the build machine. Untrusted text. */
  file: string;
  line: number;
}

export interface CreatedBy extends StackFrame {
  /** The parent goroutine's id (`created by … in goroutine N`, Go ≥ 1.21), else null. */
  goroutine: number | null;
}

export interface Goroutine {
  id: number;
  /** Bare wait reason (`chan receive`, `select`, `IO wait`…), without wait time or flags; unknown ones kept. */
  state: string;
  /** `[select, 25 minutes]`: the runtime prints the wait only from one minute on. */
  waitMinutes: number | null;
  lockedToThread: boolean;
  /** Extra markers in the header: `scan`, `leaked`, `durable` (synctest). Shared by goroutines printed alike: never change it. */
  flags: string[];
  /**
   * Marked `(leaked)`: Go's leak detector (the goroutineleak profile's GC pass, Go 1.26 with
   * GOEXPERIMENT=goroutineleakprofile, Go 1.27) proved nothing can ever wake it. Once a pass ran, every
   * later dump of the process marks it.
   */
  leaked: boolean;
  /** `synctest bubble N` (Go 1.25 testing/synctest). */
  bubble: number | null;
  /**
   * pprof labels printed in the header (Go 1.27 modules by default, Go 1.26 with
   * GODEBUG=tracebacklabels=1). Shared by the goroutines printed with the same labels: never change it.
   */
  labels: Record<string, string> | null;
  /** Innermost first. Shared by the goroutines of one dump with the same stack: never change it. */
  frames: readonly StackFrame[];
  /** Frames the runtime left out (`...N frames elided...`; -1 for `...additional frames elided...`). */
  elidedFrames: number;
  /** Shared, like frames, by the goroutines one creator started at one place: never change it. */
  createdBy: CreatedBy | null;
  /** `goroutine running on other thread; stack unavailable`. */
  stackUnavailable: boolean;
  /** Stacks of ancestors (GODEBUG=tracebackancestors=N): the goroutine ids they came from. */
  ancestors: number[];
}

export interface GoroutineDump {
  format: 'debug2' | 'debug1' | 'proto';
  /**
   * Which profile the records of a debug=1 or debug=0 text come from: `goroutineleak` lists only the
   * goroutines Go proved leaked. A debug=2 dump is `goroutine` (its leaked goroutines are marked one by one).
   */
  profile: 'goroutine' | 'goroutineleak';
  /** Goroutines the dump holds (debug=1/0 profiles: the sum of the record counts). */
  total: number;
  goroutines: Goroutine[];
  /** The text ended in the middle of a goroutine (the runtime cuts dumps over 64 MB silently). */
  truncated: boolean;
  /** debug=1 and debug=0 have no ids or states: records of identical stacks with a count. */
  records: StackRecord[];
}

/** One record of a debug=1 or debug=0 goroutine profile: `count` goroutines with this stack and labels. */
export interface StackRecord {
  count: number;
  frames: StackFrame[];
  labels: Record<string, string> | null;
}

/** Goroutines sharing a state and a stack (function, file and line of every frame; arguments ignored). */
export interface GoroutineGroup {
  count: number;
  /** How many of them Go's leak detector proved leaked (marked `(leaked)`, or from a goroutineleak profile). */
  leaked: number;
  state: string;
  minWaitMinutes: number | null;
  maxWaitMinutes: number | null;
  createdBy: CreatedBy | null;
  lockedToThread: boolean;
  /**
   * The goroutines' pprof labels (from their headers, or joined from a debug=1 profile). A key on which
   * they disagree lists its values (GROUP_LABEL_VALUES at most, then `…`) separated by ` | `.
   */
  labels: Record<string, string> | null;
  /** The goroutines' own (shared) frames array: never change it. */
  frames: readonly StackFrame[];
  ids: number[];
}

export interface GoroutineSummary {
  total: number;
  /** Goroutines Go's leak detector proved leaked, in all groups. */
  leaked: number;
  truncated: boolean;
  states: Record<string, number>;
  groups: GoroutineGroup[];
}
