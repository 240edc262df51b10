/**
 * A large debug=2 dump read as two halves, one per thread: where to cut it so that each half reads as that
 * part of the whole, and the second half's goroutines in a compact form that crosses to the other thread
 * cheaply (typed arrays and one table per distinct status, stack, creator and label set). The first half's
 * goroutines and then the second's, in dump order, go through one grouping (summarizeHalves): the
 * summary is the one loadGoroutineSummary gives for the whole text. No thread is started here
 * (loadInTwoThreads.ts does that).
 */
import { goroutineGrouping } from './cluster';
import type { CreatedBy, Goroutine, GoroutineSummary, StackFrame } from './model';
import { cutOffByRuntime, DumpParseError, isGoroutineHeader, NO_GOROUTINE, readDumpPart } from './parseDump';

/** The goroutines of a part, in dump order: one entry per goroutine in each column, indexes into the tables. */
export interface PartGoroutines {
  total: number;
  truncated: boolean;
  /** Length of the part's text (the whole's is the sum: cutOffByRuntime judges it). */
  textLength: number;
  ids: Float64Array;
  status: Int32Array;
  stack: Int32Array;
  createdBy: Int32Array;
  labels: Int32Array;
  statuses: Array<{ state: string; waitMinutes: number | null; lockedToThread: boolean; leaked: boolean }>;
  stacks: Array<readonly StackFrame[]>;
  creators: Array<CreatedBy | null>;
  labelSets: Array<Record<string, string> | null>;
}

const NEWLINE = 10;
const CR = 13;

/**
 * Where to cut `bytes` (UTF-8) into two halves: the start of the first goroutine header at or after
 * `from` that follows a blank line (`\n\n` or `\r\n\r\n`), so the goroutine before it has ended when the
 * first half ends, as it has when the whole is read. -1 when there is none.
 */
export function cutPoint(bytes: Uint8Array, from: number): number {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = buffer.indexOf('\ngoroutine ', Math.max(0, from - 1), 'latin1'); at >= 0; at = buffer.indexOf('\ngoroutine ', at + 1, 'latin1')) {
    const start = at + 1;
    const blank = at > 0 && (buffer[at - 1] === NEWLINE || (buffer[at - 1] === CR && at > 1 && buffer[at - 2] === NEWLINE));
    if (!blank || start < from) continue;
    let end = buffer.indexOf(NEWLINE, start);
    if (end < 0) end = buffer.length;
    if (end > start && buffer[end - 1] === CR) end--;
    // Headers are short; a line longer than any is not one (and is not decoded to find out).
    if (end - start <= 4096 && isGoroutineHeader(buffer.toString('utf8', start, end))) return start;
  }
  return -1;
}

/** Reads a part of a dump (cutPoint says where parts start) into its compact form. */
export function readPartGoroutines(text: string): PartGoroutines {
  let ids = new Float64Array(1024);
  let status = new Int32Array(1024);
  let stack = new Int32Array(1024);
  let createdBy = new Int32Array(1024);
  let labels = new Int32Array(1024);
  const part: Omit<PartGoroutines, 'ids' | 'status' | 'stack' | 'createdBy' | 'labels' | 'total' | 'truncated'> = {
    textLength: text.length,
    statuses: [],
    stacks: [],
    creators: [],
    labelSets: [],
  };
  // The reader shares one flags array per status text, one frames array per stack, one record per creator
  // and per label set: each is a table entry, found by identity.
  const statusIndex = new Map<readonly string[], number>();
  const stackIndex = new Map<readonly StackFrame[], number>();
  const creatorIndex = new Map<CreatedBy | null, number>();
  const labelsIndex = new Map<Record<string, string> | null, number>();
  let n = 0;
  const read = readDumpPart(text, (g) => {
    if (n === ids.length) {
      ids = grow(ids, new Float64Array(n * 2));
      status = grow(status, new Int32Array(n * 2));
      stack = grow(stack, new Int32Array(n * 2));
      createdBy = grow(createdBy, new Int32Array(n * 2));
      labels = grow(labels, new Int32Array(n * 2));
    }
    ids[n] = g.id;
    let s = statusIndex.get(g.flags);
    if (s === undefined) {
      statusIndex.set(g.flags, (s = part.statuses.length));
      part.statuses.push({ state: g.state, waitMinutes: g.waitMinutes, lockedToThread: g.lockedToThread, leaked: g.leaked });
    }
    status[n] = s;
    let k = stackIndex.get(g.frames);
    if (k === undefined) {
      stackIndex.set(g.frames, (k = part.stacks.length));
      part.stacks.push(g.frames);
    }
    stack[n] = k;
    let c = creatorIndex.get(g.createdBy);
    if (c === undefined) {
      creatorIndex.set(g.createdBy, (c = part.creators.length));
      part.creators.push(g.createdBy);
    }
    createdBy[n] = c;
    let l = labelsIndex.get(g.labels);
    if (l === undefined) {
      labelsIndex.set(g.labels, (l = part.labelSets.length));
      part.labelSets.push(g.labels);
    }
    labels[n] = l;
    n++;
  });
  return {
    ...part,
    total: read.total,
    truncated: read.truncated,
    ids: ids.slice(0, n),
    status: status.slice(0, n),
    stack: stack.slice(0, n),
    createdBy: createdBy.slice(0, n),
    labels: labels.slice(0, n),
  };
}

function grow<T extends Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/**
 * The summary of a dump cut in two at a cutPoint: `firstText`, the first half, is read and grouped here
 * while `second` (the second half, read elsewhere) comes; its goroutines are grouped after the first's.
 * What loadGoroutineSummary gives for the whole text.
 */
export async function summarizeHalves(firstText: string, second: () => Promise<PartGoroutines>): Promise<GoroutineSummary> {
  const grouping = goroutineGrouping();
  const first = readDumpPart(firstText, grouping.add);
  const rest = await second();
  replay(rest, grouping.add);
  const total = first.total + rest.total;
  if (total === 0) throw new DumpParseError(NO_GOROUTINE);
  return grouping.summarize(total, first.truncated || rest.truncated || cutOffByRuntime(firstText.length + rest.textLength));
}

/** Hands the part's goroutines to `visit` in dump order (one object, refilled: the grouping keeps none). */
function replay(part: PartGoroutines, visit: (g: Goroutine) => void): void {
  const g: Goroutine = {
    id: 0,
    state: '',
    waitMinutes: null,
    lockedToThread: false,
    flags: [],
    leaked: false,
    bubble: null,
    labels: null,
    frames: [],
    elidedFrames: 0,
    createdBy: null,
    stackUnavailable: false,
    ancestors: [],
  };
  for (let i = 0; i < part.ids.length; i++) {
    const status = part.statuses[part.status[i] as number];
    if (!status) throw new Error(`part goroutine ${i}: no status ${part.status[i]}`);
    g.id = part.ids[i] as number;
    g.state = status.state;
    g.waitMinutes = status.waitMinutes;
    g.lockedToThread = status.lockedToThread;
    g.leaked = status.leaked;
    g.frames = part.stacks[part.stack[i] as number] ?? [];
    g.createdBy = part.creators[part.createdBy[i] as number] ?? null;
    g.labels = part.labelSets[part.labels[i] as number] ?? null;
    visit(g);
  }
}
