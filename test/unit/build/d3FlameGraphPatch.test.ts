/**
 * scripts/d3FlameGraphPatch.mjs: every replacement applies to the installed d3-flame-graph exactly once,
 * and a source it does not fit fails the build with a message instead of drawing wrongly. What the patch
 * does in the page is tested in test/browser/flameGraph.test.ts (labels, zoom by click, hover tooltip).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { transformSync } from 'esbuild';
// @ts-expect-error: a build script (ES module without types)
import { patchFlameGraph, REPLACEMENTS } from '../../../scripts/d3FlameGraphPatch.mjs';

const source = readFileSync(require.resolve('d3-flame-graph/src/flamegraph.js'), 'utf8');
const patch = patchFlameGraph as (source: string) => string;
const replacements = REPLACEMENTS as Array<[string, string]>;

describe('d3-flame-graph patch', () => {
  it('applies each replacement to d3-flame-graph 4.1.3', () => {
    const version = (JSON.parse(readFileSync(require.resolve('d3-flame-graph/package.json'), 'utf8')) as { version: string }).version;
    assert.equal(version, '4.1.3', 'a new d3-flame-graph: check the patch still means what it says');
    const patched = patch(source);
    for (const [from, to] of replacements) {
      assert.equal(patched.includes(from), false);
      assert.equal(patched.split(to).length, 2);
    }
    // Label elements are made for wide frames only, in update, never on enter.
    assert.doesNotMatch(patched, /node\.append\('foreignObject'\)/);
    assert.match(patched, /width\(d\) >= 35 && this\.querySelector\('foreignObject'\) === null/);
    // A one-parameter colour mapper (FlameView's) is called as it is, not after d3-flame-graph's own colour.
    assert.match(patched, /colorMapper = _\.length < 2 \? _ : \(d\) => _\(d, originalColorMapper\(d\)\)/);
    // A frame's place is its rect's and label's x and y: no transform on any element.
    assert.doesNotMatch(patched, /\.attr\('transform'/);
    assert.equal(patched.match(/\.attr\('x', frameX\)/g)?.length, 4, 'rect and label in update, rect on enter, label on creation');
    // Click and hover: listened to on the svg, none per frame.
    assert.doesNotMatch(patched, /\bg\.on\('(click|mouseover|mouseout)'/);
    assert.match(patched, /svg\.on\('click', function \(event\)/);
    // Still a valid module (esbuild parses it as the bundle would).
    assert.doesNotThrow(() => transformSync(patched, { loader: 'js', format: 'esm' }));
  });

  it('fails, naming the replacement, when the source does not fit', () => {
    assert.throws(() => patch(source.replace("node.append('foreignObject')", "node.append('foreignobject')")), /patch 4 of 8 does not apply/);
    const [first] = replacements[0] as [string, string];
    assert.throws(() => patch(source + first), /patch 1 of 8 does not apply/, 'twice is as wrong as never');
  });
});
