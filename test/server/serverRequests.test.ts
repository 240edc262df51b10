/**
 * The extension's end of the custom requests (src/protocol/serverRequests.ts) against the real server over
 * stdio, with the rules of every channel: typed replies, a timeout that also cancels the request on the
 * server, stop and dispose rejecting what is pending (dispose refusing later calls too), and the server's
 * errors keeping their class. A server that cannot answer in time is one stopped with SIGSTOP: a late reply
 * is certain, whatever the machine's speed.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { afterEach, describe, test } from 'node:test';
import { handlersRequest } from '../../src/protocol/lsp';
import { ChannelClosedError, ProtocolError, RequestTimeoutError } from '../../src/protocol/rpc';
import { ServerRequests } from '../../src/protocol/serverRequests';
import { copyFixtureModule } from './fixtureWorkspace';
import { LspSession, uriOf } from './lspSession';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const ROUTES = `package serverfixture

import "net/http"

func health(w http.ResponseWriter, r *http.Request) {}

func routes(mux *http.ServeMux) {
\tmux.HandleFunc("GET /health", health)
}
`;

async function startServer() {
  const ws = copyFixtureModule();
  cleanups.push(ws.dispose);
  writeFileSync(ws.file('routes.go'), ROUTES);
  const lsp = await LspSession.start({ workspaceFolder: ws.dir });
  cleanups.push(() => lsp.stop());
  await lsp.logMessage((l) => /indexed \d+ Go files/.test(l.message), 30_000);
  const requests = new ServerRequests(async () => lsp.connection);
  cleanups.push(() => requests.dispose());
  return { ws, lsp, requests };
}

/** Stops the server process until the returned function continues it (run by the cleanup at the latest). */
function freeze(lsp: LspSession): () => void {
  lsp.child.kill('SIGSTOP');
  let frozen = true;
  const thaw = () => {
    if (frozen) lsp.child.kill('SIGCONT');
    frozen = false;
  };
  cleanups.push(thaw);
  return thaw;
}

describe('ServerRequests against the real language server', () => {
  test('a typed request gets its typed reply', { timeout: 60_000 }, async () => {
    const { ws, requests } = await startServer();
    const reply = await requests.request(handlersRequest, { textDocument: { uri: uriOf(ws.file('routes.go')) } });
    assert.deepEqual(reply.handlers.map((h) => h.function), ['health']);
    assert.equal(requests.pendingCount, 0);
  });

  test('a request the server does not answer in time rejects with RequestTimeoutError; the server hears it cancelled and keeps answering', { timeout: 60_000 }, async () => {
    const { ws, lsp, requests } = await startServer();
    const params = { textDocument: { uri: uriOf(ws.file('routes.go')) } };
    const thaw = freeze(lsp);
    const started = Date.now();
    await assert.rejects(requests.request(handlersRequest, params, 300), (err: unknown) => err instanceof RequestTimeoutError && /did not answer "goroscope\/handlers" within 300 ms/.test(err.message));
    assert.ok(Date.now() - started < 5_000);
    assert.equal(requests.pendingCount, 0);
    thaw();
    // The late reply (or the server's answer to the cancellation) is dropped; the next request is answered.
    const reply = await requests.request(handlersRequest, params);
    assert.deepEqual(reply.handlers.map((h) => h.function), ['health']);
    assert.ok(lsp.isAlive());
  });

  test('the server stopping rejects what is pending with ChannelClosedError; later requests are still sent', { timeout: 60_000 }, async () => {
    const { ws, lsp, requests } = await startServer();
    const params = { textDocument: { uri: uriOf(ws.file('routes.go')) } };
    const thaw = freeze(lsp);
    const pending = requests.request(handlersRequest, params);
    assert.equal(requests.pendingCount, 1);
    requests.rejectPending('the language server was stopped');
    await assert.rejects(pending, (err: unknown) => err instanceof ChannelClosedError && err.message === 'the language server was stopped');
    thaw();
    assert.deepEqual((await requests.request(handlersRequest, params)).handlers.map((h) => h.function), ['health']);
  });

  test('dispose rejects what is pending (a client still starting included) and refuses new calls', { timeout: 60_000 }, async () => {
    const { ws, lsp, requests } = await startServer();
    const params = { textDocument: { uri: uriOf(ws.file('routes.go')) } };
    freeze(lsp);
    const sent = requests.request(handlersRequest, params);
    let connect: (c: typeof lsp.connection) => void = () => {};
    const starting = new ServerRequests(() => new Promise((resolve) => (connect = resolve)));
    const waitingForClient = starting.request(handlersRequest, params);
    requests.dispose();
    starting.dispose();
    await assert.rejects(sent, ChannelClosedError);
    await assert.rejects(waitingForClient, ChannelClosedError);
    connect(lsp.connection);
    await assert.rejects(requests.request(handlersRequest, params), (err: unknown) => err instanceof ChannelClosedError && /closed/.test(err.message));
    assert.equal(requests.pendingCount, 0);
  });

  test("the server's error keeps its class across the boundary: malformed parameters are a ProtocolError", { timeout: 60_000 }, async () => {
    const { lsp, requests } = await startServer();
    await assert.rejects(requests.request(handlersRequest, { textDocument: { uri: 42 } } as never), (err: unknown) => {
      assert.ok(err instanceof ProtocolError, `a ${String(err)}`);
      assert.match(err.message, /malformed goroscope\/handlers request: bad field "textDocument.uri"/);
      return true;
    });
    assert.ok(lsp.isAlive());
  });
});
