/**
 * Taking leak snapshots (src/leaks/watch.ts) over a local HTTP server that answers with what
 * examples/leaky-service served under Go 1.27.3 (captured fixtures), and fails one part at a time: each
 * failure is one problem naming its part, the rest of the snapshot is kept. watchService takes `count`
 * snapshots an interval apart, stops when aborted, and asks for Go's detection pass at most once a minute.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { GoroutineGroup, GoroutineSummary } from '../../../src/goroutines/model';
import { GOROUTINE_LEAK_SETTINGS, GoroutineLeakPolicy, isGoroutineLeakSetting } from '../../../src/leaks/leakDetection';
import { leanSummary, takeLeakSnapshot, watchService } from '../../../src/leaks/watch';

const fixtures = path.resolve('test/fixtures');
const read = (name: string) => readFileSync(path.join(fixtures, name));
const heapBytes = read('pprof/heap-1.pb.gz');
const VARS = JSON.stringify({ cmdline: ['leaky-service'], memstats: { HeapInuse: 4_194_304, HeapAlloc: 3_000_000, StackInuse: 524_288, NumGC: 12, PauseTotalNs: 1_000_000 } });

/** Parts the server fails (404) or breaks (500). */
const broken = new Set<string>();
const requested: string[] = [];
let server: http.Server;
let base: string;

before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requested.push(`${url.pathname}${url.search}`);
    const part = url.pathname === '/debug/vars' ? 'vars' : url.pathname === '/debug/pprof/' ? 'index' : url.pathname.replace('/debug/pprof/', '');
    if (broken.has(part)) {
      res.statusCode = part === 'heap' ? 500 : 404;
      res.end(part === 'heap' ? 'boom\n' : '404 page not found\n');
      return;
    }
    const debug = url.searchParams.get('debug');
    if (part === 'index') return void res.setHeader('content-type', 'text/html').end(read('transport/index-go1.27.3-leaky.html'));
    if (part === 'vars') return void res.setHeader('content-type', 'application/json').end(VARS);
    if (part === 'heap') return void res.setHeader('content-type', 'application/octet-stream').end(heapBytes);
    if (part === 'goroutineleak' && debug === '2') return void res.end(read('goroutines/leaky-service.goroutineleak.debug2.txt'));
    if (part === 'goroutine' && debug === '2') return void res.end(read('goroutines/leaky-service.after-leak-pass.debug2.txt'));
    res.statusCode = 404;
    res.end('404 page not found\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/debug/pprof/`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  broken.clear();
  requested.length = 0;
});

describe('takeLeakSnapshot', () => {
  it('takes goroutines, a heap profile after a GC and memstats, at the given time', async () => {
    const s = await takeLeakSnapshot(base, {}, () => 1_700_000_000_000, () => 'ran');
    assert.equal(s.takenAt, 1_700_000_000_000);
    assert.deepEqual(s.problems, []);
    assert.equal(s.leakDetection, 'ran');
    assert.ok((s.goroutines?.leaked ?? 0) > 0, 'read from goroutineleak?debug=2: the proven goroutines are counted');
    assert.ok(s.heap && s.heap.samples.length > 0);
    assert.deepEqual(Buffer.from(s.heapBytes ?? []), heapBytes, 'the heap profile as the service sent it');
    assert.deepEqual(s.memstats, { heapInuse: 4_194_304, heapAlloc: 3_000_000, stackInuse: 524_288, numGC: 12 });
    assert.ok(requested.includes('/debug/pprof/goroutineleak?debug=2'));
    assert.ok(requested.includes('/debug/pprof/heap?gc=1'), requested.join(' '));
    assert.ok(!requested.some((r) => r.includes('debug=1')), 'labels are in the headers: no debug=1 join');
  });

  it("reads the plain dump when the pass ran earlier or is off, and says which", async () => {
    for (const when of ['earlier', 'off'] as const) {
      requested.length = 0;
      const s = await takeLeakSnapshot(base, {}, Date.now, () => when);
      assert.equal(s.leakDetection, when);
      assert.ok(requested.includes('/debug/pprof/goroutine?debug=2'));
      assert.ok(!requested.some((r) => r.startsWith('/debug/pprof/goroutineleak')));
    }
  });

  it('without expvar: memstats null and one problem saying how to get them; the rest is kept', async () => {
    broken.add('vars');
    const s = await takeLeakSnapshot(base, {}, Date.now, () => 'ran');
    assert.equal(s.memstats, null);
    assert.ok(s.goroutines && s.heap);
    assert.deepEqual(s.problems, ['memstats: /debug/vars is not served (import _ "expvar" in the service to see stack in use and GC counts)']);
  });

  it('a service that answers nothing: each part one problem of its own, nothing invented', async () => {
    for (const part of ['index', 'vars', 'heap', 'goroutine', 'goroutineleak']) broken.add(part);
    const s = await takeLeakSnapshot(base, {}, Date.now, () => 'ran');
    assert.equal(s.goroutines, null);
    assert.equal(s.heap, null);
    assert.equal(s.memstats, null);
    assert.equal('heapBytes' in s, false);
    assert.equal(s.leakDetection, null, 'the index did not say whether the profile is offered');
    assert.deepEqual(s.problems.map((p) => p.split(':')[0]).sort(), ['goroutines', 'heap', 'memstats'], s.problems.join('\n'));
    assert.ok(!s.problems.some((p) => p.includes('import _ "expvar"')), 'no expvar hint when the service is not answering at all');
    assert.match(s.problems.find((p) => p.startsWith('heap:')) ?? '', /500/);
  });

  it('a failed heap profile costs the heap only', async () => {
    broken.add('heap');
    const s = await takeLeakSnapshot(base, {}, Date.now, () => 'earlier');
    assert.equal(s.heap, null);
    assert.equal('heapBytes' in s, false);
    assert.ok(s.goroutines && s.memstats);
    assert.equal(s.problems.length, 1);
    assert.match(s.problems[0] ?? '', /^heap: /);
  });

  it('an index that cannot be read: detection unknown, the plain dump read', async () => {
    broken.add('index');
    const s = await takeLeakSnapshot(base, {}, Date.now, () => 'ran');
    assert.equal(s.leakDetection, null);
    assert.ok(requested.includes('/debug/pprof/goroutine?debug=2'));
    assert.ok(s.goroutines);
  });
});

