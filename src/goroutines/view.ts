/**
 * The Goroutines view's model from a clustered dump: the histogram, the groups with their
 * standard-library flag, capped so a page never gets a 100,000-goroutine payload, and the filters the
 * page applies. No vscode import, no DOM: the worker builds it, the page filters it.
 */
import type { FrameFinding, GoroutinesView, GroupView } from '../protocol/goroutinesView';
import { isStandardFrame, packageOf } from './cluster';
import type { GoroutineSummary, StackFrame } from './model';
import { compareStates } from './stateOrder';

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
    .sort((a, b) => b.count - a.count || compareStates(a.state, b.state));
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
 * it — a finding on the line where the goroutines block in the user's code, or on the `go` statement that
 * started them (their created-by line, where goroutine-stuck-on-channel reports) — or, once the findings
 * were looked for, that none does. Null for a group with no proven leak.
 */
export function leakVerdict(group: Pick<GroupView, 'count' | 'leaked' | 'blockingFrame' | 'findings'>, findingsChecked: boolean): string | null {
  if (group.leaked === 0) return null;
  const proof = group.leaked === group.count ? 'Proven leaked by the Go runtime' : `${group.leaked.toLocaleString('en-US')} of these ${group.count.toLocaleString('en-US')} proven leaked by the Go runtime`;
  const they = group.leaked === 1 ? 'it' : 'they';
  const rulesOf = (findings: readonly FrameFinding[]): string => [...new Set(findings.map((f) => f.rule))].join(' and ');
  const blocking = group.findings.filter((f) => f.frame === group.blockingFrame);
  const start = group.findings.filter((f) => f.frame === 'createdBy');
  const reasons: string[] = [];
  if (blocking.length > 0) reasons.push(`${rulesOf(blocking)} reports the line where ${they} ${they === 'it' ? 'blocks' : 'block'}`);
  if (start.length > 0) {
    const at = start[0] as FrameFinding;
    reasons.push(`${rulesOf(start)} reports the go statement that started ${group.leaked === 1 ? 'it' : 'them'} (${baseName(at.file)}:${at.line})`);
  }
  if (reasons.length > 0) return `${proof}, and ${reasons.join('; ')}.`;
  return findingsChecked ? `${proof}. No rule explains this one yet.` : `${proof}.`;
}

/** `quote.go` of `/ws/internal/api/quote.go` (or of a Windows path). */
function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
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
 * Attaches findings to the group frames whose line they cover, and to the groups' created-by lines (the
 * `go` statement that started them, where goroutine-stuck-on-channel reports). `localPathOf` maps a frame
 * (its file as the build machine printed it, its function) to the local file findings are reported in, or
 * undefined. Returns how many findings were attached in all.
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
    const attach = (frame: StackFrame, at: FrameFinding['frame']): void => {
      const local = localPathOf(frame);
      if (local === undefined) return;
      for (const f of byFile.get(local) ?? []) {
        if (frame.line >= f.line && frame.line <= f.endLine) {
          attached.push({ frame: at, rule: f.rule, severity: f.severity, message: f.message, file: f.file, line: f.line });
        }
      }
    };
    group.frames.forEach((frame, index) => attach(frame, index));
    if (group.createdBy) attach(group.createdBy, 'createdBy');
    group.findings = attached;
    linked += attached.length;
  }
  return linked;
}
