import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodePackedProfile } from '../../../src/pprof/decode';
import { resolveSampleIndex } from '../../../src/pprof/sampleTypes';
import { profileTotal, topFunctions } from '../../../src/pprof/top';
import type { ViewFilter } from '../../../src/pprof/model';
import { CAPTURED, fixturePath, goPprofTop, readFixture } from './fixtures';

/** Our flat/cum per function must equal `go tool pprof -top` on the same file and options. */
function assertMatchesPprof(name: string, sampleType?: string, filter: ViewFilter = {}, pprofArgs: string[] = []): void {
  const p = decodePackedProfile(readFixture(name));
  const index = resolveSampleIndex(p, sampleType);
  const unit = p.sampleTypes[index]?.unit ?? '';
  const ours = topFunctions(p, index, filter);
  const args = [...(sampleType ? [`-sample_index=${sampleType}`] : []), ...pprofArgs];
  const ref = goPprofTop(fixturePath(name), unit, args);
  const byName = new Map(ours.rows.map((r) => [r.function, r]));
  assert.equal(byName.size, ours.rows.length, 'function names are unique in these fixtures');
  assert.deepEqual(
    [...byName].map(([fn, r]) => [fn, r.flat, r.cum]).sort(),
    [...ref.rows].map(([fn, r]) => [fn, r.flat, r.cum]).sort(),
    `${name} ${sampleType ?? '(default)'} ${args.join(' ')}`,
  );
  if (ref.rows.size > 0) assert.equal(ours.total, ours.rows.reduce((sum, r) => sum + r.flat, 0));
}

describe('topFunctions: flat and cum as go tool pprof -top computes them', () => {
  for (const name of CAPTURED) {
    test(`${name}, default sample type`, () => assertMatchesPprof(name));
  }

  test('heap, every sample type', () => {
    for (const t of ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']) assertMatchesPprof('heap-2', t);
  });

  test('cpu samples/count', () => assertMatchesPprof('cpu', 'samples'));

  test('rows are sorted by flat descending, then by name', () => {
    const p = decodePackedProfile(readFixture('allocs'));
    const { rows } = topFunctions(p, p.defaultSampleIndex);
    for (let i = 1; i < rows.length; i++) {
      const a = rows[i - 1]!;
      const b = rows[i]!;
      assert.ok(Math.abs(a.flat) > Math.abs(b.flat) || (a.flat === b.flat && a.function <= b.function), `${a.function} before ${b.function}`);
    }
  });

  test('the total is the sum of the sample type over all samples', () => {
    const p = decodePackedProfile(readFixture('heap-2'));
    const t = p.defaultSampleIndex;
    let sum = 0;
    for (let s = 0; s < p.sampleCount; s++) sum += p.values[s * p.sampleTypes.length + t] as number;
    assert.equal(topFunctions(p, t).total, sum);
    assert.equal(profileTotal(p, t), sum);
  });

  test('a recursive function counts once per sample in cum', () => {
    const profile = {
      sampleTypes: [{ type: 'samples', unit: 'count' }],
      defaultSampleIndex: 0,
      periodType: null,
      period: 0,
      timeNanos: 0,
      durationNanos: 0,
      frames: [
        { name: 'main.walk', file: 'w.go', line: 3 },
        { name: 'main.walk', file: 'w.go', line: 5 },
        { name: 'main.main', file: 'm.go', line: 1 },
      ],
      samples: [{ stack: [0, 1, 1, 2], values: [7] }],
      comments: [],
      dropFrames: '',
      keepFrames: '',
    };
    const { rows } = topFunctions(profile, 0);
    assert.deepEqual(rows, [
      { function: 'main.walk', file: 'w.go', flat: 7, cum: 7 },
      { function: 'main.main', file: 'm.go', flat: 0, cum: 7 },
    ]);
  });
});

describe('the first rows only (--top N, the panel)', () => {
  test('are the full table cut at N, ties broken as pprof breaks them, for every N', () => {
    for (const name of CAPTURED) {
      const p = decodePackedProfile(readFixture(name));
      for (let t = 0; t < p.sampleTypes.length; t++) {
        const all = topFunctions(p, t);
        for (const limit of [1, 2, 3, 5, 8, 13, 40, all.rows.length - 1, all.rows.length, all.rows.length + 5]) {
          if (limit < 1) continue;
          const first = topFunctions(p, t, {}, { limit });
          assert.deepEqual(first.rows, all.rows.slice(0, limit), `${name} ${t} limit ${limit}`);
          assert.equal(first.functions, all.rows.length);
          assert.equal(first.total, all.total);
        }
      }
    }
  });
});
