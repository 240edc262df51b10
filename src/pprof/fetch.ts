/**
 * Fetching profiles and pprof pages over HTTP(S) with node:http/https. Every failure becomes one
 * TransportError whose message says what happened in words a user can act on, and whose `kind` lets
 * callers branch. Each request owns its socket (no keep-alive agent), so an error or a cancellation
 * always destroys it: nothing is left open. No vscode import: the extension host, the CLI and the tests
 * share this module.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as zlib from 'node:zlib';
import { DEFAULT_MAX_BYTES, formatBytes } from './sizeLimit';

export { DEFAULT_MAX_BYTES, formatBytes } from './sizeLimit';

export type TransportErrorKind =
  /** Not an http(s) URL, or one that cannot be parsed. */
  | 'bad-url'
  /** Nothing listens on the port (ECONNREFUSED). */
  | 'refused'
  /** The host name does not resolve. */
  | 'dns'
  /** The TCP connection was not established within the connect timeout. */
  | 'connect-timeout'
  /** Connected, but no response (headers or first bytes) within the read timeout. */
  | 'timeout'
  /** The body started, then no data arrived for the read timeout. */
  | 'stalled'
  /** The connection was closed or reset before the response was complete. */
  | 'reset'
  /** TLS handshake failed (self-signed or expired certificate, an http server on an https URL…). */
  | 'tls'
  /** Another network error (host unreachable…). */
  | 'network'
  /** The server answered with a status other than 2xx. */
  | 'http-status'
  /** A profile was expected and the server sent an HTML page with status 2xx. */
  | 'html'
  /** A redirect leads back to a URL already visited. */
  | 'redirect-loop'
  /** More redirects than the limit. */
  | 'too-many-redirects'
  /** The body is larger than the size limit. */
  | 'too-large'
  /** The caller's AbortSignal fired. */
  | 'aborted';

export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
    /** The URL of the request that failed (credentials removed). */
    readonly url: string,
    /** The HTTP status, for `http-status` and `html`. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface FetchOptions {
  /** Extra request headers (from the service's settings). */
  headers?: Record<string, string>;
  /** Sent as `Authorization: Bearer …`; dropped when a redirect leaves the origin. */
  bearerToken?: string;
  /** Accept a certificate that does not verify (self-signed). Per call: the caller decides per service. */
  insecure?: boolean;
  /** DNS lookup + TCP connect. Default 5 s. */
  connectTimeoutMs?: number;
  /** Longest silence while waiting for the response or between chunks of the body. Default 20 s. */
  readTimeoutMs?: number;
  /** Time the server is expected to think before it sends anything (a CPU capture's seconds). Added to the
   * read timeout until the first byte of the body arrives. Default 0. */
  waitMs?: number;
  /** Largest body accepted, in bytes. Default 256 MiB. */
  maxBytes?: number;
  /** Redirects followed before giving up. Default 5. */
  maxRedirects?: number;
  /** Hand back a non-2xx response instead of throwing: for APIs whose error bodies say what went wrong
   * (Prometheus's error JSON). Network failures, size limits and redirects behave as always. */
  returnErrorStatus?: boolean;
  signal?: AbortSignal;
}

