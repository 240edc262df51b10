import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { clusterGoroutines } from '../../../src/goroutines/cluster';
import { loadGoroutines } from '../../../src/goroutines/load';
import type { FrameFinding, GroupView } from '../../../src/protocol/goroutinesView';
import { buildGoroutinesView, filterGroups, leakVerdict, linkFindings } from '../../../src/goroutines/view';
import { repoRoot } from '../lint/fixtureHarness';

const fixture = (name: string) => readFileSync(path.join(repoRoot, 'test', 'fixtures', 'goroutines', name));
const dump = fixture('leaky-service.debug2.txt');
const text = dump.toString('utf8');
const view = (limits?: { maxGroups: number; maxIds: number }, bytes: Uint8Array = dump) =>
  buildGoroutinesView(clusterGoroutines(loadGoroutines(bytes)), { title: 'demo', source: 'fixture', userModules: ['example.com/leaky-service'] }, limits);
/** How many goroutines the dump's headers give a state. */
const headersIn = (state: string) => text.split('\n').filter((l) => l.startsWith('goroutine ') && l.includes(` [${state}]`)).length;

test('the view of the demo dump: histogram largest first, the search select leak on top', () => {
  const v = view();
  assert.equal(v.total, text.match(/^goroutine \d+ /gm)?.length);
  assert.equal(v.leaked, 0);
  assert.deepEqual(v.states[0], { state: 'select', count: headersIn('select') });
  assert.deepEqual(
    v.states.map((s) => s.count),
    [...v.states.map((s) => s.count)].sort((a, b) => b - a),
  );
  const top = v.groups[0];
  assert.ok(top);
  const searches = text.split('\n\n').filter((block) => block.includes('search.(*Service).Search.func1(')).length;
  assert.equal(top.count, searches);
  assert.match(top.frames[0]?.function ?? '', /search\.\(\*Service\)\.Search\.func1$/);
  assert.equal(top.standardOnly, false);
  assert.equal(top.blockingFrame, 0);
  assert.equal(top.ids.length + top.idsOmitted, searches);
  assert.deepEqual(top.labels, { route: '/search' });
  assert.equal(v.groupsOmitted, 0);
  assert.equal(v.findingsChecked, false);
});

test('groups made only of runtime and standard-library frames are flagged', () => {
  const v = view();
  const writeLoop = v.groups.find((g) => g.frames[0]?.function === 'net/http.(*persistConn).writeLoop');
  assert.equal(writeLoop?.standardOnly, true);
  // A group with one user frame anywhere (or a user creator) is user code.
  assert.ok(v.groups.filter((g) => !g.standardOnly).every((g) => [...g.frames, ...(g.createdBy ? [g.createdBy] : [])].some((f) => f.function.startsWith('example.com/') || f.function.startsWith('main.'))));
});

test('limits cap groups and ids, and count what they left out', () => {
  const all = view();
  const v = view({ maxGroups: 2, maxIds: 5 });
  assert.equal(v.groups.length, 2);
  assert.equal(v.groupsOmitted, all.groups.length - 2);
  assert.equal(v.groups[0]?.ids.length, 5);
  assert.equal(v.groups[0]?.idsOmitted, (all.groups[0]?.count ?? 0) - 5);
});

