import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapByPackage, mapSourcePath } from '../../../src/pprof/pathMapping';

const modules = [
  { path: 'example.com/leaky-service', dir: '/ws/leaky-service' },
  { path: 'example.com/leaky-service/tools', dir: '/ws/tools' },
];
const files = new Set(['/ws/leaky-service/internal/search/search.go', '/ws/tools/gen.go', '/ws/leaky-service/main.go']);
const exists = (p: string) => files.has(p);

test('a build folder no one has here maps through the frame\'s package', () => {
  const file = '/tmp/leaky/internal/search/search.go';
  assert.equal(typeof mapSourcePath(file, { modules, exists }), 'object', 'the recorded path alone does not map');
  assert.equal(mapByPackage('example.com/leaky-service/internal/search.(*Service).Search.func1', file, { modules, exists }), '/ws/leaky-service/internal/search/search.go');
});

test('the longest module path wins, and the module root package maps to its folder', () => {
  assert.equal(mapByPackage('example.com/leaky-service/tools.Gen', '/b/gen.go', { modules, exists }), '/ws/tools/gen.go');
  assert.equal(mapByPackage('example.com/leaky-service.Run', '/b/main.go', { modules, exists }), '/ws/leaky-service/main.go');
});

test('packages outside the workspace, missing files and non-Go files map to nothing', () => {
  assert.equal(mapByPackage('net/http.(*conn).serve', '/usr/lib/go/src/net/http/server.go', { modules, exists }), undefined);
  assert.equal(mapByPackage('example.com/leaky-service/internal/search.Other', '/tmp/leaky/internal/search/other.go', { modules, exists }), undefined);
  assert.equal(mapByPackage('example.com/leaky-service/internal/search.X', '/tmp/leaky/internal/search/search.s', { modules, exists }), undefined);
  assert.equal(mapByPackage('main.main', '/tmp/leaky/main.go', { modules, exists }), undefined);
});
