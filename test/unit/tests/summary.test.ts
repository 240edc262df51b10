import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchmarkText, failureMessage, lensSummary, outcomeText } from '../../../src/tests/summary';

test('a passed test: its time, then what the profiles hold', () => {
  assert.equal(lensSummary('test', 'TestX', { kind: 'passed', elapsedSeconds: 1.23 }, [], { cpuNanos: 1.1e9, allocBytes: 45 * 2 ** 20 }), 'passed in 1.23 s · CPU 1.1 s · 45 MB allocated');
  assert.equal(lensSummary('test', 'TestX', { kind: 'passed' }, [], { cpuNanos: 0 }), 'passed · no CPU samples');
  assert.equal(lensSummary('test', 'TestX', { kind: 'passed', elapsedSeconds: 0 }, [], {}), 'passed in < 10 ms', 'go test reports 0.00s');
});

test('a benchmark: its result line in readable units', () => {
  const results = [{ name: 'BenchmarkFib/n=25', iterations: 585, nsPerOp: 716904, bytesPerOp: 16384, allocsPerOp: 3 }];
  assert.equal(lensSummary('benchmark', 'BenchmarkFib/n=25', { kind: 'passed' }, results, {}), '717 µs/op · 16 kB/op · 3 allocs/op');
});

test('a benchmark with sub-benchmarks: how many, and the range of their times', () => {
  const results = [
    { name: 'BenchmarkFib/n=20', iterations: 1, nsPerOp: 41_000 },
    { name: 'BenchmarkFib/n=25', iterations: 1, nsPerOp: 716_904 },
  ];
  assert.equal(benchmarkText('BenchmarkFib', results), '2 sub-benchmarks · 41 µs/op … 717 µs/op');
  assert.equal(benchmarkText('BenchmarkFib', []), undefined);
});

test('verdicts in words; a parent that failed first is named', () => {
  assert.equal(lensSummary('test', 'TestS/never', { kind: 'failed', test: 'TestS' }, [], {}), 'failed in TestS');
  assert.equal(lensSummary('test', 'TestX', { kind: 'build-failed', errors: [] }, [], {}), 'did not compile');
  assert.equal(outcomeText({ kind: 'timed-out', after: '30s' }), 'timed out after 30s');
  assert.equal(outcomeText({ kind: 'cancelled' }), 'was cancelled');
});

test('failure messages name the test and quote go', () => {
  assert.equal(failureMessage('TestDouble', { kind: 'failed', test: 'TestDouble', reason: '/w/failing_test.go:10: Double(2) = 6, want 4' }), 'TestDouble failed: /w/failing_test.go:10: Double(2) = 6, want 4');
  assert.equal(failureMessage('TestS/never', { kind: 'failed', test: 'TestS', reason: 'x_test.go:15: missing' }), 'TestS/never did not run: TestS failed before it: x_test.go:15: missing');
  assert.equal(failureMessage('TestHalf', { kind: 'build-failed', errors: ['/w/b_test.go:6:17: cannot use "two"', '/w/b_test.go:7:2: x'] }), 'TestHalf did not compile: /w/b_test.go:6:17: cannot use "two" (and 1 more)');
  assert.match(failureMessage('TestForever', { kind: 'timed-out', after: '1s' }), /^TestForever timed out after 1s/);
  assert.match(failureMessage('TestGone', { kind: 'no-match' }), /^TestGone did not run: go test found no test by that name/);
  assert.equal(failureMessage('TestX', { kind: 'failed', test: 'TestX', reason: 'x'.repeat(1000) }).length, 'TestX failed: '.length + 300);
});
