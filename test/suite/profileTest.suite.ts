// "Profile this test" inside a real VS Code: the lenses the language server's goroscope/testsOfFile
// feeds above the tests and benchmarks of examples/leaky-service (copied into the workspace by
// test/e2e/run.sh), their command running the real go test (Go 1.27.3, GOTOOLCHAIN from run.sh) with
// both profilers, the result on the lens line, inline costs, and the one message of a failing and of a
// non-compiling test. The e2e driver then clicks the lenses like a person (test/e2e/steps/tests.mjs).
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { GoroscopeApi } from '../../src/extension/main';
import type { ProfileTestArgs, TestProfile } from '../../src/extension/tests/profileTest';
import { EXTENSION_ID, fixtureUri, waitFor } from './workspace';

const PRIMES_TEST = 'leaky-service/internal/api/primes_test.go';
const PAGES_TEST = 'leaky-service/internal/catalog/pages_test.go';
/** Packages the suite writes into the workspace (module example.com/e2e) and removes after. */
const FAILING_DIR = 'profiletest-failing';
const BROKEN_DIR = 'profiletest-broken';
const CONTENTION_DIR = 'profiletest-contention';

suite('profile this test', () => {
  let api: GoroscopeApi;
  let primes: vscode.TextDocument;

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<GoroscopeApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    primes = await vscode.workspace.openTextDocument(fixtureUri(PRIMES_TEST));
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('goroscope.tests').update('contentionProfiles', undefined, vscode.ConfigurationTarget.Workspace);
    for (const dir of [FAILING_DIR, BROKEN_DIR, CONTENTION_DIR]) rmSync(fixtureUri(dir).fsPath, { recursive: true, force: true });
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The failing runs showed their output in the bottom panel: the driver's screenshots want the room.
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });

  test('lenses above the test, its literal subtests and the benchmark, from the language server', async () => {
    const test = await lensAt(primes, 'func TestCountPrimes(', 'Profile this test');
    assert.deepEqual(test.command?.arguments?.[0], { file: primes.uri.fsPath, kind: 'test', path: ['TestCountPrimes'] } satisfies ProfileTestArgs);
    const sub = await lensAt(primes, 't.Run("below 1 000 000"', 'Profile this subtest');
    assert.deepEqual((sub.command?.arguments?.[0] as ProfileTestArgs).path, ['TestCountPrimes', 'below 1 000 000']);
    await lensAt(primes, 'func BenchmarkIsPrime(', 'Profile this benchmark');
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', primes.uri)) ?? [];
    assert.equal(lenses.filter((l) => l.command?.command === 'goroscope.profileTest').length, 5, lenses.map((l) => l.command?.title).join(', '));
  });

  test('profiling a subtest runs it alone with both profilers and opens its CPU flame graph', async function () {
    this.timeout(300_000); // the first go test in a fresh cache compiles net/http for the test binary
    const result = await profile({ file: primes.uri.fsPath, kind: 'test', path: ['TestCountPrimes', 'below 1 000 000'] });
    assert.equal(result.outcome, 'passed', result.message);
    assert.equal(result.testName, 'TestCountPrimes/below_1_000_000');
    assert.deepEqual(result.opened, { title: 'TestCountPrimes/below_1_000_000 · CPU', view: 'cpu' });
    assert.ok((result.totals.cpuNanos ?? 0) > 100e6, `half a second of trial division is sampled: ${result.totals.cpuNanos} ns`);
    assert.ok((result.totals.allocBytes ?? 0) > 0, 'the memory profile was read');
    assert.match(result.summary, /^passed in [\d.]+ m?s · CPU [\d.]+ m?s · [\d.]+ (B|kB|MB) allocated$/);
    // Among the hottest, not necessarily first: on a loaded machine runtime.asyncPreempt (the loop
    // preempted) can take the flat samples of the loop.
    assert.match(result.message, /Hottest: .*api\.isPrime \d/);
  });

  test('the result stays on the lens line and opens the run\'s profiles', async () => {
    const lens = await lensAt(primes, 't.Run("below 1 000 000"', /^passed in /);
    assert.equal(lens.command?.command, 'goroscope.tests.openProfile');
    assert.match(lens.command?.tooltip ?? '', /Hottest \(CPU, flat\): [^\n]*api\.isPrime \d/);
  });

  test('inline costs follow, from the test\'s CPU profile', async () => {
    const state = await waitFor('inline costs for primes.go from the test', () => {
      const s = api.inlineCosts();
      const file = Object.keys(s.files).find((f) => f.endsWith('leaky-service/internal/api/primes.go'));
      return s.title?.startsWith('TestCountPrimes/below_1_000_000') && file ? { s, lines: s.files[file] ?? [] } : undefined;
    });
    assert.equal(state.s.sampleType, 'cpu');
    const source = (await vscode.workspace.openTextDocument(fixtureUri('leaky-service/internal/api/primes.go'))).getText().split('\n');
    const loop = source.findIndex((l) => l.includes('d*d <= n')) + 1;
    assert.ok(state.lines.some((l) => l.line === loop || l.line === loop + 1), `isPrime's loop is costed: ${JSON.stringify(state.lines.slice(0, 5))}`);
  });

  test('a benchmark: its ns/op, B/op and allocs/op on the lens line, its profiles read', async function () {
    this.timeout(300_000);
    const pages = await vscode.workspace.openTextDocument(fixtureUri(PAGES_TEST));
    const lens = await lensAt(pages, 'func BenchmarkPageRender(', 'Profile this benchmark');
    const result = await profile(lens.command?.arguments?.[0] as ProfileTestArgs);
    assert.equal(result.outcome, 'passed', result.message);
    assert.equal(result.benchmarks.length, 1);
    const [bench] = result.benchmarks;
    assert.ok(bench && (bench.bytesPerOp ?? 0) >= 16 * 1024 && (bench.allocsPerOp ?? 0) > 0, JSON.stringify(bench));
    assert.match(result.summary, /^[\d.]+ (ns|µs)\/op · [\d.]+ kB\/op · \d+ allocs\/op$/);
    assert.equal(result.opened?.view, 'cpu');
    await lensAt(pages, 'func BenchmarkPageRender(', result.summary);
  });

  test('a failing test: one message naming it and quoting the failure', async function () {
    this.timeout(180_000);
    const file = writePackage(FAILING_DIR, 'failing_test.go', 'package failing\n\nimport "testing"\n\nfunc TestAlwaysFails(t *testing.T) {\n\tt.Errorf("got %d, want %d", 1, 2)\n}\n');
    const result = await profile({ file, kind: 'test', path: ['TestAlwaysFails'] });
    assert.equal(result.outcome, 'failed');
    assert.equal(result.message, `TestAlwaysFails failed: ${file}:6: got 1, want 2`);
    assert.equal(result.opened, undefined, 'no flame graph opens by itself for a failed test');
  });

  test('a package that does not compile: one message naming the test and the compiler error', async function () {
    this.timeout(180_000);
    const file = writePackage(BROKEN_DIR, 'broken_test.go', 'package broken\n\nimport "testing"\n\nfunc TestBroken(t *testing.T) {\n\tvar n int = "two"\n\t_ = n\n}\n');
    const result = await profile({ file, kind: 'test', path: ['TestBroken'] });
    assert.equal(result.outcome, 'build-failed');
    assert.match(result.message, new RegExp(`^TestBroken did not compile: ${escape(file)}:6:\\d+: cannot use "two"`));
  });

  test('goroscope.tests.contentionProfiles: blocking and mutex contention read, offered beside CPU and memory', async function () {
    this.timeout(180_000);
    const file = writePackage(
      CONTENTION_DIR,
      'contention_test.go',
      [
        'package contention',
        '',
        'import (',
        '\t"sync"',
        '\t"testing"',
        '\t"time"',
        ')',
        '',
        'func TestWaits(t *testing.T) {',
        '\tvar mu sync.Mutex',
        '\tvar wg sync.WaitGroup',
        '\tfor g := 0; g < 4; g++ {',
        '\t\twg.Add(1)',
        '\t\tgo func() {',
        '\t\t\tdefer wg.Done()',
        '\t\t\tfor i := 0; i < 10; i++ {',
        '\t\t\t\tmu.Lock()',
        '\t\t\t\ttime.Sleep(time.Millisecond)',
        '\t\t\t\tmu.Unlock()',
        '\t\t\t}',
        '\t\t}()',
        '\t}',
        '\twg.Wait()',
        '}',
        '',
      ].join('\n'),
    );
    const plainRun = await profile({ file, kind: 'test', path: ['TestWaits'] });
    assert.equal(plainRun.outcome, 'passed', plainRun.message);
    assert.deepEqual(plainRun.views, ['cpu', 'allocs', 'heap'], 'off by default');
    await vscode.workspace.getConfiguration('goroscope.tests').update('contentionProfiles', true, vscode.ConfigurationTarget.Workspace);
    const result = await profile({ file, kind: 'test', path: ['TestWaits'] });
    assert.equal(result.outcome, 'passed', result.message);
    assert.deepEqual(result.views, ['cpu', 'allocs', 'heap', 'block', 'mutex']);
    assert.ok((result.totals.blockedNanos ?? 0) > 1e6 && (result.totals.mutexWaitNanos ?? 0) > 1e6, JSON.stringify(result.totals));
    assert.match(result.summary, / · [\d.]+ (µs|ms|s) blocked · [\d.]+ (µs|ms|s) waiting on mutexes$/);
  });

  test('Profile Test at Cursor: the subtest the cursor is in', async function () {
    this.timeout(180_000);
    const editor = await vscode.window.showTextDocument(primes);
    const line = primes.getText().split('\n').findIndex((l) => l.includes('countPrimes(100)'));
    editor.selection = new vscode.Selection(line, 2, line, 2);
    const result = await vscode.commands.executeCommand<TestProfile | string>('goroscope.profileTestAtCursor');
    assert.equal(typeof result, 'object', String(result));
    assert.equal((result as TestProfile).testName, 'TestCountPrimes/below_100');
    assert.equal((result as TestProfile).outcome, 'passed');
  });
});

