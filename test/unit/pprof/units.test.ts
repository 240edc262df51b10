import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatPercent, formatValue } from '../../../src/pprof/units';

describe('formatValue', () => {
  test('bytes, in powers of 1024 with pprof names', () => {
    assert.equal(formatValue(0, 'bytes'), '0 B');
    assert.equal(formatValue(512, 'bytes'), '512 B');
    assert.equal(formatValue(1536, 'bytes'), '1.5 kB');
    assert.equal(formatValue(8366077, 'bytes'), '7.98 MB');
    assert.equal(formatValue(1.5 * 1024 ** 3, 'bytes'), '1.5 GB');
    assert.equal(formatValue(-2130090, 'bytes'), '-2.03 MB');
  });
  test('nanoseconds and other time units', () => {
    assert.equal(formatValue(23_000_000, 'nanoseconds'), '23 ms');
    assert.equal(formatValue(1_500, 'nanoseconds'), '1.5 µs');
    assert.equal(formatValue(999, 'nanoseconds'), '999 ns');
    assert.equal(formatValue(2.5e9, 'nanoseconds'), '2.5 s');
    assert.equal(formatValue(90e9, 'nanoseconds'), '1.5 min');
    assert.equal(formatValue(0, 'nanoseconds'), '0 s');
    assert.equal(formatValue(250, 'milliseconds'), '250 ms');
    assert.equal(formatValue(-40e6, 'nanoseconds'), '-40 ms');
  });
  test('counts', () => {
    assert.equal(formatValue(345, 'count'), '345');
    assert.equal(formatValue(1234, 'count'), '1,234');
    assert.equal(formatValue(12_345, 'count'), '12.3 k');
    assert.equal(formatValue(2_500_000, 'count'), '2.5 M');
    assert.equal(formatValue(-7, 'count'), '-7');
  });
  test('unknown units keep their name', () => assert.equal(formatValue(12, 'widgets'), '12 widgets'));
  test('percentages', () => {
    assert.equal(formatPercent(1, 3), '33.3%');
    assert.equal(formatPercent(5, 0), '0%');
  });
});
