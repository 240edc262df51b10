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

/**
 * A stack seen in the dump, as a node of a trie of frame objects: its last frame, the stack it extends, and
 * longer stacks. Its frames array is made when a goroutine ends on it (a stack as deep as hostile text makes
 * it costs its depth, not its depth squared), then shared by every goroutine with that stack: never change it.
 */
interface StackNode {
  parent: StackNode | null;
  frame: StackFrame | null;
  frames: StackFrame[] | null;
  next: Map<StackFrame, StackNode> | null;
  /**
   * The last few steps taken from here, with the text that took them: a goroutine printed like an earlier one
   * compares its lines with these before it hashes any (most of a large dump's lines).
   */
  recent: Step[] | null;
  /** The last `created by` line seen after this stack, as printed and read (goroutines with one stack mostly share their creator). */
  creatorText: string;
  creator: CreatorLine | null;
}

/** From a stack node to a longer one: a function line's function, then its file line as printed. */
interface Step {
  fn: string;
  fileLine: string;
  node: StackNode;
}

/** Steps remembered per stack node; past these, the maps decide. */
const RECENT_STEPS = 6;

/**
 * A distinct file line (`\t/src/a.go:12 +0x3f`, its PC offset included): where it points, and one frame per
 * function printed above it. Nearly always one: they are compared in a short list before a map is needed.
 */
interface FileLine {
  file: string;
  line: number;
  frames: StackFrame[] | null;
  byFunction: Map<string, StackFrame> | null;
}

/** A distinct `created by` line: its creator, and one CreatedBy per file line it was printed with. */
interface CreatorLine {
  function: string;
  goroutine: number | null;
  at: Map<string, CreatedBy>;
  /** The file line it was last printed with, and what it gave (compared before the map is hashed). */
  lastAt: string;
  lastCreatedBy: CreatedBy | null;
}

/** Frames of one file line compared one by one before they go into a map (closures started on one line, inlined calls). */
const FRAMES_BEFORE_MAP = 8;

/** What a goroutine's frames are until it ends (framesOf gives them then). */
const NO_FRAMES: StackFrame[] = [];

/** Shared by every goroutine without ancestors (nearly all): one array less per goroutine. Never pushed to. */
const NO_ANCESTORS: number[] = [];

export class DumpParseError extends Error {
  override name = 'DumpParseError';
}

/** What reading a debug=2 dump found besides its goroutines. */
export interface DumpRead {
  total: number;
  /** The text ended in the middle of a goroutine (the runtime cuts dumps over 64 MB silently). */
  truncated: boolean;
}

const NO_GOROUTINE = 'no goroutine found: expected a goroutine dump (debug=2, runtime.Stack, SIGQUIT or panic output) or a goroutine profile';

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
  const { total, truncated } = readGoroutineDump(text, (g) => goroutines.push(g));
  return { format: 'debug2', profile: 'goroutine', total, goroutines, truncated, records: [] };
}

/**
 * Reads the goroutines of `text` one by one, in the order they are printed, and hands each to `visit`
 * (which may keep it): clustering a large dump this way holds no goroutine it is done with. Throws
 * DumpParseError when there is no goroutine at all.
 */
export function readGoroutineDump(text: string, visit: (g: Goroutine) => void): DumpRead {
  const read = new DumpReader(visit).read(text);
  if (read.total === 0) throw new DumpParseError(NO_GOROUTINE);
  return read;
}

/**
 * One pass over a dump's lines. Dumps repeat themselves: the same frames thousands of times, the same stacks,
 * statuses, label sets and created-by lines. Each distinct one is read once and shared (one frame object per
 * function and file line, one frames array per stack, found by walking a trie of frame objects), which also
 * makes grouping by stack cheap.
 */
class DumpReader {
  private readonly interned = new Map<string, string>();
  private readonly fileLines = new Map<string, FileLine | null>();
  private readonly stacks: StackNode = { parent: null, frame: null, frames: [], next: null, recent: null, creatorText: '', creator: null };
  private readonly statuses = new Map<string, HeaderStatus>();
  private readonly labelSets = new Map<string, Record<string, string> | null>();
  private readonly createdByLines = new Map<string, CreatorLine | null>();

  private current: Goroutine | null = null;
  /** Where the current goroutine's frames so far end in the trie. */
  private stack: StackNode = this.stacks;
  /** A function line waiting for its file:line (frames and `created by` come in pairs). */
  private pendingFunction: string | null = null;
  private pendingCreatedBy: CreatorLine | null = null;
  /** Lines of an ancestor's stack (GODEBUG=tracebackancestors): not the goroutine's own frames. */
  private inAncestor = false;
  private total = 0;
  private truncated = false;

