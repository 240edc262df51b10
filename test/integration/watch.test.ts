import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { findLeakSuspects, inuseBySite, type LeakReport, type LeakSnapshot } from '../../src/leaks/suspects';
import { takeLeakSnapshot, watchService } from '../../src/leaks/watch';
import { buildLeakyService, startLeakyService, type LeakyService } from './leakyService';

// The demo service leaks goroutines (hedged search; timed-out quotes, which Go 1.27.3 proves leaked) and
// heap (sessions) at known rates under its own traffic, and has a product cache that fills and then stays
// flat (kept small here so it is full before the watch ends its first steps).
let service: LeakyService;
let cleanup: () => void = () => undefined;
let report: LeakReport;
let snapshots: LeakSnapshot[] = [];

before(async () => {
  const built = await buildLeakyService();
  cleanup = built.cleanup;
  service = await startLeakyService(built.binary, ['-traffic', '20', '-catalog-cache', '16', '-health-interval', '0']);
  // Let the small cache fill before the first snapshot.
  await new Promise((r) => setTimeout(r, 3000));
  snapshots = await watchService(service.pprof, { intervalSeconds: 2, count: 7 });
  report = findLeakSuspects(snapshots, ['example.com/leaky-service']);
});

after(async () => {
  await service?.stop();
  cleanup();
});

test('watch: seven snapshots with goroutines, heap and memstats, series filled', () => {
  assert.equal(report.snapshots, 7);
  assert.equal(report.series.goroutines.filter((x) => x !== null).length, 7);
  assert.equal(report.series.heapInuse.filter((x) => x !== null).length, 7);
  assert.ok((report.series.goroutines[6] ?? 0) > (report.series.goroutines[0] ?? 0), JSON.stringify(report.series.goroutines));
});

test('watch: Go\'s leak detection ran once (the first snapshot), and the quote goroutines it proved rank first, confirmed', () => {
  assert.deepEqual(snapshots.map((s) => s.leakDetection), ['ran', 'earlier', 'earlier', 'earlier', 'earlier', 'earlier', 'earlier']);
  const confirmed = report.suspects.filter((s) => s.confirmedByRuntime > 0);
  assert.ok(confirmed.length >= 1, JSON.stringify(report.suspects.map((s) => [s.function, s.confirmedByRuntime])));
  assert.deepEqual(report.suspects.slice(0, confirmed.length), confirmed);
  const last = snapshots.at(-1)?.goroutines;
  for (const s of confirmed) {
    assert.match(s.function, /internal\/api\.\(\*Server\)\.handleQuote\.func[12]$/);
    const group = last?.groups.find((g) => g.frames === s.frames);
    assert.equal(s.confirmedByRuntime, group?.leaked, 'the count the runtime proved, as the last snapshot marks it');
  }
});

test('watch: the leaking search goroutines, which Go cannot prove, are the top unconfirmed goroutine suspect', () => {
  const top = report.suspects.find((s) => s.kind === 'goroutines' && s.confirmedByRuntime === 0);
  assert.ok(top, JSON.stringify(report.suspects.map((s) => s.function)));
  assert.match(top.function, /internal\/search\.\(\*Service\)\.Search\.func1$/);
  assert.ok(top.growth > 20, `growth ${top.growth}`);
});

test('watch: the session store is the top heap suspect', () => {
  const top = report.suspects.find((s) => s.kind === 'heap');
  // On failure, say what the heap snapshots held for the session store, and what went wrong.
  const trend = snapshots.map((s) => (s.heap ? [...inuseBySite(s.heap, ['example.com/leaky-service'])].find(([k]) => k.endsWith('sessions.(*Store).Create'))?.[1].bytes ?? 0 : null));
  assert.ok(top, `suspects ${JSON.stringify(report.suspects.map((s) => s.function))}; Store.Create in use per snapshot ${JSON.stringify(trend)}; problems ${JSON.stringify(snapshots.map((s) => s.problems))}`);
  assert.match(top.function, /internal\/sessions\.\(\*Store\)\.Create$/);
  assert.ok(top.growth > 1 << 20, `growth ${top.growth}`);
});

test('watch: the product cache that fills and levels off is not a suspect', () => {
  const cache = report.suspects.filter((s) => /catalog|product/i.test(s.function));
  assert.deepEqual(cache.map((s) => `${s.function}: ${s.evidence.join('; ')}`), []);
});

test('watch: a service that stopped answering gives a snapshot with problems, not an exception', async () => {
  const snap = await takeLeakSnapshot('http://127.0.0.1:9/debug/pprof/', { connectTimeoutMs: 500 });
  assert.equal(snap.goroutines, null);
  assert.equal(snap.heap, null);
  assert.ok(snap.problems.length >= 3);
  assert.match(snap.problems.join('\n'), /refused/i);
});
