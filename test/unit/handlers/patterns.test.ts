import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMuxPattern } from '../../../src/handlers/registrations';
import { joinPrefix } from '../../../src/handlers/routers';

test('Go 1.22 patterns: method, host and {$} are not part of the route', () => {
  assert.deepEqual(parseMuxPattern('/items/'), { method: null, path: '/items/' });
  assert.deepEqual(parseMuxPattern('GET /items/{id}'), { method: 'GET', path: '/items/{id}' });
  assert.deepEqual(parseMuxPattern('POST\texample.com/upload'), { method: 'POST', path: '/upload' });
  assert.deepEqual(parseMuxPattern('example.com/'), { method: null, path: '/' });
  assert.deepEqual(parseMuxPattern('GET /{$}'), { method: 'GET', path: '/' });
});

test('prefixes join with one slash; an unknown part makes the route unknown', () => {
  assert.equal(joinPrefix('/api', '/users'), '/api/users');
  assert.equal(joinPrefix('/api/', '/users'), '/api/users');
  assert.equal(joinPrefix('/api', 'users'), '/api/users');
  assert.equal(joinPrefix('', '/x'), '/x');
  assert.equal(joinPrefix('/x', ''), '/x');
  assert.equal(joinPrefix(undefined, '/x'), undefined);
  assert.equal(joinPrefix('/x', undefined), undefined);
});
