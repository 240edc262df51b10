// goroscope/testsOfFile over stdio: the request declared in src/protocol/lsp.ts, answered by the real
// server from the open document's text (unsaved edits included) or from disk.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { testsOfFileRequest } from '../../src/protocol/lsp';
import { LspSession, uriOf } from './lspSession';

const dir = mkdtempSync(path.join(os.tmpdir(), 'goroscope-tests-of-file-'));
let lsp: LspSession;
before(async () => {
  writeFileSync(path.join(dir, 'go.mod'), 'module example.com/p\n\ngo 1.22\n');
  lsp = await LspSession.start({ workspaceFolder: dir });
});
after(async () => {
  await lsp.stop();
  rmSync(dir, { recursive: true, force: true });
});

const ask = (file: string) => lsp.connection.sendRequest(testsOfFileRequest.type, { textDocument: { uri: uriOf(file) } });

describe('goroscope/testsOfFile', () => {
  test('a test file on disk: its tests, benchmarks and literal subtests', async () => {
    const file = path.join(dir, 'disk_test.go');
    writeFileSync(file, 'package p\n\nimport "testing"\n\nfunc TestA(t *testing.T) {\n\tt.Run("one two", func(t *testing.T) {})\n}\n\nfunc BenchmarkB(b *testing.B) {}\n');
    const { tests } = await ask(file);
    assert.deepEqual(tests, [
      { kind: 'test', path: ['TestA'], line: 4, character: 0, endLine: 6 },
      { kind: 'test', path: ['TestA', 'one two'], line: 5, character: 1, endLine: 5 },
      { kind: 'benchmark', path: ['BenchmarkB'], line: 8, character: 0, endLine: 8 },
    ]);
  });

  test('an open document: what the editor shows, unsaved edits included', async () => {
    const file = path.join(dir, 'open_test.go');
    writeFileSync(file, 'package p\n\nimport "testing"\n\nfunc TestOnDisk(t *testing.T) {}\n');
    await lsp.open(file, 'package p\n\nimport "testing"\n\n\n\nfunc TestInEditor(t *testing.T) {}\n');
    const { tests } = await ask(file);
    assert.deepEqual(tests.map((t) => [t.path.join('/'), t.line]), [['TestInEditor', 6]]);
    await lsp.close(file);
  });

  test('not a test file, or no such file: no tests, no error', async () => {
    const plain = path.join(dir, 'plain.go');
    writeFileSync(plain, 'package p\n\nimport "testing"\n\nfunc TestLooksLikeOne(t *testing.T) {}\n');
    assert.deepEqual(await ask(plain), { tests: [] });
    assert.deepEqual(await ask(path.join(dir, 'gone_test.go')), { tests: [] });
  });

  test('a test file too large to be one: an error answer, and the server goes on', async () => {
    const huge = path.join(dir, 'huge_test.go');
    writeFileSync(huge, `package p\n\nvar x = "${'x'.repeat(5 << 20)}"\n`);
    await assert.rejects(ask(huge), /over 4 MB are not read/);
    assert.equal((await ask(path.join(dir, 'disk_test.go'))).tests.length, 3);
  });
});
