/**
 * Handler discovery as a small service for an editor, run in a process of its own (`goroscope handlers
 * --serve`, forked with an IPC channel) so parsing never blocks the editor: one request per file asked
 * about, with the unsaved text of open files; invalidations when files change on disk; and a `changed`
 * event once packages read in the background may have added routes.
 */
import type { Handler } from './model';
import type { HandlerScanner } from './scanner';

/** Sent by the editor. */
export type HandlerServiceRequest =
  /** The handlers declared in `file`; `unsaved` carries the text of open, modified Go files. */
  | { kind: 'handlersOf'; id: number; file: string; unsaved: Array<{ file: string; source: string }> }
  /** These files changed, were created or deleted on disk. */
  | { kind: 'invalidate'; files: string[] };

/** Sent back by the service. */
export type HandlerServiceReply =
  /** The answer to `handlersOf`. */
  | { kind: 'handlers'; id: number; handlers: Handler[] }
  /** `handlersOf` failed: the message says why. */
  | { kind: 'error'; id: number; message: string }
  /** Packages read in the background may have added routes: ask again for the files shown. */
  | { kind: 'changed' };

/** The two ends of an IPC channel the service needs (process.send / process.on('message') in a child). */
export interface ServicePort {
  send(reply: HandlerServiceReply): void;
  onMessage(listener: (message: unknown) => void): void;
}

/** Background reading runs in slices this long, so a request waits at most this much behind it. */
const SLICE_MS = 25;

export function isHandlerServiceRequest(value: unknown): value is HandlerServiceRequest {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  if (m.kind === 'invalidate') return Array.isArray(m.files) && m.files.every((f) => typeof f === 'string');
  if (m.kind !== 'handlersOf') return false;
  return (
    typeof m.id === 'number' &&
    typeof m.file === 'string' &&
    Array.isArray(m.unsaved) &&
    m.unsaved.every((u: unknown) => typeof u === 'object' && u !== null && typeof (u as Record<string, unknown>).file === 'string' && typeof (u as Record<string, unknown>).source === 'string')
  );
}

/** Answers requests on `port` with `scanner` until the channel closes. Malformed messages are ignored. */
export function serveHandlers(scanner: HandlerScanner, port: ServicePort): void {
  let backgroundScheduled = false;
  const background = (): void => {
    backgroundScheduled = false;
    if (scanner.runPending(SLICE_MS)) schedule();
    else port.send({ kind: 'changed' });
  };
  const schedule = (): void => {
    if (backgroundScheduled) return;
    backgroundScheduled = true;
    // setImmediate lets queued requests in before the next slice.
    setImmediate(background);
  };
  port.onMessage((message) => {
    if (!isHandlerServiceRequest(message)) return;
    if (message.kind === 'invalidate') {
      scanner.invalidate(message.files);
      port.send({ kind: 'changed' });
      return;
    }
    try {
      const unsaved = new Map(message.unsaved.map((u) => [u.file, u.source] as const));
      const { handlers, pending } = scanner.handlersOf(message.file, unsaved);
      port.send({ kind: 'handlers', id: message.id, handlers });
      if (pending > 0) schedule();
    } catch (err) {
      port.send({ kind: 'error', id: message.id, message: err instanceof Error ? err.message : String(err) });
    }
  });
}
