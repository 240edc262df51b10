import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { absolutePaths, GoTestOutputReader, type GoTestOutcome } from '../../../src/tests/testOutput';
import { repoRoot } from '../handlers/harness';

const outputs = path.join(repoRoot, 'test', 'fixtures', 'tests', 'output');

/** Feeds a captured `go test -json` stdout to a reader; returns the reader, the verdict and the text shown. */
function read(fixture: string, testName: string, exitCode: number | null): { reader: GoTestOutputReader; outcome: GoTestOutcome; shown: string[] } {
  const reader = new GoTestOutputReader(testName, '/tmp/gotest');
  const shown: string[] = [];
  for (const line of readFileSync(path.join(outputs, `${fixture}.jsonl`), 'utf8').split('\n')) {
    if (line === '') continue;
    const text = reader.stdoutLine(line);
    if (text !== undefined) shown.push(...text.split('\n'));
  }
  return { reader, outcome: reader.finish(exitCode), shown };
}

describe('GoTestOutputReader on what Go 1.27.3 printed', () => {
  test('a subtest that passes: passed, and the text is what go test -v prints', () => {
    const { outcome, shown, reader } = read('subtest-passes', 'TestFib/small_n', 0);
    assert.equal(outcome.kind, 'passed');
    assert.equal(reader.phase, 'running');
    assert.ok(shown.includes('=== RUN   TestFib/small_n'), shown.join('\n'));
    assert.ok(shown.includes('--- PASS: TestFib/small_n (0.00s)'));
    assert.ok(shown.some((l) => /^ok\s+example\.com\/gotest\/calc/.test(l)));
    assert.ok(shown.every((l) => !l.startsWith('{')), 'no JSON is shown');
  });

  test('a failing test: failed, with the line the test wrote as the reason', () => {
    const { outcome } = read('fails', 'TestDouble', 1);
    assert.equal(outcome.kind, 'failed');
    assert.equal(outcome.kind === 'failed' && outcome.test, 'TestDouble');
    assert.equal(outcome.kind === 'failed' && outcome.reason, '/tmp/gotest/failing/failing_test.go:10: Double(2) = 6, want 4');
  });

  test('a subtest whose parent fails before starting it: the parent failed, with its reason', () => {
    const { outcome } = read('parent-fails', 'TestSetup/never_starts', 1);
    assert.deepEqual(outcome, { kind: 'failed', test: 'TestSetup', elapsedSeconds: 0, reason: '/tmp/gotest/failing/failing_test.go:15: the fixture is missing' });
  });

  test('a test file that does not compile: build-failed, the compiler errors with absolute paths', () => {
    const { outcome, shown, reader } = read('build-fails', 'TestHalf', 1);
    assert.equal(outcome.kind, 'build-failed');
    assert.deepEqual(outcome.kind === 'build-failed' && outcome.errors, [
      '/tmp/gotest/broken/broken_test.go:6:17: cannot use "two" (untyped string constant) as int value in variable declaration',
    ]);
    assert.ok(shown.some((l) => l.startsWith('/tmp/gotest/broken/broken_test.go:6:17:')), 'the output channel gets the absolute path too');
    assert.equal(reader.phase, 'running', 'go reports the failed package as started');
  });

  test('a test that never ends: timed out, after the -timeout go was given', () => {
    const { outcome } = read('times-out', 'TestForever', 1);
    assert.deepEqual(outcome, { kind: 'timed-out', after: '2s' });
  });

  test('a test that exits the binary: crashed, no verdict on the test', () => {
    const { outcome } = read('exits', 'TestExits', 1);
    assert.equal(outcome.kind, 'crashed');
  });

  test('a name that matches nothing: no-match, though go test passed', () => {
    assert.equal(read('no-match', 'TestRenamed', 0).outcome.kind, 'no-match');
  });

  test('go cannot set up the package: go-failed with its message, not a compile error', () => {
    const { outcome } = read('setup-fails', 'TestFib', 1);
    assert.deepEqual(outcome, { kind: 'go-failed', reason: 'no Go files in /tmp/gotest' });
  });

  test('a benchmark: passed, one result per sub-benchmark with ns/op, B/op and allocs/op', () => {
    const { outcome, reader } = read('benchmark', 'BenchmarkFib', 0);
    assert.equal(outcome.kind, 'passed');
    assert.deepEqual(reader.benchmarks.map((b) => b.name), ['BenchmarkFib/n=20', 'BenchmarkFib/n=25']);
    for (const b of reader.benchmarks) {
      assert.ok(b.iterations > 0 && (b.nsPerOp ?? 0) > 0, JSON.stringify(b));
      assert.equal(b.bytesPerOp, 0);
      assert.equal(b.allocsPerOp, 0);
    }
    assert.ok((reader.benchmarks[1]?.nsPerOp ?? 0) > (reader.benchmarks[0]?.nsPerOp ?? 0), 'Fib(25) is slower than Fib(20)');
  });

  test('a benchmark line that test2json passed on in two pieces is read and shown whole', () => {
    const { outcome, reader, shown } = read('sub-benchmark-split', 'BenchmarkFib/n=25', 0);
    assert.equal(outcome.kind, 'passed');
    assert.deepEqual(reader.benchmarks.map((b) => [b.name, b.iterations > 0, (b.nsPerOp ?? 0) > 0]), [['BenchmarkFib/n=25', true, true]]);
    assert.ok(shown.some((l) => /^BenchmarkFib\/n=25-\d+\s+\d+\s+[\d.]+ ns\/op/.test(l)), shown.join('\n'));
  });
});

