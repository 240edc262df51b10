import { readLabelSet } from './labels';
import type { CreatedBy, Goroutine, GoroutineDump, StackFrame } from './model';

/**
 * Parses goroutine dumps as the Go runtime prints them: `debug=2` goroutine profiles,
 * `runtime.Stack(buf, true)`, SIGQUIT and panic output — including dumps pasted from a crash log with
 * other lines around them. Every header and body variant of ../shared/formats.md is understood;
 * unknown wait reasons are kept as printed. A dump cut off mid-goroutine yields what it holds and
 * says it was truncated.
 */

const FILE_LINE = /^\t(.*):(\d+)(?: \+0x[0-9a-f]+)?(?: fp=0x[0-9a-f]+ sp=0x[0-9a-f]+ pc=0x[0-9a-f]+)?\s*$/;
const CREATED_BY = /^created by (.+?)(?: in goroutine (\d+))?\s*$/;
const ELIDED = /^\.\.\.(\d+|additional) frames elided\.\.\.\s*$/;
const ANCESTOR = /^\[originating from goroutine (\d+)\]:\s*$/;
const WAIT = /^(\d+) minutes?$/;
const BUBBLE = /^synctest bubble (\d+)$/;
const FLAG_SUFFIX = / \((scan|leaked|durable)\)$/;
// ` gp=0xc000002380 m=0 mp=0x5b4e40` between the id and the status (Go >= 1.23 with GOTRACEBACK=system).
const SCHEDULER_FIELDS = /^ gp=0x[0-9a-f]+ m=(?:\d+|nil)(?: mp=0x[0-9a-f]+)?$/;

/** A stack seen in the dump: its frames (shared by every goroutine with that stack; never changed) and longer stacks. */
interface StackNode {
  frames: StackFrame[];
  next: Map<StackFrame, StackNode> | null;
}

/** A distinct `created by` line: its creator, and one CreatedBy per file line it was printed with. */
interface CreatorLine {
  function: string;
  goroutine: number | null;
  at: Map<string, CreatedBy>;
}

/** Shared by every goroutine without ancestors (nearly all): one array less per goroutine. Never pushed to. */
const NO_ANCESTORS: number[] = [];

export class DumpParseError extends Error {
  override name = 'DumpParseError';
}

/** What a header's status says (`[select (leaked), 25 minutes, locked to thread]`), labels apart. */
export interface HeaderStatus {
  state: string;
  waitMinutes: number | null;
  lockedToThread: boolean;
  /** Shared by every goroutine with this status: never change it. */
  flags: string[];
  leaked: boolean;
  bubble: number | null;
}

/** Splits `select (leaked), 25 minutes, locked to thread` (the status without brackets or labels) into its parts. */
export function parseHeaderStatus(status: string): HeaderStatus {
  const parts = status.split(', ');
  let state = parts[0] ?? '';
  const flags: string[] = [];
  for (let m = FLAG_SUFFIX.exec(state); m; m = FLAG_SUFFIX.exec(state)) {
    flags.unshift(m[1] ?? '');
    state = state.slice(0, m.index);
  }
  let waitMinutes: number | null = null;
  let lockedToThread = false;
  let bubble: number | null = null;
  for (const part of parts.slice(1)) {
    const wait = WAIT.exec(part);
    if (wait) waitMinutes = Number(wait[1]);
    else if (part === 'locked to thread') lockedToThread = true;
    else {
      const b = BUBBLE.exec(part);
      if (b) bubble = Number(b[1]);
      else {
        const f = /^\((\w+)\)$/.exec(part);
        if (f?.[1]) flags.push(f[1]);
      }
    }
  }
  return { state, waitMinutes, lockedToThread, flags, leaked: flags.includes('leaked'), bubble };
}

/**
 * `main.(*S).run(0xc000010000, {0x4b1e20?, 0x1}, ...)` → `main.(*S).run`. Arguments are hex words,
 * `?`, `{…}` aggregates and `...`: never a parenthesis, so the last `(` opens them.
 */
export function functionOfCall(line: string): string {
  const text = line.trimEnd();
  const open = text.lastIndexOf('(');
  return text.endsWith(')') && open > 0 ? text.slice(0, open) : text;
}

/** Whether the text holds at least one goroutine header (a dump, perhaps inside a log). */
export function looksLikeGoroutineDump(text: string): boolean {
  // `…]:` or, with Go 1.27's labels after the status, `…}:`.
  return /(^|\n)goroutine \d+ (?:gp=\S+ m=\S+ (?:mp=\S+ )?)?\[[^\n]*[\]}]:[ \t]*\r?(\n|$)/.test(text);
}

/**
 * Parses every goroutine in `text`. Lines that are not part of a goroutine (log lines before, between
 * or after) are skipped. Throws DumpParseError when there is no goroutine at all.
 */