test('filters: state, function or package text (any case), hide runtime-only groups', () => {
  const v = view();
  assert.ok(filterGroups(v.groups, { state: 'IO wait' }).every((g) => g.state === 'IO wait'));
  assert.equal(filterGroups(v.groups, { state: 'IO wait' }).reduce((n, g) => n + g.count, 0), headersIn('IO wait'));
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

const finding = (frame: FrameFinding['frame'], rule: string): FrameFinding => ({ frame, rule, severity: 'warning', message: 'm', file: '/ws/x.go', line: 1 });

test('proven-leaked groups of the demo service (after the detection pass): first, counted, where they block', () => {
  const v = view(undefined, fixture('leaky-service.goroutineleak.debug2.txt'));
  const proven = v.groups.filter((g) => g.leaked > 0);
  assert.equal(proven.length, 2);
  assert.deepEqual(v.groups.slice(0, 2), proven);
  assert.equal(v.leaked, proven.reduce((n, g) => n + g.leaked, 0));
  for (const g of proven) assert.match(g.frames[g.blockingFrame]?.function ?? '', /api\.\(\*Server\)\.handleQuote\.func[12]$/);
});

test('a finding on the go statement that started a group attaches to its created-by line: the proven stock goroutines of /quote', () => {
  const v = view(undefined, fixture('leaky-service.goroutineleak.debug2.txt'));
  const local = '/ws/leaky-service/internal/api/quote.go';
  const mapped = (frame: { file: string }) => (frame.file.endsWith('/internal/api/quote.go') ? local : undefined);
  // What goroscope lint reports in quote.go: the price goroutine's select (41) and the stock goroutine's go statement (47).
  const linked = linkFindings(
    v.groups,
    [
      { file: local, line: 41, endLine: 41, rule: 'select-without-ctx-done', severity: 'warning', message: 'never receives from ctx.Done()' },
      { file: local, line: 47, endLine: 47, rule: 'goroutine-stuck-on-channel', severity: 'warning', message: 'sends on `levels` (unbuffered)' },
    ],
    mapped,
  );
  // The go statement's finding also goes to the stock goroutines still asking the backend (not proven leaked yet).
  assert.equal(linked, 3);
  assert.deepEqual(
    v.groups.filter((g) => g.findings.some((f) => f.frame === 'createdBy')).map((g) => [g.state, g.leaked > 0]),
    [['chan send', true], ['sleep', false]],
  );
  const proven = v.groups.filter((g) => g.leaked > 0);
  const stock = proven.find((g) => g.frames[g.blockingFrame]?.function.endsWith('handleQuote.func2'));
  const price = proven.find((g) => g.frames[g.blockingFrame]?.function.endsWith('handleQuote.func1'));
  assert.deepEqual(stock?.createdBy?.line, 47);
  assert.deepEqual(stock?.findings, [{ frame: 'createdBy', rule: 'goroutine-stuck-on-channel', severity: 'warning', message: 'sends on `levels` (unbuffered)', file: local, line: 47 }]);
  assert.deepEqual(price?.findings.map((f) => [f.frame, f.rule]), [[price?.blockingFrame, 'select-without-ctx-done']]);
  assert.equal(leakVerdict(stock as GroupView, true), 'Proven leaked by the Go runtime, and goroutine-stuck-on-channel reports the go statement that started them (quote.go:47).');
  assert.equal(leakVerdict(price as GroupView, true), 'Proven leaked by the Go runtime, and select-without-ctx-done reports the line where they block.');
});

test('leak verdict: the proof, with the rule that explains it or, once findings were looked for, that none does', () => {
  const group = { count: 3, leaked: 3, blockingFrame: 1, findings: [] as FrameFinding[] };
  assert.equal(leakVerdict({ ...group, leaked: 0 }, true), null);
  assert.equal(leakVerdict(group, false), 'Proven leaked by the Go runtime.');
  assert.equal(leakVerdict(group, true), 'Proven leaked by the Go runtime. No rule explains this one yet.');
  assert.equal(
    leakVerdict({ ...group, findings: [finding(1, 'select-without-ctx-done')] }, true),
    'Proven leaked by the Go runtime, and select-without-ctx-done reports the line where they block.',
  );
  // A finding elsewhere in the stack does not explain where the goroutines block.
  assert.equal(leakVerdict({ ...group, findings: [finding(2, 'defer-in-loop')] }, true), 'Proven leaked by the Go runtime. No rule explains this one yet.');
  assert.equal(leakVerdict({ ...group, count: 5, leaked: 1, findings: [finding(1, 'select-without-ctx-done')] }, true), '1 of these 5 proven leaked by the Go runtime, and select-without-ctx-done reports the line where it blocks.');
  // On the go statement that started them (their created-by line): the rule and where it reports.
  const start = { ...finding('createdBy', 'goroutine-stuck-on-channel'), file: '/ws/internal/api/quote.go', line: 47 };
  assert.equal(leakVerdict({ ...group, findings: [start] }, true), 'Proven leaked by the Go runtime, and goroutine-stuck-on-channel reports the go statement that started them (quote.go:47).');
  assert.equal(leakVerdict({ ...group, findings: [start] }, false), 'Proven leaked by the Go runtime, and goroutine-stuck-on-channel reports the go statement that started them (quote.go:47).');
  assert.equal(
    leakVerdict({ ...group, count: 2, leaked: 1, findings: [finding(1, 'select-without-ctx-done'), { ...start, file: 'C:\\ws\\quote.go' }] }, true),
    '1 of these 2 proven leaked by the Go runtime, and select-without-ctx-done reports the line where it blocks; goroutine-stuck-on-channel reports the go statement that started it (quote.go:47).',
  );
  // Created by a function with no user frame to block in (blockingFrame -1): the go statement still explains it, nothing else does.
  assert.equal(leakVerdict({ ...group, blockingFrame: -1, findings: [start] }, true), 'Proven leaked by the Go runtime, and goroutine-stuck-on-channel reports the go statement that started them (quote.go:47).');
});
