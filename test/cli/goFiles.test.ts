import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { expandGoPaths, GoPathError, groupByPackage, isSkippedGoDir, walkGoFiles } from '../../src/lint/goFiles';
import { CLI_TREE } from './cliRunner';

const rel = (files: string[]) => files.map((f) => path.relative(CLI_TREE, f));

test('the go tool skips vendor, testdata and dot or underscore directories', () => {
  for (const name of ['vendor', 'testdata', '.git', '.hidden', '_scratch', '_']) assert.ok(isSkippedGoDir(name), name);
  for (const name of ['vendors', 'src', 'test_data', 'x.go', 'a_b']) assert.ok(!isSkippedGoDir(name), name);
});

test('walkGoFiles returns the sorted .go files outside skipped directories', () => {
  assert.deepEqual(rel(walkGoFiles(CLI_TREE)), ['broken/broken.go', 'clean.go', 'leaky.go', 'sub/select.go']);
});

test('expandGoPaths keeps named files, de-duplicates, and rejects missing paths and non-Go files', () => {
  assert.deepEqual(rel(expandGoPaths(['testdata/data.go', 'leaky.go', '.', './leaky.go'], CLI_TREE)), [
    'broken/broken.go',
    'clean.go',
    'leaky.go',
    'sub/select.go',
    'testdata/data.go',
  ]);
  assert.throws(() => expandGoPaths(['nope'], CLI_TREE), (e: unknown) => e instanceof GoPathError && /no such file or directory: nope/.test(e.message));
  assert.throws(() => expandGoPaths(['go.mod'], CLI_TREE), /not a Go file: go\.mod/);
});

test('groupByPackage groups by directory in sorted order', () => {
  const groups = groupByPackage(expandGoPaths(['.', 'vendor'], CLI_TREE));
  assert.deepEqual(
    groups.map((g) => [path.relative(CLI_TREE, g.dir), rel(g.files)]),
    [
      ['', ['clean.go', 'leaky.go']],
      ['broken', ['broken/broken.go']],
      ['sub', ['sub/select.go']],
      ['vendor/example.com/dep', ['vendor/example.com/dep/dep.go']],
    ],
  );
});
