import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProfileError } from '../../../src/pprof/errors';
import { buildCallTree } from '../../../src/pprof/flameTree';
import { compileGoRegexp } from '../../../src/pprof/goRegexp';
import type { Profile } from '../../../src/pprof/model';
import { topFunctions } from '../../../src/pprof/top';

/** Patterns a backtracking engine (JavaScript's RegExp) takes exponential time to reject on `a…a!`. */
const BACKTRACKING = ['(a+)+$', '(a|aa)+$', '^(a|a)*$', '(.*a){25}$'];

describe('Go regular expressions in linear time (re2js)', () => {
  test('Go syntax JavaScript lacks: (?i), \\A, \\z, (?P<name>), [[:digit:]], \\Q…\\E, (?U)', () => {
    assert.ok(compileGoRegexp('(?i)SESSIONS', 'focus').test('internal/sessions.(*Store).Create'));
    assert.ok(compileGoRegexp('\\Aruntime\\.', 'focus').test('runtime.main'));
    assert.ok(!compileGoRegexp('\\Aruntime\\.', 'focus').test('xruntime.main'));
    assert.ok(!compileGoRegexp('main\\z', 'focus').test('runtime.main\n'));
    assert.ok(compileGoRegexp('(?P<pkg>[a-z]+)\\.', 'focus').test('sync.Mutex'));
    assert.ok(compileGoRegexp('func[[:digit:]]', 'focus').test('main.main.func1'));
    assert.ok(compileGoRegexp('\\Q(*Store).Create\\E', 'focus').test('sessions.(*Store).Create'));
    assert.ok(compileGoRegexp('(?U)a+b', 'focus').test('aab'));
  });

  test('what RE2 refuses (backreferences, lookahead, huge repeats) is one ProfileError naming the flag', () => {
    for (const [pattern, detail] of [
      ['(a)\\1', /invalid escape sequence/],
      ['x(?=y)', /invalid or unsupported Perl syntax/],
      ['a{1001}', /invalid repeat count/],
    ] as const) {
      assert.throws(
        () => compileGoRegexp(pattern, '--focus'),
        (err: unknown) => err instanceof ProfileError && err.message.startsWith(`--focus: invalid regular expression "${pattern}" (`) && detail.test(err.message),
      );
    }
  });

  test('patterns that backtrack badly take linear time on long names', () => {
    const name = `${'a'.repeat(50_000)}!`;
    for (const pattern of BACKTRACKING) {
      const t0 = Date.now();
      assert.equal(compileGoRegexp(pattern, 'search').test(name), false, pattern);
      assert.ok(Date.now() - t0 < 5_000, `${pattern}: ${Date.now() - t0} ms`);
    }
  });

  test('focus, hide and the search over a profile of such names answer at once', () => {
    const evil = (i: number) => `main.${'a'.repeat(40 + i)}!`;
    const profile: Profile = {
      sampleTypes: [{ type: 'samples', unit: 'count' }],
      defaultSampleIndex: 0,
      periodType: null,
      period: 0,
      timeNanos: 0,
      durationNanos: 0,
      frames: [{ name: 'main.main', file: 'main.go', line: 1 }, ...Array.from({ length: 200 }, (_, i) => ({ name: evil(i), file: `${'a'.repeat(40)}!.go`, line: i }))],
      samples: Array.from({ length: 200 }, (_, i) => ({ stack: [i + 1, 0], values: [1] })),
      comments: [],
      dropFrames: '',
      keepFrames: '',
    };
    const t0 = Date.now();
    assert.equal(topFunctions(profile, 0, { focus: '(a+)+$' }).total, 0);
    assert.equal(topFunctions(profile, 0, { focus: '(a+)+!' }).total, 200);
    assert.equal(topFunctions(profile, 0, { hide: '(a|aa)+$', ignore: '^(a|a)*$' }).total, 200);
    assert.equal(buildCallTree(profile, 0).matchedTotal(compileGoRegexp('(.*a){25}$', 'search')), 0);
    assert.ok(Date.now() - t0 < 10_000, `${Date.now() - t0} ms`);
  });
});