export interface FetchResponse {
  /** The final URL after redirects (credentials removed). */
  url: string;
  status: number;
  contentType: string;
  body: Uint8Array;
  /** True when the body was cut short on purpose (`truncateAt`). */
  truncated: boolean;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_READ_TIMEOUT_MS = 20_000;
export const DEFAULT_MAX_REDIRECTS = 5;

/** What the caller expects, to word errors and to recognise an HTML page where a profile should be. */
type Expectation = 'profile' | 'text';

/**
 * Fetch a pprof profile (debug=0: gzipped profile.proto). Rejects with a TransportError for any network
 * failure, any non-2xx status, and an HTML page (a login page, a proxy's error page) instead of a profile.
 */
export async function fetchProfile(url: string, opts: FetchOptions = {}): Promise<Uint8Array> {
  const res = await fetchRaw(url, opts, 'profile');
  if (looksLikeHtml(res.contentType, res.body)) {
    throw new TransportError('html', `${res.url}: got an HTML page, not a profile${titleSuffix(res.body)}`, res.url, res.status);
  }
  return res.body;
}

/** Fetch a text resource (the pprof index page, /debug/vars, goroutine?debug=1) as UTF-8. */
export async function fetchText(url: string, opts: FetchOptions = {}): Promise<string> {
  const res = await fetchRaw(url, opts, 'text');
  return Buffer.from(res.body.buffer, res.body.byteOffset, res.body.byteLength).toString('utf8');
}

/**
 * Fetch only the first `bytes` bytes of a text resource and close the connection: enough for the first
 * line of a large response (`goroutine profile: total N`).
 */
export async function fetchTextHead(url: string, bytes: number, opts: FetchOptions = {}): Promise<string> {
  const res = await fetchRaw(url, opts, 'text', bytes);
  return Buffer.from(res.body.buffer, res.body.byteOffset, res.body.byteLength).toString('utf8');
}

/** The request loop: follows redirects, then returns a 2xx response or throws. */
export async function fetchRaw(
  url: string,
  opts: FetchOptions = {},
  expect: Expectation = 'profile',
  truncateAt?: number,
): Promise<FetchResponse> {
  let current = parseHttpUrl(url);
  const origin = current.origin;
  const visited = [current.href];
  const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  for (;;) {
    const sameOrigin = current.origin === origin;
    const outcome = await requestOnce(current, opts, requestHeaders(opts, sameOrigin), truncateAt);
    if ('location' in outcome) {
      const next = resolveRedirect(current, outcome.location);
      const shown = [...visited, next.href].map(redact);
      if (visited.includes(next.href)) {
        throw new TransportError('redirect-loop', `${redact(url)}: redirect loop (${shown.join(' → ')})`, redact(url));
      }
      if (visited.length > maxRedirects) {
        throw new TransportError(
          'too-many-redirects',
          `${redact(url)}: more than ${maxRedirects} redirects (${shown.join(' → ')})`,
          redact(url),
        );
      }
      visited.push(next.href);
      current = next;
      continue;
    }
    if ((outcome.status < 200 || outcome.status > 299) && !opts.returnErrorStatus) throw statusError(outcome, expect);
    return outcome;
  }
}

function parseHttpUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TransportError('bad-url', `not a valid URL: ${JSON.stringify(url)}`, url);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TransportError('bad-url', `${redact(parsed.href)}: only http and https URLs can be fetched`, redact(parsed.href));
  }
  return parsed;
}

function resolveRedirect(from: URL, location: string): URL {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new TransportError('bad-url', `${redact(from.href)}: redirects to an invalid URL ${JSON.stringify(location)}`, redact(from.href));
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new TransportError('bad-url', `${redact(from.href)}: redirects to a non-http URL ${redact(next.href)}`, redact(from.href));
  }
  return next;
}

function requestHeaders(opts: FetchOptions, sameOrigin: boolean): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': 'goroscope', 'accept-encoding': 'gzip, identity' };
  for (const [name, value] of Object.entries(opts.headers ?? {})) {
    const lower = name.toLowerCase();
    // Credentials never follow a redirect to another origin (as Go's client and browsers do).
    if (!sameOrigin && (lower === 'authorization' || lower === 'cookie' || lower === 'proxy-authorization')) continue;
    headers[lower] = value;
  }
  if (opts.bearerToken && sameOrigin) headers.authorization = `Bearer ${opts.bearerToken}`;
  return headers;
}

type Outcome = FetchResponse | { location: string };

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Bytes of an error page kept for the message. */
const ERROR_BODY_BYTES = 64 * 1024;

