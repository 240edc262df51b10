import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createGzip, gzipSync } from 'node:zlib';
import { fetchProfile, fetchText, fetchTextHead, TransportError } from '../../../src/pprof/fetch';
import { freePort, gzipBody, rejection, selfSignedCert, startServer, startUnacceptingListener, type TestServer } from './servers';

/** Every failure is a TransportError of the expected kind, and the server sees no socket left open. */
async function failsWith(server: TestServer | undefined, promise: Promise<unknown>, kind: string, message: RegExp): Promise<TransportError> {
  const err = await rejection(promise);
  assert.ok(err instanceof TransportError, `expected a TransportError, got ${err.stack}`);
  assert.equal(err.kind, kind, err.message);
  assert.match(err.message, message);
  if (server) await server.waitForNoSockets();
  return err;
}

/** One gzip member of 1 MiB of zeros (about 1 KiB). */
const zeroMiB = gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });

describe('fetchProfile: success paths', () => {
  let server: TestServer;
  const body = gzipBody(10_000);
  before(async () => {
    server = await startServer((req, res) => {
      if (req.url === '/bin') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(body);
      } else if (req.url === '/redirect-relative') {
        res.writeHead(302, { location: 'bin' });
        res.end();
      } else if (req.url === '/encoded') {
        // A proxy compressing the already gzipped profile again.
        res.writeHead(200, { 'content-encoding': 'gzip' });
        res.end(gzipSync(body));
      } else if (req.url === '/slow-start') {
        setTimeout(() => res.end(body), 600);
      } else if (req.url === '/text') {
        res.end('goroutine profile: total 42\n1 @ 0x1\n');
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  after(() => server.close());

  test('returns the exact bytes the server sent, and closes the socket', async () => {
    const bytes = await fetchProfile(`${server.url}/bin`);
    assert.deepEqual(Buffer.from(bytes), body);
    await server.waitForNoSockets();
  });

  test('sends extra headers and the bearer token', async () => {
    await fetchProfile(`${server.url}/bin`, { headers: { 'X-Tenant': 'shop' }, bearerToken: 's3cret' });
    const seen = server.requests.at(-1);
    assert.equal(seen?.headers['x-tenant'], 'shop');
    assert.equal(seen?.headers.authorization, 'Bearer s3cret');
  });

  test('follows a relative redirect', async () => {
    const bytes = await fetchProfile(`${server.url}/redirect-relative`);
    assert.equal(bytes.byteLength, body.byteLength);
  });

  test('undoes a Content-Encoding a proxy added', async () => {
    const bytes = await fetchProfile(`${server.url}/encoded`);
    assert.deepEqual(Buffer.from(bytes), body);
  });

  test('waitMs extends the wait for the first byte (a CPU capture thinks for its seconds)', async () => {
    const err = await rejection(fetchProfile(`${server.url}/slow-start`, { readTimeoutMs: 200 }));
    assert.equal((err as TransportError).kind, 'timeout');
    const bytes = await fetchProfile(`${server.url}/slow-start`, { readTimeoutMs: 200, waitMs: 1000 });
    assert.equal(bytes.byteLength, body.byteLength);
    await server.waitForNoSockets();
  });

  test('fetchText decodes UTF-8 text', async () => {
    assert.match(await fetchText(`${server.url}/text`), /^goroutine profile: total 42\n/);
  });
});

describe('fetchProfile: each failure has one clear error and leaves no socket open', () => {
  let server: TestServer;
  let other: TestServer;
  before(async () => {
    server = await startServer((req, res) => {
      const url = req.url ?? '';
      if (url === '/404') {
        // What net/http/pprof answers for an unknown profile.
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'x-go-pprof': '1' });
        res.end('Unknown profile\n');
      } else if (url === '/html-error') {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>');
      } else if (url === '/login') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<html><head><title>Sign in &amp; continue</title></head><body>form</body></html>');
      } else if (url === '/untyped-html') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end('\n  <!doctype html><html><body>no title here</body></html>');
      } else if (url === '/loop-a') {
        res.writeHead(302, { location: '/loop-b' });
        res.end();
      } else if (url === '/loop-b') {
        res.writeHead(301, { location: `${server.url}/loop-a` });
        res.end();
      } else if (url.startsWith('/chain/')) {
        const n = Number(url.slice('/chain/'.length));
        res.writeHead(307, { location: `/chain/${n + 1}` });
        res.end();
      } else if (url === '/cross-origin') {
        res.writeHead(302, { location: `${other.url}/echo` });
        res.end();
      } else if (url === '/no-response') {
        // Accept the request and never answer.
      } else if (url === '/stall') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.write(Buffer.alloc(5000, 1));
        // ... and nothing more.
      } else if (url === '/headers-only') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.flushHeaders();
      } else if (url === '/cut') {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '100000' });
        res.write(Buffer.alloc(3000, 1), () => res.socket?.destroy());
      } else if (url === '/big-declared') {
        res.writeHead(200, { 'content-length': String(2 * 1024 * 1024) });
        res.end(Buffer.alloc(2 * 1024 * 1024));
      } else if (url === '/encoding-bomb') {
        // 1 GiB of zeros as Content-Encoding: gzip (about 1 MiB on the wire), as a hostile proxy could send.
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip' });
        res.end(Buffer.concat(Array.from({ length: 1024 }, () => zeroMiB)));
      } else if (url === '/big-chunked') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 7);
        let sent = 0;
        const pump = (): void => {
          while (sent < 64 && res.write(chunk)) sent++;
          if (sent < 64) res.once('drain', pump);
          else res.end();
        };
        res.on('close', () => (sent = 64));
        pump();
      } else if (url === '/binary-500') {
        res.writeHead(500, { 'content-type': 'application/octet-stream' });
        res.end(Buffer.from([0x1f, 0x8b, 0, 1, 2, 3, 0xff]));
      } else if (url === '/gzip-error') {
        res.writeHead(503, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
        res.end(gzipSync('the service is draining\n'));
      } else if (url === '/endless-gzip') {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
        const gz = createGzip();
        gz.pipe(res);
        gz.write('goroutine profile: total 77\n');
        const t = setInterval(() => gz.write(`1 @ ${Math.random()}\n`.repeat(500)), 5);
        res.on('close', () => clearInterval(t));
      } else if (url === '/endless') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('goroutine profile: total 1234\n');
        const t = setInterval(() => res.write('1 @ 0x45a1b0 0x46c1f0\n'.repeat(100)), 5);
        res.on('close', () => clearInterval(t));
      } else {
        res.writeHead(500);
        res.end();
      }
    });
    other = await startServer((req, res) => res.end(JSON.stringify(req.headers)));
  });
  after(async () => {
    await server.close();
    await other.close();
  });

  test('connection refused', async () => {
    const port = await freePort();
    await failsWith(undefined, fetchProfile(`http://127.0.0.1:${port}/debug/pprof/heap`), 'refused', new RegExp(`connection refused: nothing is listening on 127\\.0\\.0\\.1:${port}`));
  });

  test('DNS failure', async () => {
    await failsWith(undefined, fetchProfile('http://no-such-host.invalid/debug/pprof/heap'), 'dns', /cannot resolve the host name "no-such-host\.invalid"/);
  });

  test('connect timeout', async () => {
    const listener = await startUnacceptingListener();
    try {
      await listener.fill();
      const started = Date.now();
      await failsWith(undefined, fetchProfile(`http://127.0.0.1:${listener.port}/heap`, { connectTimeoutMs: 300 }), 'connect-timeout', /could not connect to 127\.0\.0\.1:\d+ within 300 ms/);
      assert.ok(Date.now() - started < 2000, 'the timeout fired on time');
    } finally {
      listener.stop();
    }
  });

  test('no response within the read timeout', async () => {
    await failsWith(server, fetchProfile(`${server.url}/no-response`, { readTimeoutMs: 200 }), 'timeout', /connected, but no response within 200 ms/);
  });

  test('headers, then no body within the read timeout', async () => {
    await failsWith(server, fetchProfile(`${server.url}/headers-only`, { readTimeoutMs: 200 }), 'timeout', /sent headers but no data within 200 ms/);
  });

  test('a server that stalls mid-body', async () => {
    await failsWith(server, fetchProfile(`${server.url}/stall`, { readTimeoutMs: 250 }), 'stalled', /stalled after 4\.9 KiB: no data for 250 ms/);
  });

  test('a server that closes the connection mid-body', async () => {
    await failsWith(server, fetchProfile(`${server.url}/cut`), 'reset', /closed the connection after .*before the response was complete/);
  });

  test('404 says the status and the server\'s one-line reason', async () => {
    const err = await failsWith(server, fetchProfile(`${server.url}/404`), 'http-status', /answered 404 Not Found: Unknown profile$/);
    assert.equal(err.status, 404);
  });

  test('an HTML error page: the status, "not a profile" and the page title', async () => {
    await failsWith(server, fetchProfile(`${server.url}/html-error`), 'http-status', /answered 502 Bad Gateway: got an HTML page, not a profile \(page title "502 Bad Gateway"\)/);
  });

  test('an HTML page with status 200 where a profile should be', async () => {
    await failsWith(server, fetchProfile(`${server.url}/login`), 'html', /got an HTML page, not a profile \(page title "Sign in & continue"\)$/);
    await failsWith(server, fetchProfile(`${server.url}/untyped-html`), 'html', /got an HTML page, not a profile$/);
  });

  test('a redirect loop names the loop', async () => {
    await failsWith(server, fetchProfile(`${server.url}/loop-a`), 'redirect-loop', /redirect loop \(.*\/loop-a → .*\/loop-b → .*\/loop-a\)/);
  });

  test('more redirects than the limit', async () => {
    await failsWith(server, fetchProfile(`${server.url}/chain/0`, { maxRedirects: 3 }), 'too-many-redirects', /more than 3 redirects/);
    assert.ok(server.requests.some((r) => r.url === '/chain/3'));
    assert.ok(!server.requests.some((r) => r.url === '/chain/4'), 'stopped at the limit');
  });

  test('a redirect to another origin drops the bearer token', async () => {
    const text = await fetchText(`${server.url}/cross-origin`, { bearerToken: 's3cret', headers: { 'x-tenant': 'shop' } });
    const headers = JSON.parse(text) as Record<string, string>;
    assert.equal(headers.authorization, undefined);
    assert.equal(headers['x-tenant'], 'shop');
    assert.equal(server.requests.at(-1)?.headers.authorization, 'Bearer s3cret');
  });

  test('a body over the size limit, announced by Content-Length', async () => {
    await failsWith(server, fetchProfile(`${server.url}/big-declared`, { maxBytes: 1024 * 1024 }), 'too-large', /larger than the size limit of 1 MiB \(the server announced 2 MiB\)/);
  });

  test('a Content-Encoding bomb stops at the size limit once decompressed, in bounded time', async () => {
    const t0 = Date.now();
    await failsWith(server, fetchProfile(`${server.url}/encoding-bomb`, { maxBytes: 4 * 1024 * 1024 }), 'too-large', /larger than the size limit of 4 MiB \(after decompression\)/);
    assert.ok(Date.now() - t0 < 20_000, `${Date.now() - t0} ms`);
  });

  test('a body over the size limit, streamed without a length', async () => {
    await failsWith(server, fetchProfile(`${server.url}/big-chunked`, { maxBytes: 1024 * 1024 }), 'too-large', /larger than the size limit of 1 MiB \(stopped after/);
  });

  test('cancellation through an AbortSignal', async () => {
    const controller = new AbortController();
    const pending = fetchProfile(`${server.url}/no-response`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await failsWith(server, pending, 'aborted', /cancelled/);
    assert.ok(Date.now() - started < 1000);
  });

  test('cancellation mid-body', async () => {
    const controller = new AbortController();
    const pending = fetchProfile(`${server.url}/stall`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 150);
    await failsWith(server, pending, 'aborted', /cancelled/);
  });

  test('an already aborted signal sends nothing', async () => {
    const before = server.requests.length;
    await failsWith(server, fetchProfile(`${server.url}/bin`, { signal: AbortSignal.abort() }), 'aborted', /cancelled/);
    assert.equal(server.requests.length, before);
  });

  test('fetchTextHead reads the start of an endless response and closes it', async () => {
    const head = await fetchTextHead(`${server.url}/endless`, 64);
    assert.match(head, /^goroutine profile: total 1234\n/);
    await server.waitForNoSockets();
  });

  test('fetchTextHead also reads the start of a compressed endless response', async () => {
    const head = await fetchTextHead(`${server.url}/endless-gzip`, 2048);
    assert.match(head, /^goroutine profile: total 77\n/);
    await server.waitForNoSockets();
  });

  test('a binary error body is not quoted; a compressed one is', async () => {
    await failsWith(server, fetchProfile(`${server.url}/binary-500`), 'http-status', /answered 500 Internal Server Error$/);
    await failsWith(server, fetchProfile(`${server.url}/gzip-error`), 'http-status', /answered 503 Service Unavailable: the service is draining$/);
  });

  test('URLs that are not http(s)', async () => {
    await failsWith(undefined, fetchProfile('ftp://127.0.0.1/heap'), 'bad-url', /only http and https/);
    await failsWith(undefined, fetchProfile('not a url'), 'bad-url', /not a valid URL/);
  });

  test('credentials in the URL never appear in messages', async () => {
    const port = await freePort();
    const err = await rejection(fetchProfile(`http://user:hunter2@127.0.0.1:${port}/heap`));
    assert.doesNotMatch(err.message, /hunter2/);
  });
});

describe('https', () => {
  let server: TestServer;
  const body = gzipBody(2000);
  before(async () => {
    server = await startServer((_req, res) => res.end(body), selfSignedCert());
  });
  after(() => server.close());

  test('a self-signed certificate is refused by default, with a message that says how to allow it', async () => {
    await failsWith(server, fetchProfile(`${server.url}/debug/pprof/heap`), 'tls', /self-signed .*allow its self-signed certificate/);
  });

  test('a self-signed certificate is accepted when the call says so', async () => {
    const bytes = await fetchProfile(`${server.url}/debug/pprof/heap`, { insecure: true });
    assert.deepEqual(Buffer.from(bytes), body);
    await server.waitForNoSockets();
  });

  test('insecure is per call, not remembered', async () => {
    await fetchProfile(`${server.url}/x`, { insecure: true });
    await failsWith(server, fetchProfile(`${server.url}/x`), 'tls', /self-signed/);
  });

  test('an https URL pointing at a plain http server', async () => {
    const plain = await startServer((_req, res) => res.end('hi'));
    try {
      await failsWith(plain, fetchProfile(plain.url.replace('http:', 'https:')), 'tls', /TLS handshake failed/);
    } finally {
      await plain.close();
    }
  });
});
