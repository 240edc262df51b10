/**
 * The profile model every Goroscope feature reads: a decoded pprof profile (profile.proto), flattened
 * into plain arrays so it crosses worker and webview boundaries by structured clone. No vscode import.
 */

/** A sample type or the period type: `{type: "inuse_space", unit: "bytes"}`. */
export interface SampleType {
  type: string;
  unit: string;
}

/** One frame of a stack: a function at a line. Inlined calls are frames of their own. */
export interface Frame {
  /** Function name as the profile spells it (`main.(*Server).handle.func1`). Untrusted text. */
  name: string;
  /** Source file as recorded on the build machine. Untrusted text. */
  file: string;
  line: number;
}

export interface Sample {
  /** Frame indices, leaf first (inlined frames expanded, innermost first, as pprof does). */
  stack: number[];
  /** One value per sample type. */
  values: number[];
  /** pprof string labels (`pprof.Do(ctx, pprof.Labels("handler", "/users"), …)`). */
  labels?: Record<string, string[]>;
  /** pprof numeric labels (`bytes`, `object count`…). */
  numLabels?: Record<string, number[]>;
}

export interface Profile {
  sampleTypes: SampleType[];
  /** Index into sampleTypes that pprof shows by default: default_sample_type when set, else the last. */
  defaultSampleIndex: number;
  periodType: SampleType | null;
  period: number;
  /** Nanoseconds since the epoch when the profile was taken (0 when unknown). */
  timeNanos: number;
  durationNanos: number;
  /** Deduplicated frames; samples point into this array. */
  frames: Frame[];
  samples: Sample[];
  comments: string[];
  /** Drop/keep frame regexps recorded in the profile (pprof applies them). */
  dropFrames: string;
  keepFrames: string;
}

/** Which samples and frames a view keeps, with pprof's meaning of focus/ignore/hide/show. */
export interface ViewFilter {
  /** Keep only samples with a frame matching this regexp (pprof -focus). */
  focus?: string;
  /** Drop samples with a frame matching this regexp (pprof -ignore). */
  ignore?: string;
  /** Remove matching frames from stacks, keeping the samples (pprof -hide). */
  hide?: string;
  /** Keep only samples whose labels match: `key=value` (pprof -tagfocus). */
  tagFocus?: string;
}

/** A node of the flame tree. `total` includes children; `self` is this frame's own (flat) value. */
export interface FlameNode {
  /** Stable within one tree: used to ask for a subtree the webview has not received yet. */
  id: number;
  name: string;
  file: string;
  line: number;
  self: number;
  total: number;
  /** With a diff base: total minus the base's total for the same path (pprof -diff_base). */
  delta?: number;
  children: FlameNode[];
  /** Set when children below the pixel threshold were folded away; their sum is total - self - Σchildren. */
  truncated?: boolean;
}

/** One row of the top table: a function's flat and cumulative value (pprof -top). */
export interface TopRow {
  function: string;
  file: string;
  flat: number;
  cum: number;
}