function requestOnce(url: URL, opts: FetchOptions, headers: Record<string, string>, truncateAt?: number): Promise<Outcome> {
  const shown = redact(url.href);
  const hostPort = `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  const connectMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const readMs = opts.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  const firstByteMs = readMs + (opts.waitMs ?? 0);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const signal = opts.signal;

  return new Promise<Outcome>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new TransportError('aborted', `${shown}: cancelled`, shown));
      return;
    }
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let res: http.IncomingMessage | undefined;
    let received = 0;

    const arm = (ms: number, onTimeout: () => void): void => {
      clearTimeout(timer);
      timer = setTimeout(onTimeout, ms);
    };
    const finish = (): void => {
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (err: TransportError): void => {
      if (settled) return;
      finish();
      res?.destroy();
      req.destroy();
      reject(err);
    };
    const onAbort = (): void => fail(new TransportError('aborted', `${shown}: cancelled`, shown));

    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(url, {
      method: 'GET',
      headers,
      agent: false,
      // Only consulted for https. `insecure` accepts any certificate for this one call.
      rejectUnauthorized: !opts.insecure,
    });
    signal?.addEventListener('abort', onAbort, { once: true });

    arm(connectMs, () =>
      fail(new TransportError('connect-timeout', `${shown}: could not connect to ${hostPort} within ${seconds(connectMs)}`, shown)),
    );
    req.on('socket', (socket) => {
      const connected = (): void => {
        if (settled || res) return;
        arm(firstByteMs, () =>
          fail(new TransportError('timeout', `${shown}: connected, but no response within ${seconds(firstByteMs)}`, shown)),
        );
      };
      if (socket.connecting) socket.once('connect', connected);
      else connected();
    });

    req.on('error', (err: NodeJS.ErrnoException) => fail(networkError(err, shown, hostPort, url.hostname, received, res !== undefined)));

    req.on('response', (response) => {
      res = response;
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECT_STATUSES.has(status) && location) {
        finish();
        response.destroy();
        req.destroy();
        resolve({ location });
        return;
      }
      const ok = status >= 200 && status <= 299;
      const limit = ok ? truncateAt : ERROR_BODY_BYTES;
      const declared = Number(response.headers['content-length']);
      if (ok && limit === undefined && Number.isFinite(declared) && declared > maxBytes) {
        fail(tooLarge(shown, maxBytes, `the server announced ${formatBytes(declared)}`));
        return;
      }
      const chunks: Buffer[] = [];
      const stalled = (): void =>
        fail(
          received === 0
            ? new TransportError('timeout', `${shown}: the server sent headers but no data within ${seconds(firstByteMs)}`, shown)
            : new TransportError(
                'stalled',
                `${shown}: the response stalled after ${formatBytes(received)}: no data for ${seconds(readMs)}`,
                shown,
              ),
        );
      arm(firstByteMs, stalled);
      const complete = (truncated: boolean): void => {
        if (settled) return;
        finish();
        let body: Buffer = Buffer.concat(chunks);
        try {
          body = decodeContentEncoding(body, response.headers['content-encoding'], ok ? maxBytes : ERROR_BODY_BYTES, truncated);
        } catch (err) {
          response.destroy();
          req.destroy();
          // An error page that cannot be decompressed still has its status to report.
          if (!ok) {
            resolve({ url: shown, status, contentType: String(response.headers['content-type'] ?? ''), body: new Uint8Array(), truncated });
            return;
          }
          reject(
            (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
              ? tooLarge(shown, maxBytes, 'after decompression')
              : new TransportError('reset', `${shown}: the compressed response is corrupt (${(err as Error).message})`, shown),
          );
          return;
        }
        if (truncated) {
          response.destroy();
          req.destroy();
        }
        resolve({
          url: shown,
          status,
          contentType: String(response.headers['content-type'] ?? ''),
          body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
          truncated,
        });
      };
      response.on('data', (chunk: Buffer) => {
        if (settled) return;
        received += chunk.length;
        chunks.push(chunk);
        if (limit !== undefined && received >= limit) {
          complete(true);
          return;
        }
        if (received > maxBytes) {
          fail(tooLarge(shown, maxBytes, `stopped after ${formatBytes(received)}`));
          return;
        }
        arm(readMs, stalled);
      });
      response.on('end', () => complete(false));
      response.on('aborted', () => fail(closedMidBody(shown, received)));
      response.on('error', () => fail(closedMidBody(shown, received)));
      response.on('close', () => {
        if (!response.complete) fail(closedMidBody(shown, received));
      });
    });
    req.end();
  });
}

function closedMidBody(shown: string, received: number): TransportError {
  return new TransportError('reset', `${shown}: the server closed the connection after ${formatBytes(received)}, before the response was complete`, shown);
}

function tooLarge(shown: string, maxBytes: number, detail: string): TransportError {
  return new TransportError(
    'too-large',
    `${shown}: the response is larger than the size limit of ${formatBytes(maxBytes)} (${detail}); raise the limit to fetch it`,
    shown,
  );
}

/** Undo a Content-Encoding (a proxy compressing on its own). A body cut short on purpose is decoded as far as it goes. */
function decodeContentEncoding(body: Buffer, encoding: string | string[] | undefined, maxBytes: number, partial: boolean): Buffer {
  const value = (Array.isArray(encoding) ? encoding.join(',') : encoding ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return body;
  const flush = partial ? { finishFlush: zlib.constants.Z_SYNC_FLUSH } : {};
  if (value === 'gzip' || value === 'x-gzip') return zlib.gunzipSync(body, { maxOutputLength: maxBytes, ...flush });
  if (value === 'deflate') return zlib.inflateSync(body, { maxOutputLength: maxBytes, ...flush });
  if (value === 'br') {
    return zlib.brotliDecompressSync(body, { maxOutputLength: maxBytes, ...(partial ? { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH } : {}) });
  }
  return body;
}

const TLS_CODES: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain ends in a self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate cannot be verified',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate issuer is not trusted here',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate is for another host name',
};

function networkError(
  err: NodeJS.ErrnoException,
  shown: string,
  hostPort: string,
  hostname: string,
  received: number,
  responded: boolean,
): TransportError {
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') {
    return new TransportError('refused', `${shown}: connection refused: nothing is listening on ${hostPort} (is the service running?)`, shown);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
    return new TransportError('dns', `${shown}: cannot resolve the host name "${hostname}" (${code})`, shown);
  }
  if (code in TLS_CODES) {
    return new TransportError(
      'tls',
      `${shown}: ${TLS_CODES[code]} (${code}); if you trust this service, allow its self-signed certificate in its settings`,
      shown,
    );
  }
  if (code === 'EPROTO' || code.startsWith('ERR_SSL') || /ssl|tls/i.test(err.message)) {
    return new TransportError('tls', `${shown}: TLS handshake failed (is it an http server on an https URL?): ${err.message}`, shown);
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || err.message === 'socket hang up') {
    return responded
      ? closedMidBody(shown, received)
      : new TransportError('reset', `${shown}: ${hostPort} closed the connection before answering (is it an https server on an http URL?)`, shown);
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return new TransportError('network', `${shown}: ${hostPort} is unreachable (${code})`, shown);
  }
  return new TransportError('network', `${shown}: ${err.message}${code && !err.message.includes(code) ? ` (${code})` : ''}`, shown);
}

export function statusError(res: FetchResponse, expect: Expectation = 'text'): TransportError {
  const status = `${res.status}${STATUS_TEXT(res.status)}`;
  let detail = '';
  if (looksLikeHtml(res.contentType, res.body)) {
    detail = expect === 'profile' ? `: got an HTML page, not a profile${titleSuffix(res.body)}` : `: got an HTML page${titleSuffix(res.body)}`;
  } else {
    const text = firstLine(res.body);
    if (text) detail = `: ${text}`;
  }
  return new TransportError('http-status', `${res.url}: the server answered ${status}${detail}`, res.url, res.status);
}

function STATUS_TEXT(status: number): string {
  const text = http.STATUS_CODES[status];
  return text ? ` ${text}` : '';
}

function firstLine(body: Uint8Array): string {
  const text = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 2048)).toString('utf8');
  // Binary bodies say nothing readable.
  if (isBinary(text)) return '';
  const line = text.trim().split(/\r?\n/, 1)[0]?.trim() ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function isBinary(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffd) return true;
  }
  return false;
}

/** True for an HTML page: by content type, or by its first non-blank character (Go's pprof serves profiles as
 * application/octet-stream; gzip starts with 0x1f, protobuf with a field tag, never with `<`). */
export function looksLikeHtml(contentType: string, body: Uint8Array): boolean {
  if (/\btext\/html\b|application\/xhtml/i.test(contentType)) return true;
  let i = 0;
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) i = 3;
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x09 || body[i] === 0x0a || body[i] === 0x0d)) i++;
  if (body[i] !== 0x3c) return false;
  const head = Buffer.from(body.buffer, body.byteOffset + i, Math.min(body.byteLength - i, 512)).toString('latin1').toLowerCase();
  return /^<(!doctype html|html|head|body|title|meta|!--|h1|p[\s>]|div|pre)/.test(head);
}

/** ` ("Title")` when the page has a title, else empty. */
function titleSuffix(body: Uint8Array): string {
  const text = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 65536)).toString('utf8');
  const match = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text) ?? /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(text);
  const title = decodeEntities((match?.[1] ?? '').replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim();
  if (!title) return '';
  return ` (page title "${title.length > 120 ? `${title.slice(0, 120)}…` : title}")`;
}

/** The few HTML entities error pages and Go's pprof index use. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|#39|nbsp);/gi, (whole, entity: string) => {
    const e = entity.toLowerCase();
    if (e.startsWith('#x')) return safeCodePoint(parseInt(e.slice(2), 16), whole);
    if (e.startsWith('#')) return safeCodePoint(parseInt(e.slice(1), 10), whole);
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }[e] ?? whole;
  });
}

function safeCodePoint(code: number, fallback: string): string {
  return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback;
}

/** The URL without user:password. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return parsed.href;
    parsed.username = '';
    parsed.password = '';
    return parsed.href;
  } catch {
    return url;
  }
}

function seconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
