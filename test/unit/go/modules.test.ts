import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ModuleResolver, readGoFiles } from '../../../src/go/modules';

const root = mkdtempSync(path.join(os.tmpdir(), 'goroscope-modules-'));
after(() => rmSync(root, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return path.dirname(file);
}

// A repository of several modules, as etcd's: server replaces client with its local copy; a go.work
// above ties in a third; tools has a nested module of its own.
write('repo/server/go.mod', `module example.com/repo/server

go 1.22

require example.com/repo/client/v3 v3.6.0 // indirect

replace (
	example.com/repo/client/v3 => ../client/v3 // the local copy
	example.com/remote => example.com/fork v1.0.0
)
replace example.com/repo/api v0.1.0 => "../api"
`);
write('repo/server/internal/store/store.go', 'package store\n');
write('repo/client/v3/go.mod', 'module example.com/repo/client/v3\n');
write('repo/client/v3/concurrency/c.go', 'package concurrency\n');
write('repo/api/go.mod', 'module example.com/repo/api\n');
write('repo/api/v1/types.go', 'package v1\n');
write('repo/go.work', 'go 1.22\n\nuse (\n\t./server\n\t./client/v3\n\t"./tools" // quoted\n)\n');
write('repo/tools/go.mod', 'module example.com/tools\n');
write('repo/tools/lint/lint.go', 'package lint\n');
write('repo/tools/lint/lint_test.go', 'package lint\n');
const from = path.join(root, 'repo/server/internal/store');

test('an import of the module itself resolves under its go.mod', () => {
  const r = new ModuleResolver();
  assert.equal(r.resolveImport(from, 'example.com/repo/server/internal/store'), from);
  assert.equal(r.resolveImport(from, 'example.com/repo/server'), path.join(root, 'repo/server'));
  assert.equal(r.resolveImport(from, 'example.com/repo/server/missing'), undefined, 'a directory that is not there');
});

test('replace directives to local directories (block and single line, quoted, with versions) are followed', () => {
  const r = new ModuleResolver();
  assert.equal(r.resolveImport(from, 'example.com/repo/client/v3/concurrency'), path.join(root, 'repo/client/v3/concurrency'));
  assert.equal(r.resolveImport(from, 'example.com/repo/api/v1'), path.join(root, 'repo/api/v1'));
  assert.equal(r.resolveImport(from, 'example.com/remote/x'), undefined, 'a replace by another module version is not the workspace');
});

test("the go.work's modules resolve, the longest module path winning", () => {
  const r = new ModuleResolver();
  assert.equal(r.resolveImport(from, 'example.com/tools/lint'), path.join(root, 'repo/tools/lint'));
  // example.com/repo/client/v3 is longer than any module path prefixing it: it is not looked up under server.
  assert.equal(r.resolveImport(path.join(root, 'repo/tools/lint'), 'example.com/repo/client/v3/concurrency'), path.join(root, 'repo/client/v3/concurrency'));
});

test('outside any module, or an import of the standard library: nothing', () => {
  const r = new ModuleResolver();
  assert.equal(r.resolveImport(from, 'net/http'), undefined);
  assert.equal(r.resolveImport(os.tmpdir(), 'example.com/repo/server'), undefined);
});

test("readGoFiles reads a package's .go files without its tests", () => {
  assert.deepEqual(readGoFiles(path.join(root, 'repo/tools/lint')).map((f) => path.basename(f.file)), ['lint.go']);
  assert.deepEqual(readGoFiles(path.join(root, 'nowhere')), []);
});

test('a package directory created after a lookup that missed it is found then', () => {
  const r = new ModuleResolver();
  assert.equal(r.resolveImport(from, 'example.com/repo/server/later'), undefined);
  write('repo/server/later/later.go', 'package later\n');
  assert.equal(r.resolveImport(from, 'example.com/repo/server/later'), path.join(root, 'repo/server/later'));
});
