import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../cli/cliRunner';

export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'pprof');

/** The profiles captured from examples/leaky-service (see test/fixtures/pprof/README.md). */
export const CAPTURED = ['cpu', 'heap-1', 'heap-2', 'allocs', 'goroutine', 'block', 'mutex', 'threadcreate'] as const;

export function fixturePath(name: string): string {
  return path.join(FIXTURES, name.includes('.') ? name : `${name}.pb.gz`);
}

export function readFixture(name: string): Uint8Array {
  return readFileSync(fixturePath(name));
}

export interface PprofRow {
  flat: number;
  cum: number;
}

/**
 * `go tool pprof -top` over every function (no node or edge fraction), values in raw units, keyed by
 * function name: the reference our flat/cum must equal.
 */
export function goPprofTop(file: string, unit: string, extra: string[] = []): { total: number; rows: Map<string, PprofRow> } {
  const unitFlag = unit === 'bytes' ? ['-unit=B'] : unit === 'nanoseconds' ? ['-unit=ns'] : [];
  const run = spawnSync('go', ['tool', 'pprof', '-top', '-nodecount=100000', '-nodefraction=0', '-edgefraction=0', ...unitFlag, ...extra, file], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`go tool pprof failed (${run.status}): ${run.stderr}`);
  const rows = new Map<string, PprofRow>();
  let total = NaN;
  let inTable = false;
  for (const line of run.stdout.split('\n')) {
    const t = /Showing nodes accounting for .*?, [\d.]+% of (-?[\d.]+)\w* total/.exec(line);
    if (t) total = Number(t[1]);
    if (/^\s+flat\s+flat%/.test(line)) {
      inTable = true;
      continue;
    }
    if (!inTable || line.trim() === '') continue;
    // pprof marks a function inlined at some call sites and not at others '(partial-inline)': not part of its name.
    const m = /^\s*(-?[\d.]+)[A-Za-z]*\s+\S+\s+\S+\s+(-?[\d.]+)[A-Za-z]*\s+\S+\s+(.+?)(?: \((?:partial-)?inline\))?$/.exec(line);
    if (!m) throw new Error(`unexpected pprof line: ${line}`);
    const name = m[3] as string;
    if (rows.has(name)) throw new Error(`pprof lists ${name} twice`);
    rows.set(name, { flat: Number(m[1]), cum: Number(m[2]) });
  }
  if (/Showing nodes accounting for 0, 0% of 0 total/.test(run.stdout)) total = 0;
  return { total, rows };
}