describe('GoTestOutputReader on other input', () => {
  test('build errors on stderr (Go 1.23 and older; hand-written: no runtime here prints them)', () => {
    const reader = new GoTestOutputReader('TestHalf', '/w');
    assert.equal(reader.stderrLine('# example.com/gotest/broken [example.com/gotest/broken.test]'), '# example.com/gotest/broken [example.com/gotest/broken.test]');
    assert.equal(reader.stderrLine('broken/broken_test.go:6:17: cannot use "two"'), '/w/broken/broken_test.go:6:17: cannot use "two"');
    assert.equal(reader.stdoutLine('FAIL\texample.com/gotest/broken [build failed]'), 'FAIL\texample.com/gotest/broken [build failed]');
    assert.deepEqual(reader.finish(1), { kind: 'build-failed', errors: ['/w/broken/broken_test.go:6:17: cannot use "two"'] });
  });

  test('go itself failing with text: go-failed with its first line', () => {
    const reader = new GoTestOutputReader('TestX', '/w');
    reader.stderrLine('go: go.mod requires go >= 1.99 (running go 1.27.3; GOTOOLCHAIN=local)');
    assert.deepEqual(reader.finish(1), { kind: 'go-failed', reason: 'go: go.mod requires go >= 1.99 (running go 1.27.3; GOTOOLCHAIN=local)' });
  });

  test('hostile lines: not JSON, JSON that is not an object, huge lines — shown, clipped, never thrown on', () => {
    const reader = new GoTestOutputReader('TestX', '/w');
    assert.equal(reader.stdoutLine('plain text'), 'plain text');
    assert.equal(reader.stdoutLine('42'), '42');
    assert.equal(reader.stdoutLine('null'), 'null');
    const huge = reader.stdoutLine(JSON.stringify({ Action: 'output', Test: 'TestX', Output: `${'x'.repeat(100_000)}\n` }));
    assert.ok(huge !== undefined && huge.length < 5000 && huge.endsWith('more characters)'), huge?.slice(-40));
  });

  test('a test that prints a million lines keeps a bounded excerpt', () => {
    const reader = new GoTestOutputReader('TestX', '/w');
    reader.stdoutLine(JSON.stringify({ Action: 'start', Package: 'p' }));
    reader.stdoutLine(JSON.stringify({ Action: 'run', Package: 'p', Test: 'TestX' }));
    for (let i = 0; i < 1_000_000; i++) reader.stdoutLine(`{"Action":"output","Package":"p","Test":"TestX","Output":"line ${i}\\n"}`);
    reader.stdoutLine(JSON.stringify({ Action: 'fail', Package: 'p', Test: 'TestX', Elapsed: 1 }));
    const outcome = reader.finish(1);
    assert.equal(outcome.kind, 'failed');
    assert.equal(outcome.kind === 'failed' && outcome.reason, 'line 999960', 'the reason comes from the kept tail');
  });
});

test('absolutePaths: relative .go paths at the start of a line, nothing else', () => {
  assert.equal(absolutePaths('pkg/a_test.go:3:1: x', '/m'), '/m/pkg/a_test.go:3:1: x');
  assert.equal(absolutePaths('./a.go:3: x', '/m'), '/m/a.go:3: x');
  assert.equal(absolutePaths('\t../b.go:9: x', '/m/sub'), '\t/m/b.go:9: x');
  assert.equal(absolutePaths('/abs/a.go:3: x', '/m'), '/abs/a.go:3: x');
  assert.equal(absolutePaths('see a.go:3 for details', '/m'), 'see a.go:3 for details');
});
