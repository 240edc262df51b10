import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fillPathParams, LoadError, loadTarget, parseLoadSetting, runLoad } from '../../../src/handlers/load';

describe('loadTarget: the route on the attached service only', () => {
  const pprof = 'http://127.0.0.1:6060/debug/pprof/';

  test('same scheme, host and port as the pprof URL; GET by default', () => {
    assert.deepEqual(loadTarget(pprof, '/primes', null), { url: 'http://127.0.0.1:6060/primes', method: 'GET' });
    assert.deepEqual(loadTarget('https://svc.internal:8443/admin/debug/pprof/', '/x', 'post'), { url: 'https://svc.internal:8443/x', method: 'POST' });
  });

  test('path parameters of every router get a placeholder', () => {
    assert.equal(loadTarget(pprof, '/users/{id}/files/{rest...}', null).url, 'http://127.0.0.1:6060/users/1/files/1');
    assert.equal(loadTarget(pprof, '/users/:id/*path', null).url, 'http://127.0.0.1:6060/users/1/1');
    assert.equal(loadTarget(pprof, '/items/{id:[0-9]+}', null).url, 'http://127.0.0.1:6060/items/1');
    assert.equal(fillPathParams('/exact/{$}'), '/exact/');
  });

  test('a Go 1.22 pattern gives its method; the route wins over nothing, the registration method over the pattern', () => {
    assert.deepEqual(loadTarget(pprof, 'DELETE /items/{id}', null), { url: 'http://127.0.0.1:6060/items/1', method: 'DELETE' });
    assert.equal(loadTarget(pprof, 'GET /items/{id}', 'HEAD').method, 'HEAD');
  });

  test('a route can never point the load at another host', () => {
    assert.throws(() => loadTarget(pprof, 'evil.example.com/steal', null), /bound to host evil\.example\.com/);
    assert.throws(() => loadTarget(pprof, 'GET other.host/x', null), LoadError);
    // Tricks that parse as authority in a naive join stay paths on the attached origin.
    assert.equal(new URL(loadTarget(pprof, '//evil.example.com/x', null).url).host, '127.0.0.1:6060');
    assert.equal(new URL(loadTarget(pprof, '/@evil.example.com', null).url).host, '127.0.0.1:6060');
    assert.equal(loadTarget(pprof, '127.0.0.1/ok', null).url, 'http://127.0.0.1:6060/ok');
  });

  test('bad service URLs and methods are refused with one message', () => {
    assert.throws(() => loadTarget('not a url', '/x', null), /not a URL/);
    assert.throws(() => loadTarget('ftp://h/debug/pprof/', '/x', null), /not http/);
    assert.throws(() => loadTarget(pprof, '/x', 'CONNECT'), /CONNECT/);
  });
});

describe('parseLoadSetting', () => {
  test('"off" and absent mean no load', () => {
    assert.equal(parseLoadSetting('off'), undefined);
    assert.equal(parseLoadSetting(undefined), undefined);
  });
  test('concurrency and rate', () => {
    assert.deepEqual(parseLoadSetting({ concurrency: 4, ratePerSecond: 50 }), { concurrency: 4, ratePerSecond: 50 });
  });
  test('out-of-range or odd values are one clear error', () => {
    assert.throws(() => parseLoadSetting('on'), /must be "off" or/);
    assert.throws(() => parseLoadSetting({ concurrency: 0, ratePerSecond: 1 }), /concurrency/);
    assert.throws(() => parseLoadSetting({ concurrency: 1, ratePerSecond: 1e9 }), /ratePerSecond/);
  });
});

describe('runLoad against a local server', () => {
  let server: Server;
  let base = '';
  const seen: Array<{ method: string; url: string; host: string }> = [];
  let delayMs = 0;

  before(async () => {
    server = createServer((req: IncomingMessage, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', host: req.headers.host ?? '' });
      setTimeout(() => res.end(req.url === '/missing' ? (res.statusCode = 404, 'no') : 'ok'), delayMs);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('sends at the rate for the duration, then stops by itself', async () => {
    seen.length = 0;
    delayMs = 0;
    const target = loadTarget(`${base}/debug/pprof/`, '/users/{id}', null);
    const stats = await runLoad({ ...target, concurrency: 2, ratePerSecond: 40, durationMs: 500 });
    assert.equal(stats.stoppedBy, 'time');
    assert.ok(stats.sent >= 15 && stats.sent <= 21, `about 20 requests in 0.5 s at 40/s, sent ${stats.sent}`);
    assert.equal(stats.ok, stats.sent);
    assert.equal(seen.length, stats.sent);
    assert.ok(seen.every((r) => r.url === '/users/1' && r.method === 'GET' && r.host === new URL(base).host));
    assert.ok(stats.elapsedMs < 1500, `stopped in ${stats.elapsedMs} ms`);
  });

  test('never more than the request budget, and never more than `concurrency` in flight', async () => {
    seen.length = 0;
    delayMs = 50;
    let inFlight = 0;
    let peak = 0;
    const tracking: typeof fetch = async (input, init) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        return await fetch(input, init);
      } finally {
        inFlight--;
      }
    };
    const stats = await runLoad({ url: `${base}/a`, method: 'POST', concurrency: 3, ratePerSecond: 1000, durationMs: 3000, maxRequests: 12 }, tracking);
    assert.equal(stats.sent, 12);
    assert.equal(stats.stoppedBy, 'count');
    assert.equal(peak, 3);
    assert.ok(seen.every((r) => r.method === 'POST'));
  });

  test('abort stops it at once, requests in flight included', async () => {
    delayMs = 2000;
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);
    const started = Date.now();
    const stats = await runLoad({ url: `${base}/slow`, method: 'GET', concurrency: 2, ratePerSecond: 10, durationMs: 10_000, signal: abort.signal });
    assert.equal(stats.stoppedBy, 'abort');
    assert.ok(Date.now() - started < 1000, `stopped after ${Date.now() - started} ms`);
    assert.equal(stats.ok, 0);
    assert.equal(stats.statuses.error, stats.sent);
  });

  test('status codes are counted, failures are not errors of the run', async () => {
    delayMs = 0;
    const stats = await runLoad({ url: `${base}/missing`, method: 'GET', concurrency: 1, ratePerSecond: 50, durationMs: 200 });
    assert.ok(stats.sent > 0);
    assert.equal(stats.statuses['404'], stats.sent);
    assert.equal(stats.ok, 0);
  });

  test('a closed port counts errors and still ends on time', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const stats = await runLoad({ url: `http://127.0.0.1:${port}/x`, method: 'GET', concurrency: 1, ratePerSecond: 20, durationMs: 300 });
    assert.ok(stats.sent > 0);
    assert.equal(stats.statuses.error, stats.sent);
    assert.equal(stats.stoppedBy, 'time');
  });
});
