import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodePackedProfile } from '../../../src/pprof/decode';
import { buildCallTree, buildFlameTree } from '../../../src/pprof/flameTree';
import type { FlameNode, Profile } from '../../../src/pprof/model';
import { findFlameNode, flameSubtree, pruneFlameTree } from '../../../src/pprof/prune';
import { topFunctions } from '../../../src/pprof/top';
import { CAPTURED, readFixture } from './fixtures';

function walk(node: FlameNode, visit: (n: FlameNode, parent?: FlameNode) => void, parent?: FlameNode): void {
  visit(node, parent);
  for (const c of node.children) walk(c, visit, node);
}

/** A small hand-made profile: main → a → c, main → b → c, main → a (self). */
const small: Profile = {
  sampleTypes: [{ type: 'samples', unit: 'count' }],
  defaultSampleIndex: 0,
  periodType: null,
  period: 0,
  timeNanos: 0,
  durationNanos: 0,
  frames: [
    { name: 'main.main', file: 'm.go', line: 1 },
    { name: 'main.a', file: 'a.go', line: 2 },
    { name: 'main.b', file: 'b.go', line: 3 },
    { name: 'main.c', file: 'c.go', line: 4 },
  ],
  samples: [
    { stack: [3, 1, 0], values: [5] },
    { stack: [3, 2, 0], values: [3] },
    { stack: [1, 0], values: [2] },
  ],
  comments: [],
  dropFrames: '',
  keepFrames: '',
};

const shape = (n: FlameNode): unknown => ({ name: n.name, total: n.total, self: n.self, children: n.children.map(shape) });

describe('buildFlameTree', () => {
  test('root-first paths with totals and self values', () => {
    assert.deepEqual(shape(buildFlameTree(small, 0)), {
      name: 'root',
      total: 10,
      self: 0,
      children: [
        {
          name: 'main.main',
          total: 10,
          self: 0,
          children: [
            { name: 'main.a', total: 7, self: 2, children: [{ name: 'main.c', total: 5, self: 5, children: [] }] },
            { name: 'main.b', total: 3, self: 0, children: [{ name: 'main.c', total: 3, self: 3, children: [] }] },
          ],
        },
      ],
    });
  });

  test("inverted: a function's callers merged over all its call sites", () => {
    const root = buildFlameTree(small, 0, {}, { inverted: true });
    const c = root.children.find((n) => n.name === 'main.c');
    assert.ok(c);
    assert.equal(c.total, 8, 'main.c is the leaf of 8 samples, from two call sites');
    assert.deepEqual(c.children.map((n) => [n.name, n.total]), [
      ['main.a', 5],
      ['main.b', 3],
    ]);
    assert.deepEqual(root.children.map((n) => [n.name, n.total]), [
      ['main.a', 2],
      ['main.c', 8],
    ]);
  });

  test('on a real heap profile: totals add up and the top level equals flat (inverted) and cum (normal)', () => {
    const p = decodePackedProfile(readFixture('allocs'));
    const t = p.defaultSampleIndex;
    const { total, rows } = topFunctions(p, t);
    const root = buildFlameTree(p, t);
    assert.equal(root.total, total);
    walk(root, (n) => {
      const sum = n.children.reduce((s, c) => s + c.total, 0);
      assert.equal(n.total, n.self + sum, `${n.name}: total = self + children`);
    });
    // Self summed over the tree per function is the function's flat.
    const selfByName = new Map<string, number>();
    walk(root, (n) => selfByName.set(n.name, (selfByName.get(n.name) ?? 0) + n.self));
    for (const r of rows) assert.equal(selfByName.get(r.function) ?? 0, r.flat, r.function);
    const inverted = buildFlameTree(p, t, {}, { inverted: true });
    for (const top of inverted.children) assert.equal(top.total, rows.find((r) => r.function === top.name)?.flat);
  });

  test('filters apply to the tree as to the top table', () => {
    const p = decodePackedProfile(readFixture('heap-2'));
    const root = buildFlameTree(p, p.defaultSampleIndex, { focus: 'sessions' });
    assert.equal(root.total, topFunctions(p, p.defaultSampleIndex, { focus: 'sessions' }).total);
    walk(buildFlameTree(p, p.defaultSampleIndex, { hide: '^runtime\\.' }), (n) => assert.doesNotMatch(n.name, /^runtime\./));
  });

  test('node ids are unique and stable between builds', () => {
    const p = decodePackedProfile(readFixture('allocs'));
    const a = buildFlameTree(p, p.defaultSampleIndex);
    const b = buildFlameTree(p, p.defaultSampleIndex);
    const ids = new Set<number>();
    walk(a, (n) => ids.add(n.id));
    let count = 0;
    walk(a, () => count++);
    assert.equal(ids.size, count);
    assert.deepEqual(a, b);
  });
});

