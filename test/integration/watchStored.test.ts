/**
 * A stored leak watch, end to end through the goroutines worker the extension uses (dist/goroutinesWorker.js,
 * `npm run build`) against examples/leaky-service: snapshots are stored as they are taken, through the
 * service going down and coming back as a new process; a new worker (what a window reload leaves) lists
 * the watch, shows the same snapshots, series, restarts and suspects, continues it (one appender at a
 * time) and a later reload sees the added snapshot.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { GoroutinesWorker } from '../../src/goroutines/analyzeInWorker';
import type { GoroutinesWorkerResults } from '../../src/protocol/goroutinesWorker';
import { GoroutineLeakPolicy } from '../../src/leaks/leakDetection';
import { buildLeakyService, freePort, startLeakyService, type LeakyService } from './leakyService';

const script = path.resolve('dist/goroutinesWorker.js');
const USER = ['example.com/leaky-service'];
const FETCH = { connectTimeoutMs: 1000, readTimeoutMs: 5000 };

test('watch stored: a reload loses nothing taken, through a restart of the service, and the watch continues', async () => {
  const built = await buildLeakyService();
  const port = await freePort();
  const args = ['-addr', `127.0.0.1:${port}`, '-traffic', '20', '-health-interval', '0'];
  let service: LeakyService | undefined = await startLeakyService(built.binary, args);
  const base = service.pprof;
  const root = mkdtempSync(path.join(os.tmpdir(), 'goroscope-watch-stored-'));
  const store = { root, maxWatches: 10 };
  let worker = new GoroutinesWorker(script);
  const leakPolicy = new GoroutineLeakPolicy('auto');
  try {
    const meta = await worker.watchStart({ watchId: 1, store, meta: { service: 'leaky', baseUrl: base, intervalSeconds: 1, startedAt: Date.now() } });
    const taken: Array<GoroutinesWorkerResults['watchSnapshot']> = [];
    const snap = async (watchId: number) => {
      taken.push(await worker.watchSnapshot({ watchId, baseUrl: base, fetch: FETCH, userModules: USER, leakPass: leakPolicy.claim(base) }));
      await new Promise((r) => setTimeout(r, 1000));
    };
    await snap(1);
    await snap(1);
    await service.stop();
    await snap(1); // the service is down
    service = await startLeakyService(built.binary, args); // back, as a new process
    await snap(1);
    await snap(1);
    const live = taken.at(-1)?.report;
    assert.ok(live);
    assert.equal(taken[2]?.snapshot.goroutines, null);
    assert.match(taken[2]?.snapshot.problems.join('\n') ?? '', /refused|reset|timed out/i);
    assert.ok(taken.every((t) => !t.snapshot.problems.some((p) => p.startsWith('not stored'))), JSON.stringify(taken.map((t) => t.snapshot.problems)));

    // A window reload: the worker and every snapshot it held in memory are gone.
    worker.dispose();
    worker = new GoroutinesWorker(script);
    const listing = await worker.watchList({ store });
    assert.deepEqual(listing.watches.map((w) => [w.id, w.service, w.snapshots]), [[meta.id, 'leaky', 5]]);
    assert.deepEqual(listing.running, []);
    assert.deepEqual(listing.unreadable, []);

    const shown = await worker.watchResume({ watchId: 1, store, storedId: meta.id, userModules: USER, append: false });
    assert.deepEqual(shown.problems, []);
    assert.deepEqual(shown.snapshots, taken.map((t) => t.snapshot), 'every snapshot, the failed one included');
    assert.deepEqual(shown.report, live, 'series, restarts and suspects recomputed from disk are the ones the live watch had');
    assert.equal(shown.report.restarts.length, 1, `the restart is seen again: GC counts ${JSON.stringify(shown.report.series.numGC)}`);
    assert.ok(shown.report.series.heapInuse.filter((v) => v !== null).length === 4, 'four heap samples (the service was down for one)');

    // Continue: loaded first, then appended to; one appender at a time; not deletable meanwhile.
    const resumed = await worker.watchResume({ watchId: 2, store, storedId: meta.id, userModules: USER, append: true });
    assert.equal(resumed.snapshots.length, 5);
    await assert.rejects(worker.watchResume({ watchId: 3, store, storedId: meta.id, userModules: USER, append: true }), /taking snapshots already/);
    await assert.rejects(worker.watchDelete({ store, storedId: meta.id }), /taking snapshots/);
    assert.deepEqual((await worker.watchList({ store })).running, [meta.id]);
    await snap(2);
    assert.equal(taken.at(-1)?.report.snapshots, 6, 'the new snapshot is ranked with the stored ones');
    await worker.watchClose(2);

    worker.dispose();
    worker = new GoroutinesWorker(script);
    const again = await worker.watchResume({ watchId: 1, store, storedId: meta.id, userModules: USER, append: false });
    assert.deepEqual(again.snapshots, taken.map((t) => t.snapshot));
    await worker.watchDelete({ store, storedId: meta.id });
    assert.deepEqual((await worker.watchList({ store })).watches, []);
  } finally {
    worker.dispose();
    await service?.stop();
    built.cleanup();
    rmSync(root, { recursive: true, force: true });
  }
});
