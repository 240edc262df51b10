import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodePackedProfile } from '../../../src/pprof/decode';
import { ProfileError } from '../../../src/pprof/errors';
import { compileTagFilter, forEachStack, viewProfile } from '../../../src/pprof/filter';
import type { ViewFilter } from '../../../src/pprof/model';
import { packProfile } from '../../../src/pprof/packed';
import { topFunctions } from '../../../src/pprof/top';
import { fixturePath, goPprofTop, readFixture } from './fixtures';

function assertSameAsPprof(name: string, filter: ViewFilter, pprofArgs: string[]): void {
  const p = decodePackedProfile(readFixture(name));
  const ours = topFunctions(p, p.defaultSampleIndex, filter);
  const ref = goPprofTop(fixturePath(name), p.sampleTypes[p.defaultSampleIndex]?.unit ?? '', pprofArgs);
  assert.deepEqual(
    ours.rows.map((r) => [r.function, r.flat, r.cum]).sort(),
    [...ref.rows].map(([fn, r]) => [fn, r.flat, r.cum]).sort(),
    `${name} ${pprofArgs.join(' ')}`,
  );
  assert.ok(ours.rows.length > 0, 'the filter keeps something, so the comparison means something');
}

describe("focus / ignore / hide with pprof's meaning", () => {
  test('focus keeps samples with a matching frame (function name)', () =>
    assertSameAsPprof('heap-2', { focus: 'catalog' }, ['-focus=catalog']));

  test('focus also matches file names', () => assertSameAsPprof('allocs', { focus: 'pages\\.go' }, ['-focus=pages\\.go']));

  test('ignore drops samples with a matching frame', () => assertSameAsPprof('heap-2', { ignore: 'runtime\\.main' }, ['-ignore=runtime\\.main']));

  test('focus and ignore together: ignore wins', () =>
    assertSameAsPprof('allocs', { focus: 'leaky-service', ignore: 'sessions' }, ['-focus=leaky-service', '-ignore=sessions']));

  test('hide removes frames, inlined ones included, and keeps the samples', () => {
    assertSameAsPprof('heap-2', { hide: 'bytes\\.' }, ['-hide=bytes\\.']);
    assertSameAsPprof('cpu', { hide: '^runtime\\.' }, ['-hide=^runtime\\.']);
  });

  test('hide does not change the total unless whole stacks vanish', () => {
    const p = decodePackedProfile(readFixture('allocs'));
    const all = topFunctions(p, p.defaultSampleIndex).total;
    assert.equal(topFunctions(p, p.defaultSampleIndex, { hide: 'catalog' }).total, all);
    assert.ok(!topFunctions(p, p.defaultSampleIndex, { hide: 'catalog' }).rows.some((r) => r.function.includes('catalog')));
    assert.ok(topFunctions(p, p.defaultSampleIndex, { hide: '.' }).total === 0);
  });

  test('focus on a goroutine profile', () => assertSameAsPprof('goroutine', { focus: 'leaky-service' }, ['-focus=leaky-service']));

  test('a bad regular expression is a ProfileError naming the flag', () => {
    const p = decodePackedProfile(readFixture('heap-2'));
    assert.throws(() => viewProfile(p, 0, { focus: 'main.(' }), (err: Error) => err instanceof ProfileError && /^focus: invalid regular expression "main\.\(/.test(err.message));
  });

});

describe('tagFocus (pprof -tagfocus)', () => {
  const profile = packProfile({
    sampleTypes: [{ type: 'space', unit: 'bytes' }],
    defaultSampleIndex: 0,
    periodType: null,
    period: 0,
    timeNanos: 0,
    durationNanos: 0,
    frames: [{ name: 'main.f', file: 'f.go', line: 1 }],
    samples: [
      { stack: [0], values: [1], labels: { handler: ['/users'] }, numLabels: { bytes: [64] } },
      { stack: [0], values: [10], labels: { handler: ['/orders'] }, numLabels: { bytes: [4096] } },
      { stack: [0], values: [100] },
    ],
    comments: [],
    dropFrames: '',
    keepFrames: '',
  });
  const kept = (tagFocus: string): number[] => {
    const out: number[] = [];
    forEachStack(viewProfile(profile, 0, { tagFocus }), (_f, _d, value) => out.push(value));
    return out;
  };
  test('key=regexp on string labels', () => {
    assert.deepEqual(kept('handler=/users'), [1]);
    assert.deepEqual(kept('handler=^/(users|orders)$'), [1, 10]);
    assert.deepEqual(kept('handler=/users,/orders'), [1, 10]);
    assert.deepEqual(kept('other=/users'), []);
  });
  test('a bare regexp matches any label value', () => assert.deepEqual(kept('orders'), [10]));
  test('key=low:high on numeric labels, with units', () => {
    assert.deepEqual(kept('bytes=1kb:'), [10]);
    assert.deepEqual(kept('bytes=:1kb'), [1]);
    assert.deepEqual(kept('bytes=64'), [1]);
    assert.deepEqual(kept('bytes=0:8kb'), [1, 10]);
  });
  test('a bad range is a ProfileError', () => assert.throws(() => compileTagFilter('bytes=1zz:2'), ProfileError));
});