  constructor(private readonly visit: (g: Goroutine) => void) {}

  read(text: string): DumpRead {
    let start = 0;
    const length = text.length;
    while (start <= length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = length;
      const lineStart = start;
      start = end + 1;
      // Characters are read from the text itself, which is flat; a line is a slice of it.
      if (end > lineStart && text.charCodeAt(end - 1) === 13 /* \r */) end--;
      if (end === lineStart) {
        // A blank line ends a goroutine, unless a frame still waits for its file line.
        if (this.current !== null && this.pendingFunction === null && this.pendingCreatedBy === null) this.finish();
        continue;
      }
      const first = text.charCodeAt(lineStart);
      const line = text.slice(lineStart, end);
      if (first === 103 /* g */ && line.startsWith('goroutine ')) {
        const h = headerOf(line);
        if (h) {
          this.finish();
          this.begin(h);
          continue;
        }
      }
      if (this.current === null) continue;
      if (first === 9 /* \t */) this.indented(line);
      else this.unindented(line, first);
    }
    if (this.current) {
      // The text ended without the blank line that closes a goroutine: cut off, unless it ended cleanly.
      const g: Goroutine = this.current;
      if (this.pendingFunction !== null || this.pendingCreatedBy !== null || (this.stack === this.stacks && !g.stackUnavailable)) this.truncated = true;
      this.finish();
    }
    // The runtime stops writing a dump at its 64 MB buffer without a word.
    if (length >= 64 * 1024 * 1024 - 1024) this.truncated = true;
    return { total: this.total, truncated: this.truncated };
  }

  private finish(): void {
    const g = this.current;
    if (!g) return;
    if (this.pendingFunction !== null || this.pendingCreatedBy !== null) this.truncated = true;
    g.frames = framesOf(this.stack);
    this.current = null;
    this.pendingFunction = null;
    this.pendingCreatedBy = null;
    this.inAncestor = false;
    this.total++;
    this.visit(g);
  }

  private begin(h: typeof header): void {
    const statusText = h.status;
    let status = this.statuses.get(statusText);
    if (!status) this.statuses.set(statusText, (status = parseHeaderStatus(statusText)));
    let labels: Record<string, string> | null = null;
    if (h.labels !== '') {
      const text = h.labels;
      labels = this.labelSets.get(text) ?? null;
      if (!labels && !this.labelSets.has(text)) {
        const read = readLabelSet(text, 0);
        labels = read && read.end === text.length ? read.labels : null;
        this.labelSets.set(text, labels);
      }
    }
    this.stack = this.stacks;
    this.current = {
      id: h.id,
      state: status.state,
      waitMinutes: status.waitMinutes,
      lockedToThread: status.lockedToThread,
      flags: status.flags,
      leaked: status.leaked,
      bubble: status.bubble,
      labels,
      frames: NO_FRAMES,
      elidedFrames: 0,
      createdBy: null,
      stackUnavailable: false,
      ancestors: NO_ANCESTORS,
    };
  }

  /** A file line (of a frame or of `created by`), `stack unavailable`, or a log's own indented line. */
  private indented(line: string): void {
    const g = this.current as Goroutine;
    const fn = this.pendingFunction;
    if (fn !== null && !this.inAncestor) {
      const recent = this.stack.recent;
      if (recent !== null) {
        for (let i = 0; i < recent.length; i++) {
          const step = recent[i] as Step;
          if (step.fileLine === line && step.fn === fn) {
            this.stack = step.node;
            this.pendingFunction = null;
            return;
          }
        }
      }
    }
    const createdBy = this.pendingCreatedBy;
    if (createdBy !== null && !this.inAncestor && createdBy.lastAt === line && createdBy.lastCreatedBy) {
      g.createdBy = createdBy.lastCreatedBy;
      this.pendingCreatedBy = null;
      return;
    }
    let at = this.fileLines.get(line);
    if (at === undefined) {
      const fl = FILE_LINE.exec(line);
      at = fl ? { file: this.intern(fl[1] ?? ''), line: Number(fl[2]), frames: null, byFunction: null } : null;
      this.fileLines.set(line, at);
    }
    if (at) {
      if (createdBy) {
        if (!this.inAncestor) {
          let c = createdBy.at.get(line);
          if (!c) createdBy.at.set(line, (c = { function: createdBy.function, file: at.file, line: at.line, goroutine: createdBy.goroutine }));
          createdBy.lastAt = line;
          createdBy.lastCreatedBy = c;
          g.createdBy = c;
        }
        this.pendingCreatedBy = null;
      } else if (fn !== null) {
        if (!this.inAncestor) {
          const frame = frameAt(at, fn);
          const stack = this.stack;
          let next = stack.next?.get(frame);
          if (!next) {
            next = { parent: stack, frame, frames: null, next: null, recent: null, creatorText: '', creator: null };
            (stack.next ??= new Map()).set(frame, next);
          }
          const recent = (stack.recent ??= []);
          if (recent.length < RECENT_STEPS) recent.push({ fn, fileLine: line, node: next });
          this.stack = next;
        }
        this.pendingFunction = null;
      }
      return;
    }
    if (line.includes('stack unavailable')) {
      g.stackUnavailable = true;
      return;
    }
    // Some other indented line (a log's own formatting): the goroutine ended before it.
    this.finish();
  }

