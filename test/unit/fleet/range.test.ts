import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FleetError } from '../../../src/fleet/errors';
import { chooseStep, MAX_POINTS, parseDuration, parseRange, pointsPerSeries } from '../../../src/fleet/range';

const NOW = 1_796_000_000;

test('durations: units add up; anything else is one clear error', () => {
  assert.equal(parseDuration('90s'), 90);
  assert.equal(parseDuration('6h'), 21_600);
  assert.equal(parseDuration('1h30m'), 5400);
  assert.equal(parseDuration('7d'), 604_800);
  assert.throws(() => parseDuration('six hours'), (err: unknown) => err instanceof FleetError && err.kind === 'bad-range' && /write it like 30m, 6h/.test(err.message));
  assert.throws(() => parseDuration('0h'), FleetError);
});

test('ranges: the last N, N ending some time ago (compare with yesterday), or START..END', () => {
  assert.deepEqual(parseRange('6h', NOW), { start: NOW - 21_600, end: NOW });
  assert.deepEqual(parseRange('1h@24h', NOW), { start: NOW - 86_400 - 3600, end: NOW - 86_400 });
  assert.deepEqual(parseRange('2026-12-01T10:00:00Z..2026-12-01T12:00:00Z', NOW), { start: Date.parse('2026-12-01T10:00:00Z') / 1000, end: Date.parse('2026-12-01T12:00:00Z') / 1000 });
  assert.throws(() => parseRange('2026-12-01T12:00Z..2026-12-01T10:00Z', NOW), /ends before it starts/);
});

test('the step keeps every series under MAX_POINTS points, a nice number, and never below a second', () => {
  for (const length of ['1m', '1h', '6h', '24h', '7d', '30d']) {
    const range = parseRange(length, NOW);
    const step = chooseStep(range);
    assert.ok(pointsPerSeries(range, step) <= MAX_POINTS, `${length}: ${pointsPerSeries(range, step)} points at step ${step}`);
    assert.ok(step >= 1);
  }
  assert.equal(chooseStep(parseRange('7d', NOW)), 900);
  assert.equal(chooseStep(parseRange('1h', NOW)), 5);
  assert.equal(chooseStep(parseRange('30s', NOW)), 1);
});
