/**
 * The client's end of Goroscope's custom language-server requests (lsp.ts), with the rules of every
 * channel (rpc.ts's PendingRequests): a timeout on each request (it is then cancelled on the server too),
 * `dispose()` rejects what is pending and refuses new calls, `rejectPending` rejects what is pending when
 * the server stops, and an error thrown by the server's handler comes back as its own class with its
 * fields (the ResponseError's data, written by src/server/requests.ts). No vscode import: the extension
 * passes its LanguageClient, the tests a JSON-RPC connection to the real server.
 */
import { CancellationTokenSource, ResponseError, type CancellationToken, type RequestType } from 'vscode-languageserver-protocol';
import { SERVER_ERRORS, type ServerRequest } from './lsp';
import { ChannelClosedError, errorRegistry, PendingRequests, ProtocolError, RequestTimeoutError, reviveError, type WireError } from './rpc';
import { isRecord } from './shape';

/** What a request needs of a connection: vscode-languageclient's LanguageClient and vscode-jsonrpc's connection both have it. */
export interface ServerConnection {
  sendRequest<P, R>(type: RequestType<P, R, void>, params: P, token: CancellationToken): Promise<R>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const PEER = 'the language server';

export class ServerRequests {
  private readonly pending = new PendingRequests(PEER);
  private readonly errors = errorRegistry([ChannelClosedError, RequestTimeoutError, ProtocolError, ...SERVER_ERRORS]);

  /** `connection` resolves to the running connection (the client may be starting or restarting). */
  constructor(
    private readonly connection: () => Promise<ServerConnection>,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  /** The server's reply to `spec`; rejects on the server's error (class kept), on timeout, stop or dispose. */
  request<P, R>(spec: ServerRequest<P, R>, params: P, timeoutMs = this.timeoutMs): Promise<R> {
    const cancel = new CancellationTokenSource();
    // Pending from the call on: the timeout counts a client still starting, and dispose rejects it too.
    const { id, result } = this.pending.start<R>(spec.method, timeoutMs, () => cancel.cancel());
    if (!this.pending.isClosed) {
      this.connection()
        .then((c) => c.sendRequest(spec.type, params, cancel.token))
        .then(
          (reply) => this.pending.settle(id, reply),
          (err: unknown) => this.pending.settle(id, undefined, this.revive(err)),
        );
    }
    return result.finally(() => cancel.dispose());
  }

  /** Requests awaiting a reply now. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Rejects the requests waiting for a reply (the server stopped); later requests go to the next server. */
  rejectPending(reason: string): void {
    this.pending.rejectAll(reason, false);
  }

  /** Rejects the requests waiting for a reply and refuses every later one (the extension deactivates). */
  dispose(): void {
    this.pending.rejectAll(`${PEER} connection was closed`, true);
  }

  private revive(err: unknown): Error {
    if (err instanceof ResponseError && isWireError(err.data)) return reviveError(err.data, this.errors);
    return err instanceof Error ? err : new Error(String(err));
  }
}

function isWireError(x: unknown): x is WireError {
  return isRecord(x) && typeof x.name === 'string' && typeof x.message === 'string';
}
