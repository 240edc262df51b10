/**
 * Leak snapshots and suspects with Go's goroutineleak profile, over a local HTTP server that answers as
 * examples/leaky-service under Go 1.27.3 did (test/fixtures/goroutines: its index, goroutine?debug=2
 * before the detection pass, goroutineleak?debug=2, goroutine?debug=2 after the pass, all captured from
 * one process) — or as the same service under Go 1.19.8, which has no such profile. Everything between
 * the socket and the ranking is real; test/integration/watch.test.ts does the same against the running
 * service.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { GoroutineLeakPolicy } from '../../../src/leaks/leakDetection';
import { findLeakSuspects, type LeakSnapshot } from '../../../src/leaks/suspects';
import { takeLeakSnapshot } from '../../../src/leaks/watch';

const fixtures = path.resolve('test/fixtures');
const read = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');
const QUOTE = /api\.\(\*Server\)\.handleQuote\.func[12]$/;
const SEARCH = /search\.\(\*Service\)\.Search\.func1$/;
const USER_MODULES = ['example.com/leaky-service'];

describe("leak suspects confirmed by Go's goroutineleak profile", () => {
  let server: http.Server;
  let base: string;
  let go: 'go1.27.3' | 'go1.19.8' = 'go1.27.3';
  /** Whether the service ran a detection pass: its later goroutine dumps mark what it proved. */
  let passRan = false;
  const requested: string[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      requested.push(`${url.pathname}${url.search}`);
      const text = (body: string, type = 'text/plain; charset=utf-8') => {
        res.setHeader('content-type', type);
        res.end(body);
      };
      const debug = url.searchParams.get('debug');
      if (url.pathname === '/debug/pprof/') return text(read(go === 'go1.27.3' ? 'transport/index-go1.27.3-leaky.html' : 'transport/index-go1.19-leaky.html'), 'text/html; charset=utf-8');
      if (url.pathname === '/debug/pprof/goroutine' && debug === '2') {
        if (go === 'go1.19.8') return text(read('goroutines/go1.19.8-leaky-service.debug2.txt'));
        return text(read(passRan ? 'goroutines/leaky-service.after-leak-pass.debug2.txt' : 'goroutines/leaky-service.debug2.txt'));
      }
      if (url.pathname === '/debug/pprof/goroutine' && debug === '1' && go === 'go1.19.8') return text(read('goroutines/go1.19.8-leaky-service.debug1.txt'));
      if (url.pathname === '/debug/pprof/goroutineleak' && go === 'go1.27.3' && debug === '2') {
        passRan = true;
        return text(read('goroutines/leaky-service.goroutineleak.debug2.txt'));
      }
      res.statusCode = 404;
      text('404 page not found\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/debug/pprof/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    requested.length = 0;
    passRan = false;
  });

  /** `count` snapshots 10 s apart, the policy deciding when Go's detection runs. */
  async function watch(count: number, policy: GoroutineLeakPolicy): Promise<LeakSnapshot[]> {
    let clock = 1_700_000_000_000;
    const snapshots = [];
    for (let i = 0; i < count; i++) {
      const now = (clock += 10_000);
      snapshots.push(await takeLeakSnapshot(base, {}, () => now, (b) => policy.claim(b, now)));
    }
    return snapshots;
  }

  it('the detection runs once a minute at most: goroutineleak?debug=2 first, then plain dumps that keep its marks', async () => {
    go = 'go1.27.3';
    const snapshots = await watch(3, new GoroutineLeakPolicy('auto'));
    const dumps = requested.filter((r) => /\/goroutine(leak)?\?debug=2$/.test(r));
    assert.deepEqual(dumps, ['/debug/pprof/goroutineleak?debug=2', '/debug/pprof/goroutine?debug=2', '/debug/pprof/goroutine?debug=2']);
    assert.deepEqual(snapshots.map((s) => s.leakDetection), ['ran', 'earlier', 'earlier']);
    assert.ok(!requested.some((r) => r.includes('debug=1')), 'the dumps print labels: no debug=1 join');
    const proven = snapshots.map((s) => s.goroutines?.leaked ?? -1);
    assert.ok(proven.every((n) => n > 0), `every snapshot counts the proven goroutines: ${proven.join(', ')}`);
  });

  it("marks the proven groups confirmed with the count Go proved, even while their count stands still; the search leak Go cannot prove is not", async () => {
    go = 'go1.27.3';
    const snapshots = await watch(2, new GoroutineLeakPolicy('auto'));
    const report = findLeakSuspects(snapshots, USER_MODULES);
    const confirmed = report.suspects.filter((s) => s.confirmedByRuntime > 0);
    assert.equal(confirmed.length, 2, JSON.stringify(report.suspects.map((s) => [s.function, s.confirmedByRuntime])));
    const last = snapshots.at(-1)?.goroutines;
    for (const s of confirmed) {
      assert.match(s.function, QUOTE);
      const group = last?.groups.find((g) => g.frames === s.frames || g.frames.map((f) => f.function).join() === s.frames?.map((f) => f.function).join());
      assert.equal(s.confirmedByRuntime, group?.leaked, 'the count proved at the last snapshot');
      assert.ok(s.evidence.some((e) => /^the Go runtime proved (all )?\d+ .*leaked: nothing can ever wake (it|them) \(goroutineleak\)$/.test(e)), s.evidence.join('\n'));
    }
    assert.deepEqual(report.suspects.slice(0, 2), confirmed, 'proven suspects rank first');
    const search = report.suspects.find((s) => SEARCH.test(s.function));
    assert.equal(search?.confirmedByRuntime ?? 0, 0, 'the search goroutines select on a channel the service still holds: not provable');
  });

  it('with the setting off, nothing asks for the profile (the plain dump is read)', async () => {
    go = 'go1.27.3';
    const snapshots = await watch(2, new GoroutineLeakPolicy('off'));
    assert.equal(requested.filter((r) => r.startsWith('/debug/pprof/goroutineleak')).length, 0);
    assert.deepEqual(snapshots.map((s) => s.leakDetection), ['off', 'off']);
    assert.ok(findLeakSuspects(snapshots, USER_MODULES).suspects.every((s) => s.confirmedByRuntime === 0));
  });

  it('without the profile (Go before 1.26) nothing asks for it, labels come from debug=1, nothing is confirmed', async () => {
    go = 'go1.19.8';
    const snapshots = await watch(2, new GoroutineLeakPolicy('auto'));
    assert.equal(requested.filter((r) => r.startsWith('/debug/pprof/goroutineleak')).length, 0);
    assert.deepEqual(snapshots.map((s) => s.leakDetection), ['not offered', 'not offered']);
    assert.equal(snapshots[0]?.goroutines?.groups[0]?.labels?.['route'], '/search');
    const report = findLeakSuspects(snapshots, USER_MODULES);
    assert.deepEqual(report.suspects.filter((s) => s.kind === 'goroutines'), [], 'a flat count without proof is no suspect');
  });
});

describe('GoroutineLeakPolicy', () => {
  it('auto: one pass a minute per service; off: none', () => {
    const policy = new GoroutineLeakPolicy('auto');
    assert.equal(policy.claim('http://a/debug/pprof/', 0), 'ran');
    assert.equal(policy.claim('http://a/debug/pprof/', 59_999), 'earlier');
    assert.equal(policy.claim('http://b/debug/pprof/', 30_000), 'ran', 'another service has its own minute');
    assert.equal(policy.claim('http://a/debug/pprof/', 60_000), 'ran');
    policy.setSetting('off');
    assert.equal(policy.claim('http://c/debug/pprof/', 500_000), 'off');
  });
});