export function parseGoroutineDump(text: string): GoroutineDump {
  const goroutines: Goroutine[] = [];
  const interned = new Map<string, string>();
  const intern = (s: string): string => {
    let v = interned.get(s);
    if (v === undefined) {
      interned.set(s, s);
      v = s;
    }
    return v;
  };

  // Dumps repeat the same frames thousands of times: parse each distinct file line once and share
  // one frame object per (function, file line), which also makes grouping by stack cheap.
  const fileLines = new Map<string, { file: string; line: number } | null>();
  const frames = new Map<string, Map<string, StackFrame>>();
  const frameFor = (fn: string, raw: string, at: { file: string; line: number }): StackFrame => {
    let byFn = frames.get(raw);
    if (!byFn) frames.set(raw, (byFn = new Map()));
    let frame = byFn.get(fn);
    if (!frame) byFn.set(fn, (frame = { function: fn, file: at.file, line: at.line }));
    return frame;
  };

  // Stacks repeat even more: goroutines with the same frames share one frames array, found by walking a
  // trie of frame objects (one Map lookup per frame) instead of building an array per goroutine.
  const stacks: StackNode = { frames: [], next: null };
  let stack = stacks;

  // Header statuses repeat (`chan receive`, `select, 12 minutes`): read each distinct one once. So do
  // label sets (a route per request): one object per distinct text, shared by its goroutines.
  const statuses = new Map<string, HeaderStatus>();
  const labelSets = new Map<string, Record<string, string> | null>();
  // `created by` lines repeat too (one creator, one parent): read each once, and share one CreatedBy per
  // (creator line, file line) — the goroutines a loop started point at the same object, which no one changes.
  const createdByLines = new Map<string, CreatorLine | null>();

  let current: Goroutine | null = null;
  // A function line waiting for its file:line (frames and `created by` come in pairs).
  let pendingFunction: string | null = null;
  let pendingCreatedBy: CreatorLine | null = null;
  let inAncestor = false;
  let truncated = false;

  const finish = (): void => {
    if (!current) return;
    if (pendingFunction !== null || pendingCreatedBy !== null) truncated = true;
    goroutines.push(current);
    current = null;
    pendingFunction = null;
    pendingCreatedBy = null;
    inAncestor = false;
  };

  let start = 0;
  const length = text.length;
  while (start <= length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = length;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);

    if (line.startsWith('goroutine ')) {
      const h = headerOf(line);
      if (h) {
        finish();
        const statusText = h.status;
        let status = statuses.get(statusText);
        if (!status) statuses.set(statusText, (status = parseHeaderStatus(statusText)));
        let labels: Record<string, string> | null = null;
        if (h.labels !== '') {
          const text = h.labels;
          labels = labelSets.get(text) ?? null;
          if (!labels && !labelSets.has(text)) {
            const read = readLabelSet(text, 0);
            labels = read && read.end === text.length ? read.labels : null;
            labelSets.set(text, labels);
          }
        }
        stack = stacks;
        current = {
          id: h.id,
          state: status.state,
          waitMinutes: status.waitMinutes,
          lockedToThread: status.lockedToThread,
          flags: status.flags,
          leaked: status.leaked,
          bubble: status.bubble,
          labels,
          frames: stacks.frames,
          elidedFrames: 0,
          createdBy: null,
          stackUnavailable: false,
          ancestors: NO_ANCESTORS,
        };
        continue;
      }
    }
    if (!current) continue;
    const g: Goroutine = current;

    if (line.length === 0) {
      // A blank line ends a goroutine, unless a frame still waits for its file line.
      if (pendingFunction === null && pendingCreatedBy === null) finish();
      continue;
    }
    if (line.charCodeAt(0) === 9 /* \t */) {
      let at = fileLines.get(line);
      if (at === undefined) {
        const fl = FILE_LINE.exec(line);
        at = fl ? { file: intern(fl[1] ?? ''), line: Number(fl[2]) } : null;
        fileLines.set(line, at);
      }
      if (at) {
        if (pendingCreatedBy) {
          if (!inAncestor) {
            let createdBy = pendingCreatedBy.at.get(line);
            if (!createdBy) {
              createdBy = { function: pendingCreatedBy.function, file: at.file, line: at.line, goroutine: pendingCreatedBy.goroutine };
              pendingCreatedBy.at.set(line, createdBy);
            }
            g.createdBy = createdBy;
          }
          pendingCreatedBy = null;
        } else if (pendingFunction !== null) {
          if (!inAncestor) {
            const frame = frameFor(pendingFunction, line, at);
            let next = stack.next?.get(frame);
            if (!next) {
              next = { frames: [...stack.frames, frame], next: null };
              (stack.next ??= new Map()).set(frame, next);
            }
            stack = next;
            g.frames = next.frames;
          }
          pendingFunction = null;
        }
        continue;
      }
      if (line.includes('stack unavailable')) {
        g.stackUnavailable = true;
        continue;
      }
      // Some other indented line (a log's own formatting): the goroutine ended before it.
      finish();
      continue;
    }
    if (pendingFunction !== null || pendingCreatedBy !== null) {
      // A function line without its file line: the dump was interleaved or cut; keep what we have.
      pendingFunction = null;
      pendingCreatedBy = null;
    }
    if (line.startsWith('created by ')) {
      let c = createdByLines.get(line);
      if (c === undefined) {
        const m = CREATED_BY.exec(line);
        c = m ? { function: intern(m[1] ?? ''), goroutine: m[2] ? Number(m[2]) : null, at: new Map() } : null;
        createdByLines.set(line, c);
      }
      if (c) {
        pendingCreatedBy = c;
        continue;
      }
    }
    if (line.startsWith('...')) {
      const e = ELIDED.exec(line);
      if (e) {
        if (!inAncestor) g.elidedFrames = e[1] === 'additional' ? -1 : Number(e[1]);
        continue;
      }
    }
    if (line.startsWith('[originating from goroutine ')) {
      const a = ANCESTOR.exec(line);
      if (a) {
        if (g.ancestors === NO_ANCESTORS) g.ancestors = [];
        g.ancestors.push(Number(a[1]));
        inAncestor = true;
        continue;
      }
    }
    if (isCallLine(line)) {
      pendingFunction = functionOfCall(line);
      continue;
    }
    // Anything else (a log line right after a goroutine) ends it.
    finish();
  }
  if (current) {
    // The text ended without the blank line that closes a goroutine: cut off, unless it ended cleanly.
    const g: Goroutine = current;
    if (pendingFunction !== null || pendingCreatedBy !== null || (g.frames.length === 0 && !g.stackUnavailable)) truncated = true;
    finish();
  }
  // The runtime stops writing a dump at its 64 MB buffer without a word.
  if (text.length >= 64 * 1024 * 1024 - 1024) truncated = true;
  if (goroutines.length === 0) {
    throw new DumpParseError('no goroutine found: expected a goroutine dump (debug=2, runtime.Stack, SIGQUIT or panic output) or a goroutine profile');
  }
  return { format: 'debug2', profile: 'goroutine', total: goroutines.length, goroutines, truncated, records: [] };
}

