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
  assert.equal(d.total, d.records.reduce((n, r) => n + r.count, 0));
  const search = d.records.find((r) => r.labels?.route === '/search');
  assert.ok(search, 'the /search record carries its pprof label');
  const s = clusterGoroutines(d);
  assert.equal(s.states.unknown, d.total);
});

test('labels from debug=1 join debug=2 groups by stack', () => {
  const summary = clusterGoroutines(parseGoroutineDump(fixture('leaky-service.debug2.txt')));
  const joined = joinLabels(summary, parseGoroutineProfileText(fixture('leaky-service.debug1.txt')));
  assert.ok(joined > 0);
  assert.equal(summary.groups[0]?.labels?.route, '/search');
});

test('standard-library frames are told from user frames', () => {
  const f = (fn: string) => ({ function: fn, file: '', line: 0 });
  assert.equal(isStandardFrame(f('runtime.gopark')), true);
  assert.equal(isStandardFrame(f('net/http.(*conn).serve')), true);
  assert.equal(isStandardFrame(f('main.main')), false);
  assert.equal(isStandardFrame(f('example.com/x/y.(*T).m')), false);
  assert.equal(isStandardFrame(f('leaky/internal/x.F'), ['leaky']), false);
});
