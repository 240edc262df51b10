import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodePackedProfile } from '../../../src/pprof/decode';
import { diffProfiles } from '../../../src/pprof/diff';
import { ProfileError } from '../../../src/pprof/errors';
import { buildFlameTree } from '../../../src/pprof/flameTree';
import type { FlameNode } from '../../../src/pprof/model';
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

  test('a base without the sample type is a ProfileError', () => {
    const cpu = decodePackedProfile(readFixture('cpu'));
    assert.throws(() => topFunctions(newer, inuse, {}, { base: cpu }), (err: Error) => err instanceof ProfileError && /base profile has no sample type "inuse_space"/.test(err.message));
  });
});