describe('leanSummary', () => {
  const group = (ids: number): GoroutineGroup => ({
    count: ids,
    leaked: 0,
    state: 'select',
    minWaitMinutes: null,
    maxWaitMinutes: null,
    createdBy: null,
    lockedToThread: false,
    labels: null,
    frames: [],
    ids: Array.from({ length: ids }, (_, i) => i + 1),
  });

  it('keeps the first ids of a group over the limit, counts whole; groups within it untouched', () => {
    const summary: GoroutineSummary = { total: 13, leaked: 0, truncated: false, states: { select: 13 }, groups: [group(8), group(5), group(2)] };
    const lean = leanSummary(summary, 5);
    assert.deepEqual(lean.groups.map((g) => g.ids), [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2]]);
    assert.deepEqual(lean.groups.map((g) => g.count), [8, 5, 2]);
    assert.equal(lean.groups[1], summary.groups[1], 'a group at the limit is the same object');
    assert.equal(lean.total, 13);
    assert.equal(summary.groups[0]?.ids.length, 8, 'the summary given is not changed');
  });
});

describe('watchService', () => {
  it('takes count snapshots an interval apart, telling each as it comes; the detection pass once a minute', async () => {
    const told: number[] = [];
    const takenAt: number[] = [];
    const snapshots = await watchService(base, {
      intervalSeconds: 0.3,
      count: 3,
      onSnapshot: (s, i) => {
        told.push(i);
        takenAt.push(s.takenAt);
      },
    });
    assert.equal(snapshots.length, 3);
    assert.deepEqual(told, [0, 1, 2]);
    assert.deepEqual(snapshots.map((s) => s.takenAt), takenAt);
    for (let i = 1; i < takenAt.length; i++) assert.ok((takenAt[i] as number) - (takenAt[i - 1] as number) >= 290, `snapshots ${takenAt.join(', ')}`);
    assert.deepEqual(snapshots.map((s) => s.leakDetection), ['ran', 'earlier', 'earlier'], 'the default policy: auto');
    assert.equal(requested.filter((r) => r.startsWith('/debug/pprof/goroutineleak')).length, 1);
  });

  it('does not wait after the last snapshot', async () => {
    const t0 = Date.now();
    await watchService(base, { intervalSeconds: 30, count: 1 });
    assert.ok(Date.now() - t0 < 10_000, `${Date.now() - t0} ms`);
  });

  it("uses the policy it is given", async () => {
    const snapshots = await watchService(base, { intervalSeconds: 0, count: 2, leakPolicy: new GoroutineLeakPolicy('off') });
    assert.deepEqual(snapshots.map((s) => s.leakDetection), ['off', 'off']);
  });

  it('stops when aborted: before the first snapshot, and while waiting for the next', async () => {
    const aborted = new AbortController();
    aborted.abort();
    assert.deepEqual(await watchService(base, { intervalSeconds: 0, count: 3, signal: aborted.signal }), []);
    const controller = new AbortController();
    const t0 = Date.now();
    const snapshots = await watchService(base, { intervalSeconds: 60, count: 3, signal: controller.signal, onSnapshot: () => setTimeout(() => controller.abort(), 50) });
    assert.equal(snapshots.length, 1);
    assert.ok(Date.now() - t0 < 20_000, `stopped waiting after ${Date.now() - t0} ms`);
  });
});

describe('GoroutineLeakPolicy and its setting', () => {
  it('a clock that went back claims a new pass rather than waiting for the old minute', () => {
    const policy = new GoroutineLeakPolicy('auto', 60_000);
    assert.equal(policy.claim('http://a/', 100_000), 'ran');
    assert.equal(policy.claim('http://a/', 99_000), 'ran');
    assert.equal(policy.claim('http://a/', 100_000), 'earlier');
  });

  it('the interval is the policy’s own', () => {
    const policy = new GoroutineLeakPolicy('auto', 1_000);
    assert.equal(policy.claim('http://a/', 0), 'ran');
    assert.equal(policy.claim('http://a/', 999), 'earlier');
    assert.equal(policy.claim('http://a/', 1_000), 'ran');
    assert.equal(new GoroutineLeakPolicy().claim('http://a/', 0), 'ran', 'auto by default');
  });

  it('settings: auto and off, nothing else', () => {
    assert.deepEqual(GOROUTINE_LEAK_SETTINGS, ['auto', 'off']);
    for (const s of GOROUTINE_LEAK_SETTINGS) assert.ok(isGoroutineLeakSetting(s));
    for (const s of ['on', 'AUTO', '', null, undefined, 1]) assert.equal(isGoroutineLeakSetting(s), false, String(s));
  });
});
