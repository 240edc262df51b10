import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseExpvarMemstats, parseGoroutineTotal, readRuntimeStats } from '../../../src/services/runtimeStats';
import { freePort, startServer, type TestServer } from '../transport/servers';

const memstats = { HeapInuse: 8_028_160, HeapAlloc: 6_000_000, StackInuse: 1_015_808, NumGC: 12, PauseTotalNs: 1_234_567, Alloc: 1 };

describe('readRuntimeStats', () => {
  let server: TestServer;
  const index = readFileSync(path.resolve('test/fixtures/transport/index-go1.19-leaky.html'), 'utf8');
  before(async () => {
    server = await startServer((req, res) => {
      const url = req.url ?? '';
      if (url === '/full/debug/vars' || url === '/no-goroutine/debug/vars') {
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(JSON.stringify({ cmdline: ['svc'], memstats }));
      } else if (url === '/full/debug/pprof/goroutine?debug=1') {
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        // A long text: only its head is read.
        res.end(`goroutine profile: total 629\n${'1 @ 0x43a2b6 0x44b4d5\n'.repeat(50_000)}`);
      } else if (url === '/no-expvar/debug/pprof/goroutine?debug=1') {
        res.end('goroutine profile: total 17\n');
      } else if (url === '/no-goroutine/debug/pprof/') {
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end(index);
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('404 page not found\n');
      }
    });
  });
  after(() => server.close());

  test('memstats from /debug/vars and the goroutine total from goroutine?debug=1', async () => {
    const stats = await readRuntimeStats({ name: 's', url: `${server.url}/full/debug/pprof/` }, { now: () => 5 });
    assert.deepEqual(stats, {
      takenAt: 5,
      goroutines: 629,
      memstats: { heapInuse: 8_028_160, heapAlloc: 6_000_000, stackInuse: 1_015_808, numGC: 12, pauseTotalNs: 1_234_567 },
      problems: [],
    });
    await server.waitForNoSockets();
  });

  test('without expvar: goroutines known, memstats null, the reason kept', async () => {
    const stats = await readRuntimeStats({ name: 's', url: `${server.url}/no-expvar/debug/pprof/` });
    assert.equal(stats.goroutines, 17);
    assert.equal(stats.memstats, null);
    assert.match(stats.problems[0] ?? '', /debug\/vars: the server answered 404 Not Found: 404 page not found/);
  });

  test('the goroutine count falls back to the index page', async () => {
    const stats = await readRuntimeStats({ name: 's', url: `${server.url}/no-goroutine/debug/pprof/` });
    const expected = /<td>(\d+)<\/td><td><a href='goroutine\?debug=1'>/.exec(index)?.[1];
    assert.equal(stats.goroutines, Number(expected));
    assert.equal(stats.memstats?.numGC, 12);
  });

  test('both sources down: one error', async () => {
    const port = await freePort();
    await assert.rejects(readRuntimeStats({ name: 's', url: `http://127.0.0.1:${port}/debug/pprof/` }), /connection refused/);
  });
});

describe('parsers', () => {
  test('parseGoroutineTotal', () => {
    assert.equal(parseGoroutineTotal('goroutine profile: total 10\n2 @ 0x1\n'), 10);
    assert.equal(parseGoroutineTotal('<html>'), null);
  });

  test('parseExpvarMemstats says what is missing', () => {
    assert.equal(parseExpvarMemstats(JSON.stringify({ memstats })).heapInuse, 8_028_160);
    assert.throws(() => parseExpvarMemstats('<html>'), /not JSON \(does the service import expvar\?\)/);
    assert.throws(() => parseExpvarMemstats('{"cmdline": []}'), /has no memstats/);
    assert.throws(() => parseExpvarMemstats('{"memstats": {"HeapInuse": "x"}}'), /has no number HeapInuse/);
  });
});
