import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { expandGoPaths, groupByPackage } from '../../src/lint/goFiles';
import { lintPackages } from '../../src/lint/lintPool';
import { goSrc } from '../goToolchain';
import { CLI_TREE, DIST } from './cliRunner';

const WORKER = path.join(DIST, 'lintWorker.js');
const NET = goSrc('net');

test('worker threads lint a large tree with the same results as this thread, in file then position order', { timeout: 120_000 }, async () => {
  const packages = groupByPackage(expandGoPaths([NET]));
  const pooled = await lintPackages(packages, { wasmDir: DIST, workerScript: WORKER, maxWorkers: 2 });
  const local = await lintPackages(packages, { wasmDir: DIST, workerScript: WORKER, maxWorkers: 0 });
  assert.equal(pooled.workers, 2);
  assert.equal(local.workers, 0);
  assert.deepEqual(pooled.results, local.results);
  const files = pooled.results.map((r) => r.file);
  assert.deepEqual(files, [...files].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  assert.equal(files.length, packages.reduce((n, p) => n + p.files.length, 0));
  for (const { findings } of pooled.results) {
    const keys = findings.map((f) => f.range.start.line * 1e6 + f.range.start.character);
    assert.deepEqual(keys, [...keys].sort((a, b) => a - b));
  }
  assert.ok(pooled.results.every((r) => r.error === undefined));
});

test('small inputs are linted in this thread', async () => {
  const run = await lintPackages(groupByPackage(expandGoPaths([CLI_TREE])), { wasmDir: DIST, workerScript: WORKER });
  assert.equal(run.workers, 0);
  assert.ok(run.results.some((r) => r.findings.length > 0));
});

test('a worker that cannot start is reported for every file, not waited on', { timeout: 30_000 }, async () => {
  const packages = groupByPackage(expandGoPaths([NET]));
  const run = await lintPackages(packages, { wasmDir: DIST, workerScript: path.join(DIST, 'no-such-worker.js'), maxWorkers: 2 });
  assert.equal(run.results.length, packages.reduce((n, p) => n + p.files.length, 0));
  for (const r of run.results) assert.match(r.error ?? '', /^lint worker crashed: .*no-such-worker/);
});

test('a file that cannot be read is an error of its own; the rest of its package is linted', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'goroscope-pool-'));
  try {
    const leaky = path.join(dir, 'leaky.go');
    writeFileSync(leaky, 'package p\n\nimport "os"\n\nfunc f(ps []string) {\n\tfor _, p := range ps {\n\t\tx, _ := os.Open(p)\n\t\tdefer x.Close()\n\t}\n}\n');
    const gone = path.join(dir, 'gone.go');
    const run = await lintPackages([{ dir, files: [gone, leaky] }], { wasmDir: DIST, workerScript: WORKER });
    assert.deepEqual(
      run.results.map((r) => [r.file, r.error, r.findings.map((f) => f.rule)]),
      [
        [gone, `cannot read ${gone}: no such file`, []],
        [leaky, undefined, ['defer-in-loop']],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker that crashes on a package: that package is reported, the one sent after it is linted by a fresh thread', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'goroscope-pool-'));
  try {
    // The lint worker, except that its thread exits when it reads a file of the directory named crashme.
    const crashing = path.join(dir, 'crashingWorker.js');
    writeFileSync(
      crashing,
      `const fs = require('node:fs');\n` +
        `const read = fs.readFileSync;\n` +
        `fs.readFileSync = (file, ...rest) => (String(file).includes('crashme') ? process.exit(3) : read(file, ...rest));\n` +
        `require(${JSON.stringify(WORKER)});\n`,
    );
    const leaky = 'package p\n\nimport "os"\n\nfunc f(ps []string) {\n\tfor _, p := range ps {\n\t\tx, _ := os.Open(p)\n\t\tdefer x.Close()\n\t}\n}\n';
    const pkg = (name: string, padding: number) => {
      const pkgDir = path.join(dir, name);
      mkdirSync(pkgDir);
      const file = path.join(pkgDir, 'leaky.go');
      writeFileSync(file, leaky + '\n'.repeat(padding));
      return { dir: pkgDir, files: [file] };
    };
    // Sent biggest first, two at a time: big and crashme, then small once big is done.
    const packages = [pkg('big', 2000), pkg('crashme', 1000), pkg('small', 0)];
    const run = await lintPackages(packages, { wasmDir: DIST, workerScript: crashing, maxWorkers: 1, inProcessBelow: 0 });
    assert.deepEqual(
      run.results.map((r) => [path.basename(path.dirname(r.file)), r.error?.replace(/:.*/s, ''), r.findings.map((f) => f.rule)]),
      [
        ['big', undefined, ['defer-in-loop']],
        ['crashme', 'lint worker crashed', []],
        ['small', undefined, ['defer-in-loop']],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