/** One result object for every header: its fields are read before the next header is. */
const header = { id: 0, status: '', labels: '' };

/**
 * `goroutine 6 [chan receive]:` → id, status and label-set text (`''` when none), without a regular
 * expression (one header per goroutine: 100,000 of them in a large dump). The forms:
 *
 *     goroutine 6 [select, 2 minutes]:
 *     goroutine 1 gp=0xc000002380 m=0 mp=0x5b4e40 [running]:          GOTRACEBACK=system
 *     goroutine 21 [chan send (leaked)] {route: "/users/{id}"}:        Go 1.27 (tracebacklabels=1, the default)
 *     goroutine 21 [chan send (leaked) labels:{"route": "/a"}]:        Go 1.26 with GODEBUG=tracebacklabels=1
 *
 * A label value may hold `]:` or `}:`: a status never holds `]` or ` labels:{`, so the status ends at the
 * first `]` unless ` labels:{` comes before it, and a label set runs to the line's end.
 */
function headerOf(line: string): { id: number; status: string; labels: string } | null {
  let i = 10; // after 'goroutine '
  let id = 0;
  for (let c = line.charCodeAt(i); c >= 48 && c <= 57; c = line.charCodeAt(++i)) id = id * 10 + (c - 48);
  // Ids are uint64: 20 digits at most.
  if (i === 10 || i > 30 || line.charCodeAt(i) !== 32) return null;
  let open = i + 1;
  if (line.charCodeAt(open) !== 91 /* [ */) {
    const at = line.indexOf(' [', i);
    if (at < 0 || !SCHEDULER_FIELDS.test(line.slice(i, at))) return null;
    open = at + 1;
  }
  let end = line.length;
  for (let c = line.charCodeAt(end - 1); c === 32 || c === 9; c = line.charCodeAt(--end - 1));
  if (line.charCodeAt(end - 1) !== 58 /* : */) return null;
  const close = line.indexOf(']', open);
  if (close < 0) return null;
  const labelsAt = line.indexOf(' labels:{', open);
  if (labelsAt > open && labelsAt < close) {
    // Go 1.26: `[state, … labels:{…}]:`
    if (line.charCodeAt(end - 2) !== 93 /* ] */ || line.charCodeAt(end - 3) !== 125 /* } */) return null;
    header.status = line.slice(open + 1, labelsAt);
    header.labels = line.slice(labelsAt + 8, end - 2);
  } else if (close === end - 2) {
    header.status = line.slice(open + 1, close);
    header.labels = '';
  } else {
    // Go 1.27: `[state, …] {…}:`
    if (line.charCodeAt(close + 1) !== 32 || line.charCodeAt(close + 2) !== 123 /* { */ || line.charCodeAt(end - 2) !== 125 /* } */) return null;
    header.status = line.slice(open + 1, close);
    header.labels = line.slice(close + 2, end - 1);
  }
  header.id = id;
  return header;
}

/** `pkg.fn(args)`, `pkg.(*T).m(...)`, `runtime.gopark(...)`: a frame's call line. */
function isCallLine(line: string): boolean {
  const c = line.charCodeAt(0);
  // Function names start with a letter, `_` or a path character; call lines end with `)`.
  return line.endsWith(')') && c !== 32 && c !== 91 /* [ */ && line.indexOf('(') > 0;
}
