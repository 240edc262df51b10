import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { RULE_IDS, ruleDocUrl } from '../../src/lint/rules';
import { goSrc } from '../goToolchain';
import { CLI_TREE, lineColOf, REPO_ROOT, runCli } from './cliRunner';

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  severity: string;
  message: string;
}

const read = (rel: string) => readFileSync(path.join(CLI_TREE, rel), 'utf8');
const DEFER = 'defer f.Close()';

/** Where the fixtures' leaks are, found in their text rather than written down twice. */
function expectedFindings(): Array<{ file: string; rule: string; line: number; column: number }> {
  return [
    { file: 'broken/broken.go', rule: 'defer-in-loop', ...lineColOf(read('broken/broken.go'), DEFER) },
    { file: 'leaky.go', rule: 'defer-in-loop', ...lineColOf(read('leaky.go'), DEFER) },
    { file: 'sub/select.go', rule: 'select-without-ctx-done', ...lineColOf(read('sub/select.go'), 'select {') },
    { file: 'sub/select.go', rule: 'http-body-not-closed', ...lineColOf(read('sub/select.go'), 'http.Get(url)') },
  ];
}

function lintJson(args: string[], options: Parameters<typeof runCli>[1] = {}): JsonFinding[] {
  const run = runCli(['lint', '--format', 'json', ...args], options);
  assert.equal(run.stderr, '');
  return JSON.parse(run.stdout) as JsonFinding[];
}