describe('pruning to what can be seen', () => {
  const p = decodePackedProfile(readFixture('allocs'));
  const full = buildFlameTree(p, p.defaultSampleIndex);

  test('nodes below the fraction fold into their parent, which is marked truncated', () => {
    const pruned = pruneFlameTree(full, 0.05);
    const threshold = full.total * 0.05;
    let truncated = 0;
    walk(pruned, (n) => {
      if (n.id !== full.id) assert.ok(Math.abs(n.total) >= threshold, `${n.name} is visible`);
      const original = findFlameNode(full, n.id) as FlameNode;
      const hidden = original.children.filter((c) => !n.children.some((k) => k.id === c.id));
      assert.equal(n.truncated === true, hidden.length > 0, `${n.name} truncated flag`);
      if (n.truncated) {
        truncated++;
        const rest = n.total - n.self - n.children.reduce((s, c) => s + c.total, 0);
        assert.equal(rest, hidden.reduce((s, c) => s + c.total, 0), 'the folded sum is total - self - Σchildren');
      }
    });
    assert.ok(truncated > 0);
    let before = 0;
    let after = 0;
    walk(full, () => before++);
    walk(pruned, () => after++);
    assert.ok(after < before);
  });

  test('zooming: the subtree of a node by id, pruned relative to that node', () => {
    const pruned = pruneFlameTree(full, 0.05);
    const truncatedNode = (() => {
      let found: FlameNode | undefined;
      walk(pruned, (n) => {
        if (!found && n.truncated && n.id !== 0) found = n;
      });
      return found;
    })();
    assert.ok(truncatedNode);
    const zoomed = flameSubtree(full, truncatedNode.id, 0.05) as FlameNode;
    assert.equal(zoomed.id, truncatedNode.id);
    assert.ok(zoomed.children.length > truncatedNode.children.length, 'more detail once zoomed');
    assert.equal(flameSubtree(full, 1e9, 0.05), undefined);
  });

  test('CallTree gives the same pruned view and subtrees without building every node', () => {
    const tree = buildCallTree(p, p.defaultSampleIndex);
    assert.deepEqual(tree.flameNode(0, 0.01), pruneFlameTree(full, 0.01));
    const some = full.children[0]?.children[0] as FlameNode;
    assert.deepEqual(tree.flameNode(some.id, 0.01), pruneFlameTree(some, 0.01));
    assert.deepEqual(tree.pathTo(some.id), [0, full.children[0]?.id, some.id]);
    assert.equal(tree.flameNode(-1, 0), undefined);
  });
});

describe("the tree's own top table", () => {
  test('equals topFunctions for every captured profile, sample type, filter, inversion and base', () => {
    const heap1 = decodePackedProfile(readFixture('heap-1'));
    for (const name of CAPTURED) {
      const p = decodePackedProfile(readFixture(name));
      for (let t = 0; t < p.sampleTypes.length; t++) {
        for (const filter of [{}, { focus: 'main|sessions' }, { hide: '^runtime\\.' }, { ignore: 'runtime' }]) {
          for (const inverted of [false, true]) {
            assert.deepEqual(buildCallTree(p, t, filter, { inverted }).topFunctions(), topFunctions(p, t, filter), `${name} ${t} ${JSON.stringify(filter)} ${inverted}`);
          }
          if (name.startsWith('heap')) {
            assert.deepEqual(buildCallTree(p, t, filter, { base: heap1 }).topFunctions(), topFunctions(p, t, filter, { base: heap1 }), `${name} ${t} diff`);
          }
        }
      }
    }
  });
});
