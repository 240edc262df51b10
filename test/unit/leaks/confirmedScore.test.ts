/**
 * A goroutine group the Go runtime proved leaked (marked `(leaked)`), which then shrinks or leaves the dumps
 * (the service restarted or the goroutines were released), still ranks with a finite score: its growth is negative, and the score
 * once came out as -Infinity, which JSON carries as null and the leak-watch page could not print (seen in
 * code-server: "Cannot read properties of null (reading 'toFixed')" on a stored watch).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { clusterGoroutines } from '../../../src/goroutines/cluster';
import { loadGoroutines } from '../../../src/goroutines/load';
import { findLeakSuspects, type LeakSnapshot } from '../../../src/leaks/suspects';

const dump = readFileSync(path.resolve('test/fixtures/goroutines/leaky-service.debug2.txt'), 'utf8');
const LEAKING = 'example.com/leaky-service/internal/search.(*Service).Search.func1';
const blocks = dump.split(/\n\n+/);
const leaked = blocks.filter((b) => b.includes(`${LEAKING}()`));
const summary = (text: string) => clusterGoroutines(loadGoroutines(new TextEncoder().encode(text)));

/** The dump with the search goroutines (all, or the first `keep`) marked `(leaked)` as a dump after Go's detection pass prints them. */
function marked(keep: number): string {
  const kept = leaked.slice(0, keep).map((b) => b.replace(/^(goroutine \d+ \[select)\]/, '$1 (leaked)]'));
  return [...blocks.filter((b) => !b.includes(`${LEAKING}()`)), ...kept].join('\n\n');
}

test('a confirmed group that grew, then shrank or left the dumps, ranks with a finite score', () => {
  assert.ok(leaked.length > 20, 'the fixture holds the search goroutines');
  const snapshot = (text: string, i: number): LeakSnapshot => ({ takenAt: 1_700_000_000_000 + i * 10_000, goroutines: summary(text), heap: null, memstats: null, leakDetection: 'earlier', problems: [] });
  for (const last of [10, 0]) {
    const report = findLeakSuspects([snapshot(marked(20), 0), snapshot(marked(leaked.length), 1), snapshot(marked(last), 2)], ['example.com/leaky-service']);
    const suspect = report.suspects.find((s) => s.function === LEAKING);
    if (last > 0) assert.equal(suspect?.confirmedByRuntime, last, JSON.stringify(report.suspects.map((s) => [s.function, s.score, s.confirmedByRuntime])));
    for (const s of report.suspects) assert.ok(Number.isFinite(s.score), `${s.function}: score ${s.score}`);
    assert.ok(JSON.parse(JSON.stringify(report.suspects)).every((s: { score: unknown }) => typeof s.score === 'number'));
  }
});
