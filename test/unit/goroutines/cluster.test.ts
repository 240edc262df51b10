import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { clusterGoroutines, isStandardFrame, joinLabels } from '../../../src/goroutines/cluster';
import { parseGoroutineDump } from '../../../src/goroutines/parseDump';
import { parseGoroutineProfileText } from '../../../src/goroutines/parseProfileText';
import { repoRoot } from '../lint/fixtureHarness';

const fixture = (name: string) => readFileSync(path.join(repoRoot, 'test', 'fixtures', 'goroutines', name), 'utf8');

test('goroutines sharing state and stack form one group; arguments do not split groups', () => {
  const text = [1, 2, 3]
    .map((id) => `goroutine ${id} [chan receive, ${id} minutes]:\nmain.wait(0xc00000${id}000)\n\t/x/w.go:5 +0x1\ncreated by main.start in goroutine 1\n\t/x/m.go:9 +0x2\n`)
    .join('\n') + '\ngoroutine 4 [select]:\nmain.wait(0x1)\n\t/x/w.go:5 +0x1\n';
  const s = clusterGoroutines(parseGoroutineDump(text));
  assert.equal(s.groups.length, 2);
  const [big, small] = s.groups;
  assert.deepEqual([big?.count, big?.state, big?.minWaitMinutes, big?.maxWaitMinutes, big?.ids], [3, 'chan receive', 1, 3, [1, 2, 3]]);
  assert.deepEqual(big?.createdBy, { function: 'main.start', file: '/x/m.go', line: 9, goroutine: 1 });
  assert.deepEqual([small?.count, small?.state, small?.minWaitMinutes], [1, 'select', 0]);
  assert.deepEqual(s.states, { 'chan receive': 3, select: 1 });
});

test('the demo service dump: the leaking search goroutines are the largest group', () => {
  const s = clusterGoroutines(parseGoroutineDump(fixture('leaky-service.debug2.txt')));
  assert.equal(s.leaked, 0);
  const top = s.groups[0];
  assert.ok(top);
  assert.equal(top.state, 'select');
  assert.match(top.frames[0]?.function ?? '', /search\.\(\*Service\)\.Search\.func1$/);
  assert.equal(top.count, top.ids.length);
  assert.equal(s.total, s.groups.reduce((n, g) => n + g.count, 0));
});

test('debug=1 profile: records with counts and labels; total from the header', () => {
  const d = parseGoroutineProfileText(fixture('leaky-service.debug1.txt'));
  assert.equal(d.format, 'debug1');
  assert.equal(d.profile, 'goroutine');
  assert.equal(d.total, d.records.reduce((n, r) => n + r.count, 0));
  const search = d.records.find((r) => r.labels?.route === '/search');
  assert.ok(search, 'the /search record carries its pprof label');
  const s = clusterGoroutines(d);
  assert.equal(s.states.unknown, d.total);
});

test('labels from debug=1 join the groups of a dump that prints none (Go 1.19.8), by stack', () => {
  const summary = clusterGoroutines(parseGoroutineDump(fixture('go1.19.8-leaky-service.debug2.txt')));
  const topLabels = () => summary.groups[0]?.labels;
  assert.equal(topLabels(), null);
  const joined = joinLabels(summary, parseGoroutineProfileText(fixture('go1.19.8-leaky-service.debug1.txt')));
  assert.ok(joined > 0);
  assert.equal(topLabels()?.['route'], '/search');
});

test('Go 1.27.3 dumps: labels come from the headers, and a debug=1 join does not overwrite them', () => {
  const summary = clusterGoroutines(parseGoroutineDump(fixture('leaky-service.debug2.txt')));
  const search = summary.groups[0];
  assert.deepEqual(search?.labels, { route: '/search' });
  // A debug=1 profile whose records say otherwise (labels by stack are a guess; the header is not).
  const profile = parseGoroutineProfileText(fixture('leaky-service.debug1.txt'));
  for (const r of profile.records) if (r.labels) r.labels = { route: '/elsewhere', extra: 'x' };
  joinLabels(summary, profile);
  assert.deepEqual(search?.labels, { route: '/search' });
  const joinedOnto = summary.groups.filter((g) => g.labels?.['route'] === '/elsewhere');
  assert.ok(joinedOnto.every((g) => g.labels?.['extra'] === 'x'), 'only groups without header labels take joined ones');
});

test('proven-leaked groups sort first and count their leaked goroutines; a group mixes proven and not yet proven', () => {
  const s = clusterGoroutines(parseGoroutineDump(fixture('go1.27.3-stack.txt')));
  const leakedGroups = s.groups.filter((g) => g.leaked > 0);
  assert.deepEqual(leakedGroups.map((g) => [g.state, g.leaked]), [['chan send', 2], ['chan receive (nil chan)', 1], ['select (no cases)', 1], ['sync.WaitGroup.Wait', 1]]);
  assert.deepEqual(s.groups.slice(0, leakedGroups.length), leakedGroups);
  assert.equal(s.leaked, 5);
  const text = 'goroutine 1 [select (leaked)]:\nmain.w()\n\t/x/w.go:5 +0x1\n\ngoroutine 2 [select]:\nmain.w()\n\t/x/w.go:5 +0x1\n\ngoroutine 3 [select]:\nmain.v()\n\t/x/v.go:5 +0x1\n\ngoroutine 4 [select]:\nmain.v()\n\t/x/v.go:5 +0x1\n\ngoroutine 5 [select]:\nmain.v()\n\t/x/v.go:5 +0x1\n';
  const mixed = clusterGoroutines(parseGoroutineDump(text));
  assert.deepEqual(mixed.groups.map((g) => [g.count, g.leaked, g.frames[0]?.function]), [[2, 1, 'main.w'], [3, 0, 'main.v']]);
});

test('a group whose goroutines carry different labels lists the values of the keys they disagree on', () => {
  const g = (id: number, labels: string) => `goroutine ${id} [select] ${labels}:\nmain.w()\n\t/x/w.go:5 +0x1\n\n`;
  const text = [g(1, '{route: /a, tenant: t1}'), g(2, '{route: /a, tenant: t2}'), g(3, '{route: /a, tenant: t1}'), g(4, '{route: /a, tenant: t3}'), g(5, '{route: /a, tenant: t4}'), g(6, '{route: /a, tenant: t5}')].join('');
  const [group] = clusterGoroutines(parseGoroutineDump(text)).groups;
  assert.deepEqual(group?.labels, { route: '/a', tenant: 't1 | t2 | t3 | …' });
  const same = clusterGoroutines(parseGoroutineDump(g(1, '{route: /a}') + g(2, '{route: /a}'))).groups[0];
  assert.deepEqual(same?.labels, { route: '/a' });
});

test('standard-library frames are told from user frames', () => {
  const f = (fn: string) => ({ function: fn, file: '', line: 0 });
  assert.equal(isStandardFrame(f('runtime.gopark')), true);
  assert.equal(isStandardFrame(f('net/http.(*conn).serve')), true);
  assert.equal(isStandardFrame(f('main.main')), false);
  assert.equal(isStandardFrame(f('example.com/x/y.(*T).m')), false);
  assert.equal(isStandardFrame(f('leaky/internal/x.F'), ['leaky']), false);
});
