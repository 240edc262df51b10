import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTakenAt, snapshotLabel } from '../../../src/extension/services/snapshotLabels';

test('a plain capture is named by its kind', () => {
  assert.equal(snapshotLabel({ kind: 'heap' }), 'heap');
  assert.equal(snapshotLabel({ kind: 'my/custom' }), 'my/custom');
});

test('a CPU capture carries its duration', () => {
  assert.equal(snapshotLabel({ kind: 'cpu', seconds: 1 }), 'cpu 1 s');
});

test('a delta capture is marked Δ with its window', () => {
  assert.equal(snapshotLabel({ kind: 'goroutine', seconds: 5 }), 'goroutine Δ 5 s');
});

test("today's snapshots show the time only; older ones the date too", () => {
  const now = new Date(2026, 10, 24, 15, 0, 0).getTime();
  const earlier = new Date(2026, 10, 24, 9, 5, 7).getTime();
  const yesterday = new Date(2026, 10, 23, 9, 5, 7).getTime();
  const today = formatTakenAt(earlier, now);
  assert.match(today, /05.*07/);
  assert.doesNotMatch(today, /2026/);
  const older = formatTakenAt(yesterday, now);
  assert.ok(older.endsWith(today), `${older} ends with the time`);
  assert.match(older, /2026/);
});
