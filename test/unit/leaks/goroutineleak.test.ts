/**
 * Go 1.26's goroutineleak profile marks suspects as confirmed. Go 1.26 does not run here (Debian's Go is
 * 1.19), so the service is a local HTTP server answering with a dump captured from examples/leaky-service
 * and, where Go 1.26 would serve its goroutineleak profile, the goroutines Go's leak detector reports:
 * the same dump's goroutines blocked for good in search.(*Service).Search.func1, marked `(leaked)` as
 * debug=2 prints them (../shared/formats.md). Everything between the socket and the ranking is real.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findLeakSuspects } from '../../../src/leaks/suspects';
import { takeLeakSnapshot } from '../../../src/leaks/watch';

const fixtures = path.resolve('test/fixtures');
const dump = readFileSync(path.join(fixtures, 'goroutines/leaky-service.debug2.txt'), 'utf8');
const index119 = readFileSync(path.join(fixtures, 'transport/index-go1.19-leaky.html'), 'utf8');
const LEAKING = 'example.com/leaky-service/internal/search.(*Service).Search.func1';

/** The goroutineleak profile at debug=2: only the leaked goroutines, each header marked `(leaked)`. */
const leakedDump = dump
  .split(/\n\n+/)
  .filter((block) => block.includes(`${LEAKING}()`))
  .map((block) => block.replace(/^(goroutine \d+ \[select)\]:/, '$1 (leaked)]:'))
  .join('\n\n');
/** Go 1.26's index lists the profile among the others. */
const index126 = index119.replace(
  "<tr><td>4</td><td><a href='heap?debug=1'>heap</a></td></tr>",
  "<tr><td>4</td><td><a href='heap?debug=1'>heap</a></td></tr>\n<tr><td>320</td><td><a href='goroutineleak?debug=1'>goroutineleak</a></td></tr>",
);

describe("leak suspects confirmed by Go's goroutineleak profile", () => {
  let server: http.Server;
  let base: string;
  let offersLeakProfile = true;
  const requested: string[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      requested.push(`${url.pathname}${url.search}`);
      const text = (body: string, type = 'text/plain; charset=utf-8') => {
        res.setHeader('content-type', type);
        res.end(body);
      };
      if (url.pathname === '/debug/pprof/') return text(offersLeakProfile ? index126 : index119, 'text/html; charset=utf-8');
      if (url.pathname === '/debug/pprof/goroutine' && url.searchParams.get('debug') === '2') return text(dump);
      if (url.pathname === '/debug/pprof/goroutineleak' && offersLeakProfile && url.searchParams.get('debug') === '2') return text(leakedDump);
      res.statusCode = 404;
      text('404 page not found\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/debug/pprof/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('the fixture holds what the test needs', () => {
    assert.equal(leakedDump.match(/^goroutine \d+ \[select \(leaked\)\]:/gm)?.length, 320);
  });

  it('marks the leaked group confirmed, even while its count stands still', async () => {
    offersLeakProfile = true;
    requested.length = 0;
    let clock = 1_700_000_000_000;
    const snapshots = [];
    for (let i = 0; i < 2; i++) snapshots.push(await takeLeakSnapshot(base, {}, () => (clock += 10_000)));
    assert.ok(requested.includes('/debug/pprof/goroutineleak?debug=2'), requested.join(' '));
    assert.equal(snapshots[0]?.leaked?.total, 320);
    const report = findLeakSuspects(snapshots, ['example.com/leaky-service']);
    const top = report.suspects[0];
    assert.ok(top, 'a suspect');
    assert.equal(top.kind, 'goroutines');
    assert.equal(top.function, LEAKING);
    assert.equal(top.confirmed, true);
    assert.equal(top.growth, 0);
    assert.ok(top.evidence.includes("Go's goroutineleak profile reports these goroutines as leaked"), top.evidence.join('\n'));
    assert.equal(report.suspects.filter((s) => s.confirmed).length, 1, 'only the leaked group is confirmed');
  });

  it('without the profile (Go before 1.26) the same flat count is no suspect, and nothing asks for it', async () => {
    offersLeakProfile = false;
    requested.length = 0;
    let clock = 1_700_000_000_000;
    const snapshots = [];
    for (let i = 0; i < 2; i++) snapshots.push(await takeLeakSnapshot(base, {}, () => (clock += 10_000)));
    assert.equal(requested.filter((r) => r.startsWith('/debug/pprof/goroutineleak')).length, 0);
    assert.equal(snapshots[0]?.leaked, null);
    assert.deepEqual(findLeakSuspects(snapshots, ['example.com/leaky-service']).suspects.filter((s) => s.kind === 'goroutines'), []);
  });
});
