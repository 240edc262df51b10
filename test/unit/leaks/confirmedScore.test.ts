/**
 * A goroutine group the goroutineleak profile confirmed, which then leaves the dumps (the service restarted
 * or the goroutines were released), still ranks with a finite score: its growth is negative, and the score
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

test('a confirmed group that grew and then left the dump ranks with a finite score', () => {
  const half = [...blocks.filter((b) => !b.includes(`${LEAKING}()`)), ...leaked.slice(0, 100)].join('\n\n');
  const without = blocks.filter((b) => !b.includes(`${LEAKING}()`)).join('\n\n');
  const confirmed = summary(leaked.map((b) => b.replace(/^(goroutine \d+ \[select)\]:/, '$1 (leaked)]:')).join('\n\n'));
  const snapshot = (text: string, i: number): LeakSnapshot => ({ takenAt: 1_700_000_000_000 + i * 10_000, goroutines: summary(text), heap: null, memstats: null, leaked: confirmed, problems: [] });
  const report = findLeakSuspects([snapshot(half, 0), snapshot(dump, 1), snapshot(without, 2)], ['example.com/leaky-service']);
  const suspect = report.suspects.find((s) => s.confirmed);
  assert.ok(suspect, JSON.stringify(report.suspects.map((s) => [s.function, s.score])));
  for (const s of report.suspects) assert.ok(Number.isFinite(s.score), `${s.function}: score ${s.score}`);
  assert.ok(JSON.parse(JSON.stringify(report.suspects)).every((s: { score: unknown }) => typeof s.score === 'number'));
});