async function profile(args: ProfileTestArgs): Promise<TestProfile> {
  const result = await vscode.commands.executeCommand<TestProfile | string>('goroscope.profileTest', args);
  assert.equal(typeof result, 'object', `the command ran go test: ${String(result)}`);
  return result as TestProfile;
}

function writePackage(dir: string, name: string, source: string): string {
  const folder = fixtureUri(dir).fsPath;
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, name);
  writeFileSync(file, source);
  return file;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Asks VS Code for the document's lenses (as the editor does) until one on the line holding `lineText` matches `title`. */
async function lensAt(document: vscode.TextDocument, lineText: string, title: string | RegExp): Promise<vscode.CodeLens> {
  const line = document.getText().split('\n').findIndex((l) => l.includes(lineText));
  assert.ok(line >= 0, `${lineText} is in ${document.uri.fsPath}`);
  const deadline = Date.now() + 30_000;
  let seen: string[] = [];
  for (;;) {
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 100)) ?? [];
    const found = lenses.find((l) => l.range.start.line === line && (typeof title === 'string' ? l.command?.title === title : title.test(l.command?.title ?? '')));
    if (found) return found;
    seen = lenses.map((l) => `${l.range.start.line}: ${l.command?.title ?? '(unresolved)'}`);
    if (Date.now() > deadline) throw new Error(`no lens "${String(title)}" on line ${line} within 30 s; lenses: ${seen.join('; ') || 'none'}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
