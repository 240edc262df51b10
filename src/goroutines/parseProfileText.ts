import { readLabelSet } from './labels';
import type { GoroutineDump, StackFrame, StackRecord } from './model';
import { DumpParseError } from './parseDump';

/**
 * Parses a debug=1 goroutine or goroutineleak profile: `goroutine profile: total N` (or
 * `goroutineleak profile: total N`: only the goroutines Go proved leaked), then records of identical
 * stacks (`COUNT @ 0xPC 0xPC…`, an optional `# labels: {…}` line, one `#\t0xPC\tfunc+0xOFF\tfile:line`
 * line per frame). No ids, states, waits or created-by exist in this format.
 */
const TOTAL = /^(goroutine|goroutineleak) profile: total (\d+)\s*$/m;
const RECORD = /^(\d+) @(?: 0x[0-9a-f]+)*\s*$/;
const FRAME = /^#\t0x[0-9a-f]+\t(.+?)\+0x[0-9a-f]+\t(.*):(\d+)\s*$/;
const LABELS = '# labels: ';

export function looksLikeGoroutineProfileText(text: string): boolean {
  return TOTAL.test(text.slice(0, 4096));
}

export function parseGoroutineProfileText(text: string): GoroutineDump {
  const totalMatch = TOTAL.exec(text);
  if (!totalMatch) throw new DumpParseError('not a debug=1 goroutine profile: no "goroutine profile: total N" line');
  const records: StackRecord[] = [];
  let current: StackRecord | null = null;
  for (const raw of text.slice(totalMatch.index + totalMatch[0].length).split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const r = RECORD.exec(line);
    if (r) {
      current = { count: Number(r[1]), frames: [], labels: null };
      records.push(current);
      continue;
    }
    if (!current) continue;
    const f = FRAME.exec(line);
    if (f) {
      current.frames.push({ function: f[1] ?? '', file: f[2] ?? '', line: Number(f[3]) } satisfies StackFrame);
      continue;
    }
    if (line.startsWith(LABELS)) {
      const read = readLabelSet(line.trimEnd(), LABELS.length);
      if (read) current.labels = read.labels;
    }
  }
  const total = Number(totalMatch[2]);
  const counted = records.reduce((n, r) => n + r.count, 0);
  // A record whose frames never came, or fewer goroutines than the header promised: the text was cut.
  const truncated = counted < total || records.some((r) => r.frames.length === 0);
  const profile = totalMatch[1] === 'goroutineleak' ? 'goroutineleak' : 'goroutine';
  return { format: 'debug1', profile, total, goroutines: [], truncated, records };
}
