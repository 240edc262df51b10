import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzer } from './fixtureHarness';

const loopWithDefer = (suffix = '', above = '') => `package p

import "os"

func f(paths []string) {
	for _, p := range paths {
		g, _ := os.Open(p)
${above ? `\t\t${above}\n` : ''}		defer g.Close()${suffix}
	}
}
`;

test('a finding is reported without suppression', async () => {
  const a = await analyzer();
  const findings = a.lintFile('/virtual/p/a.go', loopWithDefer());
  assert.deepEqual(findings.map((f) => f.rule), ['defer-in-loop']);
});

for (const [name, suffix, above] of [
  ['//nolint:<rule-id> at the end of the line', ' //nolint:defer-in-loop', ''],
  ['//nolint:goroscope at the end of the line', ' //nolint:goroscope', ''],
  ['bare //nolint at the end of the line', ' //nolint', ''],
  ['//nolint:<rule-id> on the line above', '', '//nolint:defer-in-loop'],
  ['a list of ids including the rule', ' //nolint:errcheck,defer-in-loop // reason', ''],
] as const) {
  test(`suppressed by ${name}`, async () => {
    const a = await analyzer();
    assert.deepEqual(a.lintFile('/virtual/p/a.go', loopWithDefer(suffix, above)), []);
  });
}

test('//nolint for another rule does not suppress', async () => {
  const a = await analyzer();
  assert.equal(a.lintFile('/virtual/p/a.go', loopWithDefer(' //nolint:http-body-not-closed')).length, 1);
});

test('a //nolint after code on the line above does not suppress the next line', async () => {
  const a = await analyzer();
  const src = loopWithDefer().replace('g, _ := os.Open(p)', 'g, _ := os.Open(p) //nolint:defer-in-loop');
  assert.equal(a.lintFile('/virtual/p/a.go', src).length, 1);
});

test('disabledRules drops that rule only', async () => {
  const a = await analyzer();
  assert.deepEqual(a.lintFile('/virtual/p/a.go', loopWithDefer(), { disabledRules: ['defer-in-loop'] }), []);
  assert.equal(a.lintFile('/virtual/p/a.go', loopWithDefer(), { disabledRules: ['select-without-ctx-done'] }).length, 1);
});

test('broken Go source: what parses is still linted, nothing throws', async () => {
  const a = await analyzer();
  const src = `package p

import "os"

func good(paths []string) {
	for _, p := range paths {
		f, _ := os.Open(p)
		defer f.Close()
	}
}

func broken( {
	for x := range {
		defer
	}
	if if if
`;
  const findings = a.lintFile('/virtual/p/broken.go', src);
  assert.ok(findings.some((f) => f.rule === 'defer-in-loop' && f.range.start.line === 7), JSON.stringify(findings));
});

test('garbage and empty input give no findings and no exception', async () => {
  const a = await analyzer();
  assert.deepEqual(a.lintFile('/virtual/p/empty.go', ''), []);
  assert.doesNotThrow(() => a.lintFile('/virtual/p/bin.go', '\u0000\u0001\uFFFD{{{{ select for defer ))) http.Get('));
});

test('findings come back sorted by position with 0-based UTF-16 ranges', async () => {
  const a = await analyzer();
  const src = `package p

import ("context"; "os")

func f(ctx context.Context, ch chan int, paths []string) {
	s := "héllo😀"; for _, p := range paths { g, _ := os.Open(p); defer g.Close() }
	select {
	case <-ch:
	}
	_ = s
}
`;
  const findings = a.lintFile('/virtual/p/u.go', src);
  assert.deepEqual(findings.map((f) => f.rule), ['defer-in-loop', 'select-without-ctx-done']);
  const line = src.split('\n')[5] ?? '';
  assert.equal(findings[0]?.range.start.character, line.indexOf('defer g.Close()'));
  assert.deepEqual(findings[1]?.range.start, { line: 6, character: 1 });
});

test('tests: false leaves out findings in _test.go files only', async () => {
  const a = await analyzer();
  assert.deepEqual(a.lintFile('/virtual/p/a_test.go', loopWithDefer(), { tests: false }), []);
  assert.equal(a.lintFile('/virtual/p/a_test.go', loopWithDefer(), { tests: true }).length, 1);
  assert.equal(a.lintFile('/virtual/p/a_test.go', loopWithDefer()).length, 1, 'reported by default');
  assert.equal(a.lintFile('/virtual/p/a.go', loopWithDefer(), { tests: false }).length, 1);
});
