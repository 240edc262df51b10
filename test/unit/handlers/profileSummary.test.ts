import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileGoRegexp } from '../../../src/pprof/goRegexp';
import { costSummary, focusPattern, formatShare, hottestCallees, labelFilter, routeLabel } from '../../../src/handlers/profileSummary';

describe('focusPattern', () => {
  test('matches the handler and nothing that merely contains its name', () => {
    const re = compileGoRegexp(focusPattern('example.com/leaky-service/internal/api.(*Server).handleSearch'), 'focus');
    assert.ok(re.test('example.com/leaky-service/internal/api.(*Server).handleSearch'));
    assert.ok(!re.test('example.com/leaky-service/internal/api.(*Server).handleSearch.func1'));
    assert.ok(!re.test('example.com/leaky-service/internal/api.Server.handleSearch'));
  });
  test('a symbol without its package path matches the qualified name', () => {
    const re = compileGoRegexp(focusPattern('api.handlePrimes'), 'focus');
    assert.ok(re.test('example.com/leaky-service/internal/api.handlePrimes'));
    assert.ok(!re.test('example.com/other.myapi.handlePrimesX'));
  });
});

describe('routeLabel', () => {
  test('the demo service labels route=<pattern>', () => {
    assert.deepEqual(routeLabel({ route: ['/primes', '/search'] }, '/primes', null), { key: 'route', value: '/primes' });
  });
  test('a Go 1.22 pattern label matches a route of the same path and method', () => {
    assert.deepEqual(routeLabel({ handler: ['GET /items/{id}'] }, '/items/{id}', 'GET'), { key: 'handler', value: 'GET /items/{id}' });
    assert.equal(routeLabel({ handler: ['POST /items/{id}'] }, '/items/{id}', 'GET'), undefined);
  });
  test('no route or no matching value: no label', () => {
    assert.equal(routeLabel({ route: ['/primes'] }, null, null), undefined);
    assert.equal(routeLabel({ route: ['/primes'] }, '/prime', null), undefined);
  });
  test('the label filter matches the value literally', () => {
    assert.equal(labelFilter({ key: 'route', value: '/a.b/{id}' }), 'route=^/a\\.b/\\{id\\}$');
  });
});

describe('costSummary and hottest callees', () => {
  test('CPU share and allocation rate on one line', () => {
    assert.equal(costSummary({ cpuShare: 0.2312, allocBytesPerSecond: 1.2 * 1024 * 1024 }), 'CPU 23% · 1.2 MB/s allocated');
    assert.equal(costSummary({ cpuShare: 0.004 }), 'CPU 0.4%');
    assert.equal(costSummary({}), 'no samples');
    assert.equal(formatShare(0), '0%');
  });
  test('hottest callees by flat, zero flats left out', () => {
    const rows = [
      { function: 'a', file: '', flat: 0, cum: 100 },
      { function: 'b', file: '', flat: 30, cum: 30 },
      { function: 'c', file: '', flat: 50, cum: 60 },
    ];
    assert.deepEqual(hottestCallees(rows, 5).map((r) => r.function), ['c', 'b']);
    assert.deepEqual(hottestCallees(rows, 1).map((r) => r.function), ['c']);
  });
});
