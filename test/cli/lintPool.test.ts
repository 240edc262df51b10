import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
