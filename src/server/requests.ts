/**
 * The server's end of Goroscope's custom requests (src/protocol/lsp.ts): each request's parameters are
 * checked against their shape before its handler runs (any LSP client may send them), and a handler's
 * error reaches the client as a ResponseError carrying the error's class and fields (rpc.ts's
 * serializeError), which the extension turns back into that class.
 */
import { ErrorCodes, LSPErrorCodes, ResponseError, type Connection } from 'vscode-languageserver/node';
import { SERVER_REQUESTS, type ServerRequest, type ServerRequestHandlers } from '../protocol/lsp';
import { ProtocolError, serializeError } from '../protocol/rpc';

/** Registers every custom request's handler on the connection. */
export function registerServerRequests(connection: Connection, handlers: ServerRequestHandlers): void {
  for (const [key, spec] of Object.entries(SERVER_REQUESTS)) {
    onServerRequest(connection, spec as ServerRequest<unknown, unknown>, handlers[key as keyof ServerRequestHandlers] as (params: unknown) => Promise<unknown>);
  }
}

function onServerRequest<P, R>(connection: Connection, spec: ServerRequest<P, R>, handler: (params: P) => Promise<R>): void {
  connection.onRequest(spec.type, async (params: P) => {
    const problem = spec.params.check(params, '');
    if (problem !== undefined) {
      const err = new ProtocolError(`malformed ${spec.method} request: ${problem}`);
      throw new ResponseError(ErrorCodes.InvalidParams, err.message, serializeError(err));
    }
    try {
      return await handler(params);
    } catch (err) {
      const wire = serializeError(err);
      throw new ResponseError(LSPErrorCodes.RequestFailed, wire.message, wire);
    }
  });
}
