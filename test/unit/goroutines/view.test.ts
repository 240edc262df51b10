import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { clusterGoroutines } from '../../../src/goroutines/cluster';
import { loadGoroutines } from '../../../src/goroutines/load';
import { buildGoroutinesView, filterGroups, linkFindings } from '../../../src/goroutines/view';
import { repoRoot } from '../lint/fixtureHarness';

const dump = readFileSync(path.join(repoRoot, 'test', 'fixtures', 'goroutines', 'leaky-service.debug2.txt'));
const view = (limits?: { maxGroups: number; maxIds: number }) =>
  buildGoroutinesView(clusterGoroutines(loadGoroutines(dump)), { title: 'demo', source: 'fixture', userModules: ['example.com/leaky-service'] }, limits);

test('the view of the demo dump: histogram largest first, the search select leak on top', () => {
  const v = view();
  assert.equal(v.total, 356);
  assert.deepEqual(v.states[0], { state: 'select', count: 343 });
  assert.deepEqual(
    v.states.map((s) => s.count),
    [...v.states.map((s) => s.count)].sort((a, b) => b - a),
  );
  const top = v.groups[0];
  assert.ok(top);
  assert.equal(top.count, 320);
  assert.match(top.frames[0]?.function ?? '', /search\.\(\*Service\)\.Search\.func1$/);
  assert.equal(top.standardOnly, false);
  assert.equal(top.ids.length + top.idsOmitted, 320);
  assert.equal(v.groupsOmitted, 0);
});

test('groups made only of runtime and standard-library frames are flagged', () => {
  const v = view();
  const writeLoop = v.groups.find((g) => g.frames[0]?.function === 'net/http.(*persistConn).writeLoop');
  assert.equal(writeLoop?.standardOnly, true);
  // A group with one user frame anywhere (or a user creator) is user code.
  assert.ok(v.groups.filter((g) => !g.standardOnly).every((g) => [...g.frames, ...(g.createdBy ? [g.createdBy] : [])].some((f) => f.function.startsWith('example.com/') || f.function.startsWith('main.'))));
});

test('limits cap groups and ids, and count what they left out', () => {
  const v = view({ maxGroups: 2, maxIds: 5 });
  assert.equal(v.groups.length, 2);
  assert.equal(v.groupsOmitted, 12);
  assert.equal(v.groups[0]?.ids.length, 5);
  assert.equal(v.groups[0]?.idsOmitted, 315);
});

test('filters: state, function or package text (any case), hide runtime-only groups', () => {
  const v = view();
  assert.ok(filterGroups(v.groups, { state: 'IO wait' }).every((g) => g.state === 'IO wait'));
  assert.equal(filterGroups(v.groups, { state: 'IO wait' }).reduce((n, g) => n + g.count, 0), 11);
  const search = filterGroups(v.groups, { text: 'LEAKY-SERVICE/INTERNAL/SEARCH' });
  assert.ok(search.length >= 1);
  assert.ok(search.every((g) => [...g.frames, g.createdBy].some((f) => f?.function.includes('internal/search'))));
  const user = filterGroups(v.groups, { hideStandard: true });
  assert.ok(user.length > 0 && user.length < v.groups.length);
  assert.ok(user.every((g) => !g.standardOnly));
  assert.deepEqual(filterGroups(v.groups, {}), v.groups);
  assert.deepEqual(filterGroups(v.groups, { text: 'no-such-function' }), []);
});

test('findings attach to the frames whose line they cover, through the path mapping', () => {
  const v = view();
  const local = '/work/ws/internal/search/search.go';
  const mapped = (frame: { file: string }) => (frame.file.endsWith('/internal/search/search.go') ? local : undefined);
  const linked = linkFindings(
    v.groups,
    [
      { file: local, line: 59, endLine: 59, rule: 'select-without-ctx-done', severity: 'warning', message: 'never receives from ctx.Done()' },
      { file: local, line: 10, endLine: 12, rule: 'defer-in-loop', severity: 'warning', message: 'elsewhere' },
      { file: '/other.go', line: 59, endLine: 59, rule: 'http-body-not-closed', severity: 'warning', message: 'other file' },
    ],
    mapped,
  );
  assert.equal(linked, 1);
  const top = v.groups[0];
  assert.deepEqual(top?.findings, [
    { frame: 0, rule: 'select-without-ctx-done', severity: 'warning', message: 'never receives from ctx.Done()', file: local, line: 59 },
  ]);
  assert.ok(v.groups.slice(1).every((g) => g.findings.length === 0));
});
