/**
 * The RPC mechanism (rpc.ts) between the extension host and its webview pages, and what every page's
 * protocol shares (opening a frame's source, the "done, maybe with a note" result). Each page has its own
 * module of messages: flamePage.ts, goroutinesPage.ts, watchPage.ts. No vscode import, no DOM type needed
 * by the host: both bundles import it.
 *
 * On the wire a message's payload (params, result or error) travels as JSON text: a view is a tree of
 * thousands of small objects, whose structured clone costs the page's main thread 100+ ms (VS Code clones
 * it twice on the way in); one string clones for almost nothing and JSON.parse reads it in a few ms.
 */
import { checkMessage, request, type RpcMessage, type Transport } from './rpc';
import { int, isRecord, MAX_PATH, obj, str, trusted } from './shape';

/** A message as posted: the RpcMessage with its payload as JSON text. */
export interface WireMessage {
  kind: RpcMessage['kind'];
  id?: number;
  method?: string;
  json: string;
}

export function toWire(message: RpcMessage): WireMessage {
  switch (message.kind) {
    case 'request':
      return { kind: 'request', id: message.id, method: message.method, json: JSON.stringify(message.params ?? null) };
    case 'event':
      return { kind: 'event', method: message.method, json: JSON.stringify(message.params ?? null) };
    case 'reply':
      return { kind: 'reply', id: message.id, json: JSON.stringify(message.result ?? null) };
    case 'error':
      return { kind: 'error', id: message.id, json: JSON.stringify(message.error) };
  }
}

/** The RpcMessage a page or host received, or what arrived as it was (for the endpoint to refuse). */
export function fromWire(x: unknown): unknown {
  if (!isRecord(x) || typeof x.json !== 'string' || typeof x.kind !== 'string' || x.json.length > MAX_WIRE_TEXT) return x;
  let payload: unknown;
  try {
    payload = JSON.parse(x.json);
  } catch {
    return x; // no payload: refused as malformed
  }
  const field = x.kind === 'reply' ? 'result' : x.kind === 'error' ? 'error' : 'params';
  const message = { kind: x.kind, ...(x.id !== undefined ? { id: x.id } : {}), ...(x.method !== undefined ? { method: x.method } : {}), [field]: payload };
  return typeof checkMessage(message) === 'string' ? x : message;
}

/** Longest message text a side reads: a page sends small requests; a host's view is at most tens of MB. */
const MAX_WIRE_TEXT = 256 * 1024 * 1024;

/** The part of vscode.Webview a host transport needs. */
export interface WebviewLike {
  postMessage(message: unknown): unknown;
  onDidReceiveMessage(listener: (message: unknown) => void): { dispose(): void };
}

/** The extension host's end of a page's channel. */
export function hostTransport(webview: WebviewLike): Transport {
  return {
    post: (message) => void webview.postMessage(toWire(message)),
    listen(receive) {
      const subscription = webview.onDidReceiveMessage((raw) => receive(fromWire(raw)));
      return () => subscription.dispose();
    },
  };
}

/** A page's end: `post` is acquireVsCodeApi().postMessage; messages arrive on the window. */
export function pageTransport(post: (message: unknown) => void, target: Pick<Window, 'addEventListener' | 'removeEventListener'>): Transport {
  return {
    post: (message) => post(toWire(message)),
    listen(receive) {
      const listener = (event: MessageEvent<unknown>) => receive(fromWire(event.data));
      target.addEventListener('message', listener as EventListener);
      return () => target.removeEventListener('message', listener as EventListener);
    },
  };
}

/**
 * Two ends connected in one page (report.html hosts its own pages): asynchronous, through the same wire
 * form, as postMessage would connect them.
 */
export function linkedTransports(): [Transport, Transport] {
  const receivers: Array<((message: unknown) => void) | undefined> = [undefined, undefined];
  const end = (self: 0 | 1): Transport => ({
    post: (message) => {
      const wire = toWire(message);
      setTimeout(() => receivers[1 - self]?.(fromWire(wire)));
    },
    listen(receive) {
      receivers[self] = receive;
      return () => (receivers[self] = undefined);
    },
  });
  return [end(0), end(1)];
}

/** What a request that returns no data gives back: a note for the user when there is one. */
export interface Done {
  note?: string;
}

/** Open a frame's source in an editor, mapping the build machine's path to the workspace. Every page has it. */
export const openSourceRequest = request(obj({ function: str(MAX_PATH), file: str(MAX_PATH), line: int() }), trusted<Done>());
