import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fixturesDir, scanner } from './harness';

test('handlersOf: routes registered in another package of the module arrive once the importers are read', async () => {
  const s = await scanner();
  const file = path.join(fixturesDir, 'crosspkg', 'api', 'api.go');
  const first = s.handlersOf(file);
  assert.deepEqual(first.handlers.map((h) => h.route), [null, null, null]);
  assert.ok(first.pending > 0);
  assert.equal(s.runPending(Number.POSITIVE_INFINITY), false);
  const { handlers: hs, pending } = s.handlersOf(file);
  assert.equal(pending, 0);
  assert.deepEqual(
    hs.map((h) => [h.symbol, h.route, h.method]),
    [
      ['example.com/fixtures/crosspkg/api.Index', '/', 'GET'],
      ['example.com/fixtures/crosspkg/api.(*Handlers).Show', '/show', null],
      ['example.com/fixtures/crosspkg/api.(*Handlers).Hidden', null, null],
    ],
  );
});

test('handlersOf uses unsaved text over the file on disk and sees saved changes of its package', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'goroscope-handlers-'));
  try {
    writeFileSync(path.join(dir, 'go.mod'), 'module example.com/tmp\n');
    const handlers = path.join(dir, 'handlers.go');
    const routes = path.join(dir, 'routes.go');
    writeFileSync(handlers, 'package tmp\nimport "net/http"\nfunc a(w http.ResponseWriter, r *http.Request) {}\n');
    writeFileSync(routes, 'package tmp\nimport "net/http"\nfunc init() { http.HandleFunc("/a", a) }\n');
    const s = await scanner();
    assert.deepEqual(s.handlersOf(handlers).handlers.map((h) => [h.function, h.line, h.route]), [['a', 3, '/a']]);

    const unsaved = 'package tmp\nimport "net/http"\n\n// moved down a line, renamed\nfunc b(w http.ResponseWriter, r *http.Request) {}\n';
    assert.deepEqual(s.handlersOf(handlers, new Map([[handlers, unsaved]])).handlers.map((h) => [h.function, h.line, h.route]), [['b', 5, null]]);

    writeFileSync(routes, 'package tmp\nimport "net/http"\nfunc init() { http.HandleFunc("/renamed", a) }\n');
    assert.deepEqual(s.handlersOf(handlers).handlers.map((h) => h.route), ['/renamed']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('invalidate: a registration changed in another package is seen once that package is read again', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'goroscope-handlers-'));
  try {
    writeFileSync(path.join(dir, 'go.mod'), 'module example.com/tmp\n');
    mkdirSync(path.join(dir, 'api'));
    const api = path.join(dir, 'api', 'api.go');
    const main = path.join(dir, 'main.go');
    writeFileSync(api, 'package api\nimport "net/http"\nfunc A(w http.ResponseWriter, r *http.Request) {}\n');
    const register = (route: string) => `package main\nimport (\n\t"net/http"\n\t"example.com/tmp/api"\n)\nfunc main() { http.HandleFunc("${route}", api.A) }\n`;
    writeFileSync(main, register('/one'));
    const s = await scanner();
    const routes = () => {
      while (s.runPending(Number.POSITIVE_INFINITY));
      return s.handlersOf(api).handlers.map((h) => h.route);
    };
    s.handlersOf(api);
    assert.deepEqual(routes(), ['/one']);
    writeFileSync(main, register('/two'));
    assert.deepEqual(routes(), ['/one'], 'cached until invalidated');
    s.invalidate([main]);
    s.handlersOf(api);
    assert.deepEqual(routes(), ['/two']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
