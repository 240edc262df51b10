/**
 * The extension's end of Goroscope's custom language-server requests (src/protocol/lsp.ts), with the
 * rules every channel follows (src/protocol/rpc.ts): a timeout on each request (it is then cancelled on
 * the server too), dispose() rejects what is pending and refuses new calls, and an error thrown by the
 * server's handler comes back as its own class with its fields.
 */
import * as vscode from 'vscode';
import { ResponseError, type LanguageClient } from 'vscode-languageclient/node';
import { SERVER_ERRORS, type ServerRequest } from '../protocol/lsp';
import { ChannelClosedError, errorRegistry, RequestTimeoutError, reviveError, type WireError } from '../protocol/rpc';
import { isRecord } from '../protocol/shape';

const DEFAULT_TIMEOUT_MS = 30_000;

export class ServerRequests implements vscode.Disposable {
  private readonly pending = new Set<(err: Error) => void>();
  private readonly errors = errorRegistry([ChannelClosedError, RequestTimeoutError, ...SERVER_ERRORS]);
  private disposed = false;

  /** `client` resolves to the running client (it may be starting or restarting). */
  constructor(private readonly client: () => Promise<LanguageClient>) {}

  async request<P, R>(spec: ServerRequest<P, R>, params: P, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<R> {
    if (this.disposed) throw new ChannelClosedError('the language server connection is closed');
    const client = await this.client();
    const cancel = new vscode.CancellationTokenSource();
    let fail: (err: Error) => void = () => {};
    const stopped = new Promise<never>((_, reject) => (fail = reject));
    this.pending.add(fail);
    const timer = setTimeout(() => {
      cancel.cancel();
      fail(new RequestTimeoutError(`the language server did not answer ${spec.method} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    try {
      return await Promise.race([client.sendRequest(spec.type, params, cancel.token), stopped]);
    } catch (err) {
      throw this.revive(err);
    } finally {
      clearTimeout(timer);
      this.pending.delete(fail);
      cancel.dispose();
    }
  }

  /** Rejects the requests waiting for a reply (the client stopped or the extension deactivates). */
  rejectPending(reason: string): void {
    for (const fail of [...this.pending]) fail(new ChannelClosedError(reason));
    this.pending.clear();
  }

  dispose(): void {
    this.disposed = true;
    this.rejectPending('the language server connection was closed');
  }

  private revive(err: unknown): Error {
    if (err instanceof ResponseError && isWireError(err.data)) return reviveError(err.data, this.errors);
    return err instanceof Error ? err : new Error(String(err));
  }
}

function isWireError(x: unknown): x is WireError {
  return isRecord(x) && typeof x.name === 'string' && typeof x.message === 'string';
}
