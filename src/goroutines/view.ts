/**
 * The Goroutines view's model from a clustered dump: the histogram, the groups with their
 * standard-library flag, capped so a page never gets a 100,000-goroutine payload, and the filters the
 * page applies. No vscode import, no DOM: the worker builds it, the page filters it.
 */
import type { FrameFinding, GoroutinesView, GroupView } from '../protocol/goroutinesView';
import { isStandardFrame, packageOf } from './cluster';
import type { GoroutineSummary, StackFrame } from './model';

export interface ViewLimits {
  /** Groups sent to the page (the rest are counted in groupsOmitted). */
  maxGroups: number;
  /** Goroutine ids kept per group. */
  maxIds: number;
}

export const DEFAULT_VIEW_LIMITS: ViewLimits = { maxGroups: 2000, maxIds: 200 };

export interface ViewSource {
  title: string;
  source: string;
  /** Module paths of the workspace (from go.mod): their frames are user code even without a dot. */
  userModules?: readonly string[];
  canOpenSource?: boolean;
}

export function buildGoroutinesView(summary: GoroutineSummary, source: ViewSource, limits: ViewLimits = DEFAULT_VIEW_LIMITS): GoroutinesView {
  const userModules = source.userModules ?? [];
  const groups: GroupView[] = summary.groups.slice(0, limits.maxGroups).map((g) => ({
    count: g.count,
    leaked: g.leaked,
    state: g.state,
    minWaitMinutes: g.minWaitMinutes,
    maxWaitMinutes: g.maxWaitMinutes,
    createdBy: g.createdBy,
    lockedToThread: g.lockedToThread,
    labels: g.labels,
    frames: g.frames,
    ids: g.ids.slice(0, limits.maxIds),
    idsOmitted: Math.max(0, g.ids.length - limits.maxIds),
    standardOnly: g.frames.every((f) => isStandardFrame(f, userModules)) && (g.createdBy === null || isStandardFrame(g.createdBy, userModules)),
    blockingFrame: g.frames.findIndex((f) => !isStandardFrame(f, userModules)),
    findings: [],
  }));
  const states = Object.entries(summary.states)
    .map(([state, count]) => ({ state, count }))
    .sort((a, b) => b.count - a.count || a.state.localeCompare(b.state));
  return {
    title: source.title,
    source: source.source,
    total: summary.total,
    leaked: summary.leaked,
    truncated: summary.truncated,
    states,
    groups,
    groupsOmitted: Math.max(0, summary.groups.length - limits.maxGroups),
    findingsStatus: '',
    findingsChecked: false,
    canOpenSource: source.canOpenSource ?? false,
  };
}

/**
 * What the page says of a group the Go runtime proved leaked: the proof, and whether a lint rule explains
 * it (a finding on the line where the goroutines block in the user's code) — or, once the findings were
 * looked for, that none does. Null for a group with no proven leak.
 */
export function leakVerdict(group: Pick<GroupView, 'count' | 'leaked' | 'blockingFrame' | 'findings'>, findingsChecked: boolean): string | null {
  if (group.leaked === 0) return null;
  const proof = group.leaked === group.count ? 'Proven leaked by the Go runtime' : `${group.leaked.toLocaleString('en-US')} of these ${group.count.toLocaleString('en-US')} proven leaked by the Go runtime`;
  const rules = [...new Set(group.findings.filter((f) => f.frame === group.blockingFrame).map((f) => f.rule))];
  if (rules.length > 0) return `${proof}, and ${rules.join(' and ')} reports the line where ${group.leaked === 1 ? 'it blocks' : 'they block'}.`;
  return findingsChecked ? `${proof}. No rule explains this one yet.` : `${proof}.`;
}

export interface GroupFilter {
  /** Only groups in this state ('' or undefined: every state). */
  state?: string;
  /** Case-insensitive text matched against every frame's function, package and file, and the creator's. */
  text?: string;
  /** Hide groups made only of runtime and standard-library frames. */
  hideStandard?: boolean;
}

/** The groups the page shows for a filter, in their order. */
export function filterGroups<G extends Pick<GroupView, 'state' | 'frames' | 'createdBy' | 'standardOnly'>>(groups: readonly G[], filter: GroupFilter): G[] {
  const text = filter.text?.trim().toLowerCase() ?? '';
  return groups.filter((g) => {
    if (filter.state && g.state !== filter.state) return false;
    if (filter.hideStandard && g.standardOnly) return false;
    if (text === '') return true;
    const frames = g.createdBy ? [...g.frames, g.createdBy] : g.frames;
    return frames.some((f) => f.function.toLowerCase().includes(text) || packageOf(f.function).toLowerCase().includes(text) || f.file.toLowerCase().includes(text));
  });
}

/** A lint finding located in a local file (1-based lines, as `goroscope lint --format json` prints them). */
export interface LocatedFinding {
  file: string;
  line: number;
  endLine: number;
  rule: string;
  severity: string;
  message: string;
}

/**
 * Attaches findings to the group frames whose line they cover. `localPathOf` maps a frame (its file as the
 * build machine printed it, its function) to the local file findings are reported in, or undefined.
 * Returns how many findings were attached in all.
 */
export function linkFindings(groups: readonly GroupView[], findings: readonly LocatedFinding[], localPathOf: (frame: StackFrame) => string | undefined): number {
  const byFile = new Map<string, LocatedFinding[]>();
  for (const f of findings) {
    const list = byFile.get(f.file);
    if (list) list.push(f);
    else byFile.set(f.file, [f]);
  }
  let linked = 0;
  for (const group of groups) {
    const attached: FrameFinding[] = [];
    group.frames.forEach((frame, index) => {
      const local = localPathOf(frame);
      if (local === undefined) return;
      for (const f of byFile.get(local) ?? []) {
        if (frame.line >= f.line && frame.line <= f.endLine) {
          attached.push({ frame: index, rule: f.rule, severity: f.severity, message: f.message, file: f.file, line: f.line });
        }
      }
    });
    group.findings = attached;
    linked += attached.length;
  }
  return linked;
}