describe('goroscope lint', () => {
  test('text output is path:line:col: severity: message (rule), 1-based, for every leak in the tree', () => {
    const run = runCli(['lint', '.']);
    assert.equal(run.status, 1, run.stderr);
    assert.equal(run.stderr, '');
    const lines = run.stdout.trimEnd().split('\n');
    const parsed = lines.map((line) => {
      const m = /^(.+?):(\d+):(\d+): (warning|error|information|hint): (.+) \(([a-z-]+)\)$/.exec(line);
      assert.ok(m, `not in text format: ${line}`);
      return { file: m[1], line: Number(m[2]), column: Number(m[3]), rule: m[6] };
    });
    assert.deepEqual(parsed, expectedFindings());
  });

  test('walking skips vendor/, testdata/, _x/ and .x/ directories', () => {
    const files = new Set(lintJson(['.']).map((f) => path.relative(CLI_TREE, f.file)));
    assert.deepEqual([...files].sort(), ['broken/broken.go', 'leaky.go', 'sub/select.go']);
  });

  test('files named explicitly inside skipped directories are linted', () => {
    const named = ['vendor/example.com/dep/dep.go', 'testdata/data.go', '_scratch/scratch.go', '.hidden/hidden.go'];
    const findings = lintJson(named);
    assert.deepEqual(
      findings.map((f) => [path.relative(CLI_TREE, f.file), f.rule, f.line]),
      named.sort().map((rel) => [rel, 'defer-in-loop', lineColOf(read(rel), DEFER).line]),
    );
  });

  test('a skipped directory named explicitly is linted like the go tool does', () => {
    assert.deepEqual(lintJson(['_scratch']).map((f) => path.relative(CLI_TREE, f.file)), ['_scratch/scratch.go']);
  });

  test('JSON: absolute paths, 1-based ranges, exactly the documented fields, sorted by file then position', () => {
    const findings = lintJson(['.']);
    assert.deepEqual(
      findings.map((f) => ({ file: path.relative(CLI_TREE, f.file), rule: f.rule, line: f.line, column: f.column })),
      expectedFindings(),
    );
    for (const f of findings) {
      assert.deepEqual(Object.keys(f).sort(), ['column', 'endColumn', 'endLine', 'file', 'line', 'message', 'rule', 'severity']);
      assert.ok(path.isAbsolute(f.file));
      assert.equal(f.severity, 'warning');
      assert.ok(f.endLine > f.line || (f.endLine === f.line && f.endColumn > f.column));
      assert.ok(f.message.length > 10);
    }
    const defer = findings.find((f) => f.file.endsWith('leaky.go'));
    assert.equal(defer?.endColumn, (defer?.column ?? 0) + DEFER.length);
  });

  test('SARIF 2.1.0: driver rules with help links, results with cwd-relative URIs and 1-based regions', () => {
    const run = runCli(['lint', '--format=sarif', '.']);
    assert.equal(run.status, 1, run.stderr);
    const log = JSON.parse(run.stdout);
    assert.equal(log.version, '2.1.0');
    assert.match(log.$schema, /sarif-2\.1\.0/);
    const [sarifRun] = log.runs;
    assert.equal(sarifRun.tool.driver.name, 'goroscope');
    assert.deepEqual(
      sarifRun.tool.driver.rules.map((r: { id: string; helpUri: string }) => [r.id, r.helpUri]),
      RULE_IDS.map((id) => [id, ruleDocUrl(id)]),
    );
    for (const rule of sarifRun.tool.driver.rules) assert.ok(rule.shortDescription.text.length > 10);
    assert.deepEqual(
      sarifRun.results.map((r: { ruleId: string; level: string; message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }> }) => {
        const loc = r.locations[0]!.physicalLocation;
        assert.equal(r.level, 'warning');
        assert.ok(r.message.text.length > 10);
        return { file: loc.artifactLocation.uri, rule: r.ruleId, line: loc.region.startLine, column: loc.region.startColumn };
      }),
      expectedFindings(),
    );
  });

  test('SARIF uses absolute file URIs for files outside the working directory', () => {
    const run = runCli(['lint', '--format', 'sarif', path.join(CLI_TREE, 'leaky.go')], { cwd: path.join(REPO_ROOT, 'src') });
    const uri = JSON.parse(run.stdout).runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri;
    assert.equal(uri, `file://${path.join(CLI_TREE, 'leaky.go')}`);
  });

  test('--rule keeps only the named rules', () => {
    assert.deepEqual([...new Set(lintJson(['--rule', 'defer-in-loop', '.']).map((f) => f.rule))], ['defer-in-loop']);
    assert.deepEqual(
      [...new Set(lintJson(['--rule=select-without-ctx-done,http-body-not-closed', 'sub']).map((f) => f.rule))].sort(),
      ['http-body-not-closed', 'select-without-ctx-done'],
    );
    assert.deepEqual(lintJson(['--rule', 'http-body-not-closed', 'leaky.go']), []);
  });

  test('--tests=false leaves out findings in _test.go files, and a helper there still counts', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'goroscope-cli-tests-'));
    try {
      writeFileSync(path.join(dir, 'go.mod'), 'module example.com/t\n\ngo 1.22\n');
      writeFileSync(path.join(dir, 'leaky.go'), read('leaky.go'));
      writeFileSync(path.join(dir, 'leaky_test.go'), read('leaky.go').replace('func closeLater(', 'func closeLaterInTest('));
      const all = lintJson(['.'], { cwd: dir }).map((f) => path.basename(f.file));
      assert.deepEqual(all, ['leaky.go', 'leaky_test.go']);
      assert.deepEqual(lintJson(['--tests=false', '.'], { cwd: dir }).map((f) => path.basename(f.file)), ['leaky.go']);
      assert.deepEqual(lintJson(['--tests', 'true', '.'], { cwd: dir }).map((f) => path.basename(f.file)), all);
      const bad = runCli(['lint', '--tests=no', '.'], { cwd: dir });
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /^goroscope: unknown tests "no" \(expected true, false\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('exit status 0 and no output when nothing is found', () => {
    const run = runCli(['lint', 'clean.go']);
    assert.deepEqual(run, { status: 0, stdout: '', stderr: '' });
    assert.equal(runCli(['lint', '--rule', 'http-body-not-closed', 'leaky.go']).status, 0);
  });

  test('a file with syntax errors is linted where it parses and is not an input error', () => {
    const run = runCli(['lint', 'broken/broken.go']);
    assert.equal(run.stderr, '');
    assert.equal(run.status, 1);
    const { line, column } = lineColOf(read('broken/broken.go'), DEFER);
    assert.match(run.stdout, new RegExp(`^broken/broken\\.go:${line}:${column}: warning: .+ \\(defer-in-loop\\)\\n$`));
  });

  for (const [what, args, message] of [
    ['an unknown flag', ['lint', '--frobnicate', '.'], /unknown flag --frobnicate/],
    ['an unknown rule', ['lint', '--rule', 'defer-in-loop,no-such-rule', '.'], /unknown rule "no-such-rule"/],
    ['a missing path', ['lint', 'does/not/exist.go'], /no such file or directory: does\/not\/exist\.go/],
    ['a file that is not Go', ['lint', 'go.mod'], /not a Go file: go\.mod/],
    ['an unknown format', ['lint', '--format', 'xml', '.'], /unknown format "xml"/],
    ['a flag without its value', ['lint', '.', '--format'], /--format needs a value/],
    ['no paths', ['lint'], /at least one file or directory/],
    ['no command', [], /no command/],
    ['an unknown command', ['frobnicate'], /unknown command "frobnicate"/],
  ] as const) {
    test(`usage error for ${what}: one line on stderr, exit 2, nothing on stdout`, () => {
      const run = runCli([...args]);
      assert.equal(run.status, 2);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /^goroscope: [^\n]+\n$/);
      assert.match(run.stderr, message);
    });
  }

  test('--help and --version', () => {
    const help = runCli(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /lint/);
    const lintHelp = runCli(['lint', '--help']);
    assert.equal(lintHelp.status, 0);
    assert.match(lintHelp.stdout, /--format text\|json\|sarif/);
    const version = runCli(['--version']);
    assert.equal(version.status, 0);
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(version.stdout, `goroscope ${pkg.version}\n`);
  });

  test('a large tree goes through worker threads and matches the in-process result', { timeout: 120_000 }, (t) => {
    const tree = goSrc('net');
    let started = performance.now();
    const pooled = runCli(['lint', '--format', 'json', tree]);
    const pooledMs = performance.now() - started;
    started = performance.now();
    const inProcess = runCli(['lint', '--format', 'json', tree], { env: { GOROSCOPE_LINT_WORKERS: '0' } });
    const inProcessMs = performance.now() - started;
    t.diagnostic(`net: workers ${pooledMs.toFixed(0)} ms, in-process ${inProcessMs.toFixed(0)} ms`);
    assert.equal(pooled.stderr, '');
    assert.equal(inProcess.stderr, '');
    assert.equal(pooled.status, inProcess.status);
    const findings = JSON.parse(pooled.stdout) as JsonFinding[];
    assert.ok(findings.length > 0, 'net has leak patterns in its tests');
    assert.equal(pooled.stdout, inProcess.stdout);
  });
});
