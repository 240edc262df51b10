import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findFunctionLine, modulePathOf } from '../../../src/extension/panel/goSource';

describe('modulePathOf', () => {
  it('reads the module directive, quoted or not, with a trailing comment', () => {
    assert.equal(modulePathOf('module example.com/leaky-service\n\ngo 1.19\n'), 'example.com/leaky-service');
    assert.equal(modulePathOf('// x\nmodule "example.com/q" // quoted\n'), 'example.com/q');
    assert.equal(modulePathOf('go 1.22\n'), undefined);
  });
});

describe('findFunctionLine (a top-table row has a function but no line)', () => {
  const source = ['package cache', '', 'type LRU struct{}', '', 'func New() *LRU { return nil }', '', 'func (c *LRU) Put(k string) {}', 'func Map[K comparable](m map[K]int) {}', ''].join('\n');
  it('finds functions, methods and generic functions', () => {
    assert.equal(findFunctionLine(source, 'example.com/svc/cache.New'), 5);
    assert.equal(findFunctionLine(source, 'example.com/svc/cache.(*LRU).Put'), 7);
    assert.equal(findFunctionLine(source, 'example.com/svc/cache.Map'), 8);
  });
  it('gives up on closures and unknown names', () => {
    assert.equal(findFunctionLine(source, 'example.com/svc/cache.New.func1'), undefined);
    assert.equal(findFunctionLine(source, 'example.com/svc/cache.Missing'), undefined);
  });
});
