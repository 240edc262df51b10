import type { CreatedBy, Goroutine, GoroutineDump, StackFrame } from './model';

/**
 * Parses goroutine dumps as the Go runtime prints them: `debug=2` goroutine profiles,
 * `runtime.Stack(buf, true)`, SIGQUIT and panic output — including dumps pasted from a crash log with
 * other lines around them. Every header and body variant of ../shared/formats.md is understood;
 * unknown wait reasons are kept as printed. A dump cut off mid-goroutine yields what it holds and
 * says it was truncated.
 */

// goroutine 1 gp=0xc000002380 m=0 mp=0x5b4e40 [running]:
const HEADER = /^goroutine (\d+)(?: gp=0x[0-9a-f]+ m=(?:\d+|nil)(?: mp=0x[0-9a-f]+)?)? \[(.*)\]:\s*$/;
const FILE_LINE = /^\t(.*):(\d+)(?: \+0x[0-9a-f]+)?(?: fp=0x[0-9a-f]+ sp=0x[0-9a-f]+ pc=0x[0-9a-f]+)?\s*$/;
const CREATED_BY = /^created by (.+?)(?: in goroutine (\d+))?\s*$/;
const ELIDED = /^\.\.\.(\d+|additional) frames elided\.\.\.\s*$/;
const ANCESTOR = /^\[originating from goroutine (\d+)\]:\s*$/;
const WAIT = /^(\d+) minutes?$/;
const BUBBLE = /^synctest bubble (\d+)$/;
const FLAG_SUFFIX = / \((scan|leaked|durable)\)$/;

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

interface Header {
  id: number;
  state: string;
  waitMinutes: number | null;
  lockedToThread: boolean;
  flags: string[];
  bubble: number | null;
  labels: Record<string, string> | null;
}

/** Splits `[select, 25 minutes, locked to thread]` (without brackets) into its parts. */
export function parseHeaderStatus(status: string): Omit<Header, 'id'> {
  let text = status;
  let labels: Record<string, string> | null = null;
  // Go 1.26+: `[running labels:{"k": "v"}]` or `[select, 2 minutes labels:{…}]`.
  const labelAt = text.indexOf(' labels:{');
  if (labelAt >= 0) {
    labels = parseLabelObject(text.slice(labelAt + ' labels:'.length));
    text = text.slice(0, labelAt);
  } else if (text.startsWith('labels:{')) {
    labels = parseLabelObject(text.slice('labels:'.length));
    text = '';
  }
  const parts = text.split(', ');
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
  return { state, waitMinutes, lockedToThread, flags, bubble, labels };
}

/** `{"k": "v", "k2": "v2"}` as Go prints labels; tolerant of what it cannot read. */
export function parseLabelObject(text: string): Record<string, string> | null {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(value)) out[k] = String(v);
      return out;
    }
  } catch {
    // Older formats print labels unquoted; read `k:v` pairs.
  }
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/"?([^",{}:]+)"?\s*:\s*"?([^",{}]*)"?/g)) {
    if (m[1]) out[m[1].trim()] = (m[2] ?? '').trim();
  }
  return Object.keys(out).length > 0 ? out : null;
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
  return /(^|\n)goroutine \d+ (?:gp=\S+ m=\S+ (?:mp=\S+ )?)?\[[^\n]*\]:\s*(\n|$)/.test(text);
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

  // Header statuses repeat (`chan receive`, `select, 12 minutes`): read each distinct one once.
  const statuses = new Map<string, Omit<Header, 'id'>>();
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
        stack = stacks;
        current = {
          id: h.id,
          state: status.state,
          waitMinutes: status.waitMinutes,
          lockedToThread: status.lockedToThread,
          flags: status.flags.length > 0 ? [...status.flags] : status.flags,
          bubble: status.bubble,
          labels: status.labels ? { ...status.labels } : null,
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
  return { format: 'debug2', total: goroutines.length, goroutines, truncated, records: [] };
}

/** One result object for every header: its fields are read before the next header is. */
const header = { id: 0, status: '' };

/**
 * `goroutine 6 [chan receive]:` → id and status, without a regular expression for the usual form (one
 * header per goroutine: 100,000 matches in a large dump); HEADER for the rest.
 */
function headerOf(line: string): { id: number; status: string } | null {
  let i = 10; // after 'goroutine '
  let id = 0;
  for (let c = line.charCodeAt(i); c >= 48 && c <= 57; c = line.charCodeAt(++i)) id = id * 10 + (c - 48);
  if (i > 10 && i <= 25 && line.charCodeAt(i) === 32 && line.charCodeAt(i + 1) === 91 /* [ */) {
    const close = line.lastIndexOf(']:');
    if (close > i && (close + 2 === line.length || line.slice(close + 2).trim() === '')) {
      header.id = id;
      header.status = line.slice(i + 2, close);
      return header;
    }
  }
  const h = HEADER.exec(line);
  if (!h) return null;
  header.id = Number(h[1]);
  header.status = h[2] ?? '';
  return header;
}

/** `pkg.fn(args)`, `pkg.(*T).m(...)`, `runtime.gopark(...)`: a frame's call line. */
function isCallLine(line: string): boolean {
  const c = line.charCodeAt(0);
  // Function names start with a letter, `_` or a path character; call lines end with `)`.
  return line.endsWith(')') && c !== 32 && c !== 91 /* [ */ && line.indexOf('(') > 0;
}