  /** A call line, `created by`, an elision, an ancestor's header, or a line that is no part of a goroutine. */
  private unindented(line: string, first: number): void {
    const g = this.current as Goroutine;
    // A function line without its file line: the dump was interleaved or cut; keep what we have.
    this.pendingFunction = null;
    this.pendingCreatedBy = null;
    if (first === 99 /* c */ && line.startsWith('created by ')) {
      const stack = this.stack;
      if (stack.creator !== null && stack.creatorText === line) {
        this.pendingCreatedBy = stack.creator;
        return;
      }
      let c = this.createdByLines.get(line);
      if (c === undefined) {
        const m = CREATED_BY.exec(line);
        c = m ? { function: this.intern(m[1] ?? ''), goroutine: m[2] ? Number(m[2]) : null, at: new Map(), lastAt: '', lastCreatedBy: null } : null;
        this.createdByLines.set(line, c);
      }
      if (c) {
        stack.creatorText = line;
        stack.creator = c;
        this.pendingCreatedBy = c;
        return;
      }
    } else if (first === 46 /* . */ && line.startsWith('...')) {
      const e = ELIDED.exec(line);
      if (e) {
        if (!this.inAncestor) g.elidedFrames = e[1] === 'additional' ? -1 : Number(e[1]);
        return;
      }
    } else if (first === 91 /* [ */ && line.startsWith('[originating from goroutine ')) {
      const a = ANCESTOR.exec(line);
      if (a) {
        if (g.ancestors === NO_ANCESTORS) g.ancestors = [];
        g.ancestors.push(Number(a[1]));
        this.inAncestor = true;
        return;
      }
    }
    // `pkg.fn(args)`, `pkg.(*T).m(...)`: function names start with a letter, `_` or a path character; call
    // lines end with `)`. Arguments never hold a parenthesis: the last `(` opens them.
    if (line.charCodeAt(line.length - 1) === 41 /* ) */ && first !== 32 && first !== 91 /* [ */ && line.indexOf('(') > 0) {
      this.pendingFunction = line.slice(0, line.lastIndexOf('('));
      return;
    }
    // Anything else (a log line right after a goroutine) ends it.
    this.finish();
  }

  private intern(s: string): string {
    let v = this.interned.get(s);
    if (v === undefined) this.interned.set(s, (v = s));
    return v;
  }
}

/** The frames of a stack node, innermost first: made once, on the first goroutine that ends there. */
function framesOf(node: StackNode): StackFrame[] {
  if (node.frames !== null) return node.frames;
  const frames: StackFrame[] = [];
  for (let n: StackNode | null = node; n !== null && n.frame !== null; n = n.parent) frames.push(n.frame);
  frames.reverse();
  node.frames = frames;
  return frames;
}

/** The frame of `fn` at a file line: one object per (function, file line), shared by every stack through it. */
function frameAt(at: FileLine, fn: string): StackFrame {
  const frames = (at.frames ??= []);
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i] as StackFrame;
    if (f.function === fn) return f;
  }
  let frame = at.byFunction?.get(fn);
  if (!frame) {
    frame = { function: fn, file: at.file, line: at.line };
    if (frames.length < FRAMES_BEFORE_MAP) frames.push(frame);
    else (at.byFunction ??= new Map()).set(fn, frame);
  }
  return frame;
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
