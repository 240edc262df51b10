// "Profile this test" against the real go command (Go 1.27.3): the command line src/tests builds, run
// by runGoTest on the tests of test/fixtures/gotest, with real CPU and memory profiles read back by
// the pprof core. Failing, non-compiling, timed-out, cancelled and unmatched runs each get their verdict.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadGoParser } from '../../src/go/parser';
import { decodePackedProfile } from '../../src/pprof/decode';
import type { PackedProfile } from '../../src/pprof/packed';
import { profileTotal, topFunctions } from '../../src/pprof/top';
import { goTestInvocation, type GoTestSettings } from '../../src/tests/command';
import { findGoTests } from '../../src/tests/discover';
import type { GoTestDeclaration } from '../../src/tests/model';
import { runGoTest, type GoTestRun } from '../../src/tests/runGoTest';
import { goEnv } from '../goToolchain';

const FIXTURE = path.resolve('test/fixtures/gotest');
const DIST = path.resolve('dist');
let workspace: string;
let scratch: string;

before(() => {
  // A copy: nothing go does (or a bug of ours) writes into the repository.
  workspace = mkdtempSync(path.join(os.tmpdir(), 'goroscope-gotest-'));
  cpSync(FIXTURE, workspace, { recursive: true });
  scratch = mkdtempSync(path.join(os.tmpdir(), 'goroscope-gotest-out-'));
});
after(() => {
  rmSync(workspace, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

const plain: GoTestSettings = { goCommand: 'go', flags: [], env: {} };
let runs = 0;

/** Profiles `test` of the fixture package `pkg`; returns the run and everything it printed. */
async function profile(
  pkg: string,
  test: Pick<GoTestDeclaration, 'kind' | 'path'>,
  settings: GoTestSettings = plain,
  signal?: AbortSignal,
  onPhase?: (phase: string) => void,
): Promise<{ run: GoTestRun; output: string[]; outDir: string }> {
  const outDir = path.join(scratch, String(++runs));
  mkdirSync(outDir);
  const invocation = goTestInvocation(test, path.join(workspace, pkg), outDir, settings);
  const output: string[] = [];
  const run = await runGoTest({ invocation, baseEnv: goEnv(), onOutput: (l) => output.push(l), ...(signal ? { signal } : {}), ...(onPhase ? { onPhase } : {}) });
  return { run, output, outDir };
}

function read(file: string | undefined): PackedProfile {
  assert.ok(file, 'the profile was written');
  return decodePackedProfile(readFileSync(file));
}

function sampleIndex(p: PackedProfile, type: string): number {
  const i = p.sampleTypes.findIndex((t) => t.type === type);
  assert.ok(i >= 0, `${type} among ${p.sampleTypes.map((t) => t.type).join(', ')}`);
  return i;
}

const names = (p: PackedProfile, type: string) => topFunctions(p, sampleIndex(p, type)).rows.map((r) => r.function);

describe('profiling tests with the real go test', { timeout: 600_000 }, () => {
  test('a subtest: it alone runs, and the CPU profile shows the work it does', async () => {
    // Fib(38) is about 0.2 s of CPU: some 20 samples at the profiler's 100 a second (Fib(32) got none, once).
    const { run, output } = await profile('calc', { kind: 'test', path: ['TestFib', 'n=38 (slow)'] });
    assert.deepEqual(run.outcome, { kind: 'passed', elapsedSeconds: (run.outcome as { elapsedSeconds: number }).elapsedSeconds }, output.join('\n'));
    assert.ok(output.includes('=== RUN   TestFib/n=38_(slow)'), output.join('\n'));
    assert.ok(!output.some((l) => l.includes('TestFib/small_n')), 'the sibling subtest did not run');
    const cpu = read(run.profiles.cpu);
    assert.ok(names(cpu, 'cpu').some((n) => n === 'example.com/gotest/calc.Fib'), names(cpu, 'cpu').slice(0, 5).join(', '));
    const mem = read(run.profiles.mem);
    for (const type of ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']) sampleIndex(mem, type);
  });

  test('an allocating test: the memory profile names the allocating function', async () => {
    const { run } = await profile('calc', { kind: 'test', path: ['TestWords'] });
    assert.equal(run.outcome.kind, 'passed');
    const allocs = names(read(run.profiles.mem), 'alloc_space').slice(0, 5);
    assert.ok(allocs.some((n) => /calc\.Words$|strings\.(ToUpper|Fields)$/.test(n)), allocs.join(', '));
  });

  test('contention profiles when asked: the block profile names the waits, the mutex profile the contended unlock', async () => {
    const { run, output } = await profile('calc', { kind: 'test', path: ['TestContention'] }, { ...plain, contentionProfiles: true });
    assert.equal(run.outcome.kind, 'passed', output.join('\n'));
    const blocked = names(read(run.profiles.block), 'delay');
    for (const fn of ['example.com/gotest/calc.(*Counter).AddSlowly', 'example.com/gotest/calc.Handoff', 'sync.(*WaitGroup).Wait']) {
      assert.ok(blocked.includes(fn), `${fn} among ${blocked.join(', ')}`);
    }
    const mutex = read(run.profiles.mutex);
    assert.ok(profileTotal(mutex, sampleIndex(mutex, 'delay')) > 0);
    assert.ok(names(mutex, 'delay').includes('example.com/gotest/calc.(*Counter).AddSlowly'), names(mutex, 'delay').join(', '));
    // Not asked: neither is written (their cost would show in the CPU profile).
    const plainRun = (await profile('calc', { kind: 'test', path: ['TestContention'] })).run;
    assert.deepEqual(Object.keys(plainRun.profiles).sort(), ['cpu', 'mem']);
  });

  test('a sub-benchmark: only it runs, with ns/op, B/op and allocs/op, and its profile', async () => {
    const { run, output } = await profile('calc', { kind: 'benchmark', path: ['BenchmarkFib', 'n=25'] }, { ...plain, flags: ['-benchtime=300ms'] });
    assert.equal(run.outcome.kind, 'passed', output.join('\n'));
    assert.deepEqual(run.benchmarks.map((b) => b.name), ['BenchmarkFib/n=25']);
    assert.ok((run.benchmarks[0]?.nsPerOp ?? 0) > 1000 && run.benchmarks[0]?.allocsPerOp === 0, JSON.stringify(run.benchmarks));
    assert.ok(names(read(run.profiles.cpu), 'cpu').includes('example.com/gotest/calc.Fib'));
  });

  test('an allocating benchmark: B/op and allocs/op above zero', async () => {
    const { run } = await profile('calc', { kind: 'benchmark', path: ['BenchmarkWords'] }, { ...plain, flags: ['-benchtime=100x'] });
    assert.equal(run.outcome.kind, 'passed');
    const [b] = run.benchmarks;
    assert.ok(b && (b.bytesPerOp ?? 0) > 1000 && (b.allocsPerOp ?? 0) >= 100, JSON.stringify(b));
  });

  test('a test of the external _test package, in a package with a TestMain', async () => {
    const { run } = await profile('calc', { kind: 'test', path: ['TestSumExternal'] });
    assert.equal(run.outcome.kind, 'passed');
    assert.ok(run.profiles.cpu && run.profiles.mem);
  });

  test('build tags from the settings: the tagged test runs only with them', async () => {
    assert.equal((await profile('calc', { kind: 'test', path: ['TestTagged'] })).run.outcome.kind, 'no-match');
    assert.equal((await profile('calc', { kind: 'test', path: ['TestTagged'] }, { ...plain, tags: 'profiletag' })).run.outcome.kind, 'passed');
  });

  test('the environment from the settings reaches the test', async () => {
    const without = (await profile('calc', { kind: 'test', path: ['TestEnv'] })).run.outcome;
    assert.equal(without.kind, 'failed');
    assert.match((without as { reason: string }).reason, /GOROSCOPE_FIXTURE = "", want "from settings"/);
    const withEnv = await profile('calc', { kind: 'test', path: ['TestEnv'] }, { ...plain, env: { GOROSCOPE_FIXTURE: 'from settings' } });
    assert.equal(withEnv.run.outcome.kind, 'passed');
  });

  test('every literal subtest of TestNames runs by the pattern of its lens, and no other', async () => {
    const parser = await loadGoParser(DIST);
    const tree = parser.parse(readFileSync(path.join(workspace, 'calc', 'names_test.go'), 'utf8'));
    const subtests = findGoTests(tree.rootNode).filter((t) => t.path.length === 2);
    tree.delete();
    assert.equal(subtests.length, 10);
    for (const sub of subtests) {
      const { run, output } = await profile('calc', sub);
      const ran = output.filter((l) => l.startsWith('=== RUN   TestNames/'));
      assert.equal(run.outcome.kind, 'passed', `${JSON.stringify(sub.path)}: ${output.join('\n')}`);
      assert.equal(ran.length, 1, `${JSON.stringify(sub.path)} ran ${ran.join(', ')}`);
    }
  });

  test('a failing test: failed, naming the test and what it said', async () => {
    const { run } = await profile('failing', { kind: 'test', path: ['TestDouble'] });
    assert.equal(run.outcome.kind, 'failed');
    assert.match((run.outcome as { reason: string }).reason, /failing_test\.go:10: Double\(2\) = 6, want 4$/);
    assert.ok(path.isAbsolute((run.outcome as { reason: string }).reason.split(':')[0] as string), '-fullpath names the file absolutely');
  });

  test('a package whose test file does not compile: build-failed with the compiler error', async () => {
    const { run } = await profile('broken', { kind: 'test', path: ['TestHalf'] });
    assert.equal(run.outcome.kind, 'build-failed');
    const errors = (run.outcome as { errors: string[] }).errors;
    assert.ok(errors.some((e) => e.startsWith(path.join(workspace, 'broken', 'broken_test.go:6:'))), errors.join('\n'));
    assert.deepEqual(run.profiles, {}, 'no binary, no profiles');
  });

  test('a test that never ends: timed out after go.testTimeout', async () => {
    const { run } = await profile('failing', { kind: 'test', path: ['TestForever'] }, { ...plain, timeout: '1s' });
    assert.deepEqual(run.outcome, { kind: 'timed-out', after: '1s' });
  });

  test('a test that exits the binary: crashed', async () => {
    const { run } = await profile('failing', { kind: 'test', path: ['TestExits'] });
    assert.equal(run.outcome.kind, 'crashed');
  });

  test('cancel while the test runs: the go command, and the test binary it started, are gone', async () => {
    const abort = new AbortController();
    const started = Date.now();
    let outDir = '';
    const pending = profile('failing', { kind: 'test', path: ['TestForever'] }, plain, abort.signal, (phase) => {
      if (phase === 'running') abort.abort();
    }).then((r) => {
      outDir = r.outDir;
      return r;
    });
    const { run } = await pending;
    assert.deepEqual(run.outcome, { kind: 'cancelled' });
    assert.ok(Date.now() - started < 120_000);
    // No process is left running a binary from our folder (the test binary runs as <outDir>/failing.test).
    const deadline = Date.now() + 10_000;
    let left: string[] = [];
    do {
      left = processesMentioning(outDir);
      if (left.length === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < deadline);
    assert.deepEqual(left, []);
  });

  test('go not found: one clear verdict, no exception', async () => {
    const { run } = await profile('calc', { kind: 'test', path: ['TestFib'] }, { ...plain, goCommand: path.join(scratch, 'no-such-go') });
    assert.equal(run.outcome.kind, 'go-failed');
    assert.match((run.outcome as { reason: string }).reason, /no-such-go was not found: install Go/);
  });
});

/** Command lines of live processes that contain `text` (Linux /proc). */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmdline.includes(text) && Number(pid) !== process.pid) found.push(`${pid}: ${cmdline}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
