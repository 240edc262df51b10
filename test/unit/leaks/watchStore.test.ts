/**
 * Leak watches on disk: snapshots captured from examples/leaky-service (fixtures) go in and come back
 * equal, heap profiles as the bytes the service sent; damage to one file costs that file only; the
 * oldest watches go beyond the cap.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { clusterGoroutines } from '../../../src/goroutines/cluster';
import { loadGoroutines } from '../../../src/goroutines/load';
import { findLeakSuspects, type LeakSnapshot } from '../../../src/leaks/suspects';
import { WatchStore, WatchStoreError } from '../../../src/leaks/watchStore';
import { decodeProfile } from '../../../src/pprof/decode';

const fixtures = path.resolve('test/fixtures');
const dumpBytes = readFileSync(path.join(fixtures, 'goroutines/leaky-service.debug2.txt'));
const heapBytes = [readFileSync(path.join(fixtures, 'pprof/heap-1.pb.gz')), readFileSync(path.join(fixtures, 'pprof/heap-2.pb.gz'))];
const root = mkdtempSync(path.join(os.tmpdir(), 'goroscope-watch-store-'));
after(() => rmSync(root, { recursive: true, force: true }));

function snapshot(i: number): { snapshot: LeakSnapshot; heapBytes: Buffer } {
  const bytes = heapBytes[i % 2] as Buffer;
  return {
    snapshot: {
      takenAt: 1_700_000_000_000 + i * 10_000,
      goroutines: clusterGoroutines(loadGoroutines(dumpBytes)),
      heap: decodeProfile(bytes),
      memstats: { heapInuse: 1e6 * (i + 1), heapAlloc: 9e5 * (i + 1), stackInuse: 65536 * (i + 1), numGC: 3 + i },
      leaked: null,
      problems: i === 1 ? ['memstats: /debug/vars is not served'] : [],
    },
    heapBytes: bytes,
  };
}

const meta = (service: string, startedAt: number) => ({ service, baseUrl: `http://127.0.0.1:6060/debug/pprof/`, intervalSeconds: 10, startedAt });

describe('WatchStore', () => {
  it('gives back what it stored, in order, and the same suspects', async () => {
    const store = new WatchStore(path.join(root, 'roundtrip'));
    const watch = await store.create(meta('leaky', 1_700_000_000_000));
    const taken = [0, 1, 2].map(snapshot);
    for (const [i, t] of taken.entries()) await store.append(watch.id, i, t.snapshot, t.heapBytes);
    const heapFiles = readdirSync(path.join(root, 'roundtrip', watch.id)).filter((f) => f.endsWith('.heap.pb.gz')).sort();
    assert.deepEqual(readFileSync(path.join(root, 'roundtrip', watch.id, heapFiles[0] as string)), heapBytes[0], 'the heap profile as the service sent it');

    const loaded = await store.load(watch.id);
    assert.deepEqual(loaded.meta, watch);
    assert.deepEqual(loaded.problems, []);
    assert.equal(loaded.nextIndex, 3);
    assert.deepEqual(loaded.snapshots, taken.map((t) => t.snapshot));
    assert.deepEqual(findLeakSuspects(loaded.snapshots, ['example.com/leaky-service']), findLeakSuspects(taken.map((t) => t.snapshot), ['example.com/leaky-service']));

    const [info] = await store.list();
    assert.equal(info?.id, watch.id);
    assert.equal(info?.snapshots, 3);
    assert.equal(info?.service, 'leaky');
  });

  it('skips a damaged snapshot file and says which; a damaged heap file costs only the heap', async () => {
    const dir = path.join(root, 'damaged');
    const store = new WatchStore(dir);
    const watch = await store.create(meta('leaky', 1_700_000_100_000));
    for (const i of [0, 1, 2]) await store.append(watch.id, i, snapshot(i).snapshot, snapshot(i).heapBytes);
    writeFileSync(path.join(dir, watch.id, '000001.json'), '{"format":1,"takenAt":'); // cut off
    writeFileSync(path.join(dir, watch.id, '000002.heap.pb.gz'), heapBytes[0]!.subarray(0, 100));
    const loaded = await store.load(watch.id);
    assert.equal(loaded.snapshots.length, 2);
    assert.equal(loaded.problems.length, 1);
    assert.match(loaded.problems[0] ?? '', /^000001\.json: /);
    assert.equal(loaded.snapshots[1]?.heap, null);
    assert.ok(loaded.snapshots[1]?.goroutines, 'the rest of that snapshot is there');
    assert.match(loaded.snapshots[1]?.problems.join('\n') ?? '', /heap \(stored\): truncated gzip data/);
    assert.equal(loaded.nextIndex, 3, 'new snapshots never overwrite a damaged file');
  });

  it('leaves out a watch whose watch.json is unreadable, and loading it says so in one message', async () => {
    const dir = path.join(root, 'bad-meta');
    const store = new WatchStore(dir);
    const good = await store.create(meta('good', 1_700_000_200_000));
    const bad = await store.create(meta('bad', 1_700_000_300_000));
    writeFileSync(path.join(dir, bad.id, 'watch.json'), '<html>');
    assert.deepEqual((await store.list()).map((w) => w.id), [good.id]);
    await assert.rejects(store.load(bad.id), (err: Error) => err instanceof WatchStoreError && /cannot be read/.test(err.message));
    await assert.rejects(store.load('../../etc'), WatchStoreError);
  });

  it('keeps at most the cap, dropping the oldest', async () => {
    const dir = path.join(root, 'cap');
    const store = new WatchStore(dir, 2);
    const a = await store.create(meta('a', 1_700_000_000_000));
    const b = await store.create(meta('b', 1_700_000_001_000));
    const c = await store.create(meta('c', 1_700_000_002_000));
    assert.deepEqual((await store.list()).map((w) => w.id), [c.id, b.id]);
    await assert.rejects(store.load(a.id), WatchStoreError);
  });
});
