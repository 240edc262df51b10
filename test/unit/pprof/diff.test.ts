import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodePackedProfile } from '../../../src/pprof/decode';
import { diffProfiles } from '../../../src/pprof/diff';
import { ProfileError } from '../../../src/pprof/errors';
import { buildFlameTree } from '../../../src/pprof/flameTree';
import type { FlameNode, Profile } from '../../../src/pprof/model';
import { topFunctions } from '../../../src/pprof/top';
import { fixturePath, goPprofTop, readFixture } from './fixtures';

const CREATE = 'example.com/leaky-service/internal/sessions.(*Store).Create';

describe('diff against a base (pprof -diff_base)', () => {
  const older = decodePackedProfile(readFixture('heap-1'));
  const newer = decodePackedProfile(readFixture('heap-2'));
  const inuse = newer.defaultSampleIndex;

  test('flat and cum are the new values minus the base values, as pprof -diff_base reports', () => {
    const ours = topFunctions(newer, inuse, {}, { base: older });
    const ref = goPprofTop(fixturePath('heap-2'), 'bytes', [`-diff_base=${fixturePath('heap-1')}`]);
    assert.deepEqual(
      ours.rows.map((r) => [r.function, r.flat, r.cum]).sort(),
      [...ref.rows].map(([fn, r]) => [fn, r.flat, r.cum]).sort(),
    );
  });

  test('the growing session cache shows as growth between the two heap snapshots', () => {
    const summary = diffProfiles(newer, older, inuse);
    assert.equal(summary.sampleType.type, 'inuse_space');
    const create = summary.grew.find((r) => r.function === CREATE);
    assert.ok(create && create.flat > 0, 'sessions.(*Store).Create grew');
    assert.equal(summary.growth + summary.shrinkage, summary.delta);
    assert.equal(summary.delta, topFunctions(newer, inuse).total - topFunctions(older, inuse).total);
    for (const r of summary.shrank) assert.ok(r.flat < 0);
  });

  test('in the tree, delta = total minus the base for the same path; shrunk paths keep their negative delta', () => {
    const root = buildFlameTree(newer, inuse, {}, { base: older });
    const baseRoot = buildFlameTree(older, inuse);
    assert.equal(root.delta, root.total - baseRoot.total);
    const find = (node: FlameNode, name: string): FlameNode | undefined =>
      node.name === name ? node : node.children.map((c) => find(c, name)).find((n) => n !== undefined);
    const create = find(root, CREATE);
    assert.ok(create && (create.delta ?? 0) > 0);
    // Every node's children account for its delta (self changes aside): sums are consistent.
    const check = (node: FlameNode): void => {
      assert.ok(node.delta !== undefined);
      for (const c of node.children) check(c);
    };
    check(root);
  });

  test('grew and shrank: every function whose flat value rose or fell, largest change first, none unchanged', () => {
    // main calls each of them; its own flat never changes. grows2 and grows9 grew, shrinks3 and shrinks8
    // shrank, same did not change; only the base has gone.
    const frames = ['main.main', 'main.grows2', 'main.grows9', 'main.shrinks3', 'main.shrinks8', 'main.same', 'main.gone'].map((name, i) => ({ name, file: '/src/main.go', line: i + 1 }));
    const heap = (values: Record<string, number>): Profile => ({
      sampleTypes: [{ type: 'inuse_space', unit: 'bytes' }],
      defaultSampleIndex: 0,
      periodType: null,
      period: 0,
      timeNanos: 0,
      durationNanos: 0,
      frames,
      samples: Object.entries(values).map(([name, v]) => ({ stack: [frames.findIndex((f) => f.name === name), 0], values: [v] })),
      comments: [],
      dropFrames: '',
      keepFrames: '',
    });
    const base = heap({ 'main.grows2': 10, 'main.grows9': 10, 'main.shrinks3': 10, 'main.shrinks8': 10, 'main.same': 10, 'main.gone': 1 });
    const now = heap({ 'main.grows2': 12, 'main.grows9': 19, 'main.shrinks3': 7, 'main.shrinks8': 2, 'main.same': 10 });
    const summary = diffProfiles(now, base, 0);
    const flat = (rows: { function: string; flat: number }[]) => rows.map((r) => [r.function, r.flat]);
    assert.deepEqual(flat(summary.grew), [['main.grows9', 9], ['main.grows2', 2]]);
    assert.deepEqual(flat(summary.shrank), [['main.shrinks8', -8], ['main.shrinks3', -3], ['main.gone', -1]]);
    assert.equal(summary.growth, 11);
    assert.equal(summary.shrinkage, -12);
    assert.equal(summary.delta, -1);
    assert.deepEqual(summary.sampleType, { type: 'inuse_space', unit: 'bytes' });
    const focused = diffProfiles(now, base, 0, { focus: 'grows|gone' });
    assert.deepEqual(flat(focused.grew), [['main.grows9', 9], ['main.grows2', 2]]);
    assert.deepEqual(flat(focused.shrank), [['main.gone', -1]], 'the filter applies');
  });

  test('a base without the sample type is a ProfileError', () => {
    const cpu = decodePackedProfile(readFixture('cpu'));
    assert.throws(() => topFunctions(newer, inuse, {}, { base: cpu }), (err: Error) => err instanceof ProfileError && /base profile has no sample type "inuse_space"/.test(err.message));
  });
});
