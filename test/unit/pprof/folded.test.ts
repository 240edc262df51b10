import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodePackedProfile } from '../../../src/pprof/decode';
import { foldedStacks } from '../../../src/pprof/folded';
import { topFunctions } from '../../../src/pprof/top';
import { readFixture } from './fixtures';

describe('foldedStacks (Brendan Gregg format)', () => {
  test('root;…;leaf value lines whose values add up to the total, one line per distinct stack', () => {
    const p = decodePackedProfile(readFixture('allocs'));
    const text = foldedStacks(p, p.defaultSampleIndex);
    const lines = text.trimEnd().split('\n');
    let sum = 0;
    const stacks = new Set<string>();
    for (const line of lines) {
      const m = /^(.+) (-?\d+)$/.exec(line);
      assert.ok(m, line);
      sum += Number(m[2]);
      assert.ok(!stacks.has(m[1] as string), 'no duplicate stacks');
      stacks.add(m[1] as string);
    }
    assert.equal(sum, topFunctions(p, p.defaultSampleIndex).total);
    assert.ok(lines.some((l) => /^runtime\.main;.*sessions\.\(\*Store\)\.Create \d+$/.test(l) || /sessions\.\(\*Store\)\.Create \d+$/.test(l)));
    assert.ok([...stacks].every((s) => !s.startsWith(';')));
  });

  test('leaf is last: the same stacks as the tree, root first', () => {
    const p = decodePackedProfile(readFixture('hostile'));
    assert.equal(
      foldedStacks(p, 1),
      [
        'main.main;<script>alert("name")</script> 3000',
        'main.main;main.&lt_b&gt_not-bold&amp_ 1000',
        'main.main;main.&lt_b&gt_not-bold&amp_;main.<img src=x onerror=alert(1)> 2000',
        '',
      ].join('\n'),
    );
  });

  test('filters apply', () => {
    const p = decodePackedProfile(readFixture('heap-2'));
    const text = foldedStacks(p, p.defaultSampleIndex, { focus: 'sessions' });
    assert.ok(text.length > 0);
    for (const line of text.trimEnd().split('\n')) assert.match(line, /sessions/);
  });
});
