// Goroscope's own requests (src/protocol/lsp.ts) against the real server over stdio, as any LSP client sends them.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { FileChangeType, ResponseError } from 'vscode-languageserver-protocol/node';
import { findingsRequest, handlersChangedNotification, handlersRequest } from '../../src/protocol/lsp';
import { copyFixtureModule, positionOf } from './fixtureWorkspace';
import { LspSession, REPO_ROOT, uriOf } from './lspSession';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startInFixture() {
  const ws = copyFixtureModule();
  cleanups.push(ws.dispose);
  const lsp = await LspSession.start({ workspaceFolder: ws.dir });
  cleanups.push(() => lsp.stop());
  await lsp.logMessage((l) => /indexed \d+ Go files/.test(l.message), 30_000);
  return { ws, lsp };
}

const ROUTES = `package serverfixture

import "net/http"

func health(w http.ResponseWriter, r *http.Request) {}

func routes(mux *http.ServeMux) {
\tmux.HandleFunc("GET /health", health)
}
`;

describe('goroscope/handlers', () => {
  test('answers for an open document as the editor has it, unsaved text included', async () => {
    const { ws, lsp } = await startInFixture();
    const file = ws.file('routes.go'); // not on disk: only the editor has it
    await lsp.open(file, ROUTES);
    const { handlers } = await lsp.connection.sendRequest(handlersRequest.type, { textDocument: { uri: uriOf(file) } });
    assert.deepEqual(
      handlers.map((h) => [h.function, h.method, h.route, h.line]),
      [['health', 'GET', '/health', positionOf(ROUTES, 'func health').line + 1]],
    );

    // An unsaved edit renames the route.
    const at = positionOf(ROUTES, '/health"');
    await lsp.change(file, [{ range: { start: at, end: { line: at.line, character: at.character + '/health'.length } }, text: '/healthz' }]);
    const after = await lsp.connection.sendRequest(handlersRequest.type, { textDocument: { uri: uriOf(file) } });
    assert.deepEqual(after.handlers.map((h) => h.route), ['/healthz']);
  });

  test('a watched-file change tells the client that handlers may have changed', async () => {
    const { ws, lsp } = await startInFixture();
    const changed = new Promise<void>((resolve) => lsp.connection.onNotification(handlersChangedNotification, resolve));
    writeFileSync(ws.file('routes.go'), ROUTES);
    await lsp.filesChanged([{ uri: uriOf(ws.file('routes.go')), type: FileChangeType.Created }]);
    await changed;
    const { handlers } = await lsp.connection.sendRequest(handlersRequest.type, { textDocument: { uri: uriOf(ws.file('routes.go')) } });
    assert.deepEqual(handlers.map((h) => h.route), ['/health']);
  });

  test('routes registered in another package arrive after the background reading, announced by handlersChanged', { timeout: 60_000 }, async () => {
    const leaky = path.join(REPO_ROOT, 'examples', 'leaky-service');
    const lsp = await LspSession.start({ workspaceFolder: leaky });
    cleanups.push(() => lsp.stop());
    const changed = new Promise<void>((resolve) => lsp.connection.onNotification(handlersChangedNotification, resolve));
    const file = path.join(leaky, 'internal', 'api', 'primes.go');
    const unsaved = readFileSync(file, 'utf8').replace('func handlePrimes(', '\n\nfunc handlePrimes(');
    await lsp.open(file, unsaved);
    const ask = () => lsp.connection.sendRequest(handlersRequest.type, { textDocument: { uri: uriOf(file) } });
    const first = await ask();
    assert.deepEqual(first.handlers.map((h) => [h.function, h.symbol, h.line]), [['handlePrimes', 'example.com/leaky-service/internal/api.handlePrimes', positionOf(unsaved, 'func handlePrimes(').line + 1]]);
    await changed;
    const { handlers, pending } = await ask();
    assert.equal(pending, 0);
    assert.deepEqual(handlers.map((h) => [h.function, h.route]), [['handlePrimes', '/primes']]);
  });

  test('malformed parameters are refused with a ProtocolError the client can tell apart', async () => {
    const { lsp } = await startInFixture();
    await assert.rejects(lsp.connection.sendRequest(handlersRequest.type, { textDocument: { uri: 42 } } as never), (err: unknown) => {
      assert.ok(err instanceof ResponseError);
      assert.match(err.message, /malformed goroscope\/handlers request: bad field "textDocument.uri"/);
      assert.equal((err.data as { name?: string }).name, 'ProtocolError');
      return true;
    });
    assert.ok(lsp.isAlive());
  });
});

describe('goroscope/findings', () => {
  test('files not open are linted from disk, an open one as the editor has it; settings apply', async () => {
    const { ws, lsp } = await startInFixture();
    // ontype.go on disk has no finding; open, with `defer ` typed in, it has one.
    const ontype = ws.file('ontype.go');
    const text = ws.read('ontype.go');
    const at = positionOf(text, 'f.Close()');
    await lsp.open(ontype, text);
    await lsp.change(ontype, [{ range: { start: at, end: at }, text: 'defer ' }]);
    const result = await lsp.connection.sendRequest(findingsRequest.type, { files: [ws.file('leaky.go'), ontype, ws.file('clean.go'), ws.file('go.mod')] });
    const byFile = new Map(result.files.map((f) => [f.file, f]));
    assert.deepEqual(byFile.get(ws.file('leaky.go'))?.findings.map((f) => f.rule), ['defer-in-loop']);
    assert.deepEqual(byFile.get(ontype)?.findings.map((f) => [f.rule, f.range.start]), [['defer-in-loop', at]]);
    assert.deepEqual(byFile.get(ws.file('clean.go'))?.findings, []);
    assert.match(byFile.get(ws.file('go.mod'))?.error ?? '', /not a Go file/);

    lsp.settings.disabledRules = ['defer-in-loop'];
    await lsp.changeSettings({});
    const disabled = await lsp.connection.sendRequest(findingsRequest.type, { files: [ws.file('leaky.go')] });
    assert.deepEqual(disabled.files[0]?.findings, []);
  });

  test('a file that cannot be read gets its own error, the others their findings', async () => {
    const { ws, lsp } = await startInFixture();
    const result = await lsp.connection.sendRequest(findingsRequest.type, { files: [ws.file('gone.go'), ws.file('leaky.go')] });
    const byFile = new Map(result.files.map((f) => [f.file, f]));
    assert.match(byFile.get(ws.file('gone.go'))?.error ?? '', /cannot read .*gone\.go: no such file/);
    assert.equal(byFile.get(ws.file('leaky.go'))?.findings.length, 1);
  });
});
