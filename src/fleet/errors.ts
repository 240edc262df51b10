/**
 * The one error the fleet core throws for a source it cannot use. The message is one line a person can act
 * on (callers print it as is); `kind` lets the extension offer the right next step (a token for 401/403, a
 * narrower selector for too many series).
 */
export type FleetErrorKind =
  /** A range or duration that cannot be read. */
  | 'bad-range'
  /** A selector that is not a list of label matchers. */
  | 'bad-selector'
  /** The URL answers, but not as a Prometheus (or Parca) API: an HTML page, JSON of another shape. */
  | 'not-an-api'
  /** The server's own error JSON (`{status: "error", errorType, error}`). */
  | 'server-error'
  /** 401 or 403: a token is missing or refused. */
  | 'unauthorized'
  /** The selector matches no series in the range. */
  | 'no-series'
  /** The selector matches more series than the limit. */
  | 'too-many-series'
  /** The server cannot be reached or stopped answering (the transport's message). */
  | 'unreachable';

export class FleetError extends Error {
  override readonly name = 'FleetError';
  constructor(
    readonly kind: FleetErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** True for a FleetError, also one that crossed a worker boundary as a plain `{name, kind, message}`. */
export function isFleetError(err: unknown): err is FleetError {
  return err instanceof FleetError || (typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'FleetError');
}
