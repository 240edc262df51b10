import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CodeActionRequest, MessageType } from 'vscode-languageserver-protocol/node';
import { goSrc } from '../goToolchain';
import { LspSession, uriOf } from './lspSession';

const GO_SRC = goSrc();
const BATCH = 48;

/** Every .go file under GOROOT/src, testdata and vendor included: odd code is the point. */
function allGoFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.go'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

test("the server answers every .go file of Go's standard library and stays up", { timeout: 300_000 }, async (t) => {
  assert.ok(existsSync(GO_SRC), `${GO_SRC} is missing`);
  const files = allGoFiles(`${GO_SRC}/`);
  assert.ok(files.length > 4000, `only ${files.length} Go files under ${GO_SRC}`);
  const lsp = await LspSession.start();
  try {
    const started = performance.now();
    let answered = 0;
    let withFindings = 0;
    for (let i = 0; i < files.length; i += BATCH) {
      const batch = files.slice(i, i + BATCH);
      const published = batch.map((file) => lsp.nextDiagnostics(uriOf(file), 60_000, (p) => p.version === 1));
      for (const file of batch) await lsp.open(file, readFileSync(file, 'utf8'));
      for (const outcome of await Promise.allSettled(published)) {
        if (outcome.status === 'rejected') throw outcome.reason;
        answered++;
        if (outcome.value.diagnostics.length > 0) withFindings++;
      }
      for (const file of batch) await lsp.close(file);
    }
    const seconds = (performance.now() - started) / 1000;
    const failures = lsp.logs.filter((l) => l.type === MessageType.Error);
    t.diagnostic(`${answered} files answered in ${seconds.toFixed(1)} s; ${withFindings} with findings; ${failures.length} logged failures`);
    console.log(`stdlib: ${answered} files in ${seconds.toFixed(1)} s, ${withFindings} with findings, ${failures.length} logged failures`);
    assert.equal(answered, files.length);
    assert.ok(lsp.isAlive(), `server exited: ${lsp.exitCode}\n${lsp.stderr}`);
    // Still answering requests after all of it.
    const actions = await lsp.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uriOf(files[0]!) },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [] },
    });
    assert.deepEqual(actions, []);
    assert.deepEqual(
      failures.slice(0, 5).map((l) => l.message.split('\n')[0]),
      [],
      'a rule or the parser failed on standard-library code',
    );
  } finally {
    await lsp.stop();
  }
});
