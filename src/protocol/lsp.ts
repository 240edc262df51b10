/**
 * Goroscope's own messages between the extension (the language client) and the language server, the one
 * process that parses the workspace's Go. Both sides import this module: the client sends with
 * `ServerRequests.request` (serverRequests.ts: timeout, dispose, error classes kept), the server
 * answers with `onServerRequest` (src/server/requests.ts: parameters checked, heavy work in its workers).
 *
 * To add a request: declare it here with `serverRequest(method, paramsShape)` and its result type, add
 * its handler to the server's table in src/server/main.ts (the compiler asks for it: `ServerRequestHandlers`),
 * then call it from the extension. Requests any LSP client may send are checked against their shape.
 */
import { NotificationType0, RequestType } from 'vscode-languageserver-protocol';
import type { Handler } from '../handlers/model';
import type { Severity } from '../lint/types';
import type { GoTestDeclaration } from '../tests/model';
import { arr, MAX_PATH, obj, str, trusted, type Shape } from './shape';
import type { ErrorClass } from './rpc';

/** A custom request: its JSON-RPC type for both libraries, and the shape its parameters must have. */
export interface ServerRequest<P, R> {
  readonly method: string;
  readonly type: RequestType<P, R, void>;
  readonly params: Shape<P>;
}

/** `result` declares the type only: the client trusts the server it started. */
function serverRequest<P, R>(method: string, params: Shape<P>, _result: Shape<R>): ServerRequest<P, R> {
  return { method, type: new RequestType<P, R, void>(method), params };
}

const textDocument = obj({ uri: str(MAX_PATH) });

//#region requests (client → server)

export interface HandlersResult {
  /** Handlers declared in the document, with the routes known so far. */
  handlers: Handler[];
  /** Packages that may register them and are still being read: `handlersChanged` follows when they are. */
  pending: number;
}

/** `goroscope/handlers`: the HTTP handlers a Go document declares, with routes from its package and importers. */
export const handlersRequest = serverRequest('goroscope/handlers', obj({ textDocument }), trusted<HandlersResult>());

/** One finding as the findings request returns it: 0-based range, as diagnostics have. */
export interface FileFinding {
  rule: string;
  severity: Severity;
  message: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

export interface FindingsResult {
  files: Array<{
    file: string;
    findings: FileFinding[];
    /** Why the file has no findings when it could not be read or linted. */
    error?: string;
  }>;
}

/** Most files one findings request may name. */
export const MAX_FINDINGS_FILES = 500;

/**
 * `goroscope/findings`: lint findings for Go files by absolute path: an open document as it is in the editor,
 * any other file as it is on disk (the goroutines view's frames). Settings (disabled rules) apply.
 */
export const findingsRequest = serverRequest(
  'goroscope/findings',
  obj({ files: arr(str(MAX_PATH), MAX_FINDINGS_FILES) }),
  trusted<FindingsResult>(),
);

export interface TestsOfFileResult {
  /** Tests, benchmarks and literal subtests, in source order; empty for a file that is not a `_test.go` file. */
  tests: GoTestDeclaration[];
}

/**
 * `goroscope/testsOfFile`: the tests a Go document declares (an open document as it is in the editor,
 * any other file as it is on disk), for the "Profile this test" lenses.
 */
export const testsOfFileRequest = serverRequest('goroscope/testsOfFile', obj({ textDocument }), trusted<TestsOfFileResult>());

//#endregion

//#region notifications (server → client)

/** `goroscope/handlersChanged`: packages read in the background (or changed on disk) may have added or moved routes. */
export const handlersChangedNotification = new NotificationType0('goroscope/handlersChanged');

//#endregion

/** Error classes (besides rpc.ts's own) that keep their class from the server's handlers to the client. */
export const SERVER_ERRORS: readonly ErrorClass[] = [];

/** Every request of this module, for the server's table of handlers. */
export const SERVER_REQUESTS = { handlers: handlersRequest, findings: findingsRequest, testsOfFile: testsOfFileRequest } as const;

export type ServerRequests = typeof SERVER_REQUESTS;

/** One handler per request: a missing one is a compile error in the server. */
export type ServerRequestHandlers = {
  [K in keyof ServerRequests]: ServerRequests[K] extends ServerRequest<infer P, infer R> ? (params: P) => Promise<R> : never;
};
