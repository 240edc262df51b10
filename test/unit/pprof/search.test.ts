import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileSearch, searchPattern } from '../../../src/pprof/search';

describe('search terms', () => {
  it('are Go regexps matched case-insensitively', () => {
    assert.equal(searchPattern('cache\\.(Put|Get)'), '(?i)cache\\.(Put|Get)');
    assert.ok(compileSearch('CACHE\\.put')?.test('example.com/svc/cache.Put'));
    assert.equal(compileSearch(''), undefined);
  });

  it('are taken literally when they are not a valid regexp', () => {
    const re = compileSearch('(*Server');
    assert.ok(re?.test('main.(*Server).handle'));
    assert.equal(re?.test('main.Server'), false);
  });
});
