/**
 * Leak watches on disk: snapshots built from a dump and heap profiles captured from examples/leaky-service
 * (fixtures) go in and come back equal, heap profiles as the bytes the service sent, the rest gzipped;
 * damage to one file costs that file only, with one message naming it; a watch whose watch.json is
 * damaged is listed apart; nothing is overwritten; the least recently active watches go beyond the cap,
 * never one still taking snapshots.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { clusterGoroutines } from '../../../src/goroutines/cluster';
import { loadGoroutines } from '../../../src/goroutines/load';
import { findLeakSuspects, type LeakSnapshot } from '../../../src/leaks/suspects';
import { leanSummary } from '../../../src/leaks/watch';
import { WatchStore, WatchStoreError } from '../../../src/leaks/watchStore';
import { decodeProfile } from '../../../src/pprof/decode';

const fixtures = path.resolve('test/fixtures');
// Captured right after Go's detection pass: groups carry proven leaks, which must survive the round trip.
const dumpBytes = readFileSync(path.join(fixtures, 'goroutines/leaky-service.goroutineleak.debug2.txt'));
const bigDump = readFileSync(path.join(fixtures, 'goroutines/go1.19.8-leaky-service.debug2.txt'));
const heapBytes = [readFileSync(path.join(fixtures, 'pprof/heap-1.pb.gz')), readFileSync(path.join(fixtures, 'pprof/heap-2.pb.gz'))];
const root = mkdtempSync(path.join(os.tmpdir(), 'goroscope-watch-store-'));
after(() => rmSync(root, { recursive: true, force: true }));
const USER = ['example.com/leaky-service'];

function snapshot(i: number): { snapshot: LeakSnapshot; heapBytes: Buffer } {
  const bytes = heapBytes[i % 2] as Buffer;
  return {
    snapshot: {
      takenAt: 1_700_000_000_000 + i * 10_000,
      goroutines: leanSummary(clusterGoroutines(loadGoroutines(dumpBytes))),
      heap: decodeProfile(bytes),
      memstats: { heapInuse: 1e6 * (i + 1), heapAlloc: 9e5 * (i + 1), stackInuse: 65536 * (i + 1), numGC: 3 + i },
      leakDetection: i === 0 ? 'ran' : 'earlier',
      problems: i === 1 ? ['memstats: /debug/vars is not served'] : [],
    },
    heapBytes: bytes,
  };
}

const meta = (service: string, startedAt: number) => ({ service, baseUrl: 'http://127.0.0.1:6060/debug/pprof/', intervalSeconds: 10, startedAt });

/** Sets a watch directory's modification time: what "last active" is read from. */
function touch(dir: string, id: string, at: number): void {
  utimesSync(path.join(dir, id), at / 1000, at / 1000);
}

describe('WatchStore', () => {
  it('gives back what it stored, in order, and the same suspects', async () => {
    const dir = path.join(root, 'roundtrip');
    const store = new WatchStore(dir);
    const watch = await store.create(meta('leaky', 1_700_000_000_000));
    const taken = [0, 1, 2].map(snapshot);
    for (const [i, t] of taken.entries()) await store.append(watch.id, i, t.snapshot, t.heapBytes);

    const files = readdirSync(path.join(dir, watch.id)).sort();
    assert.deepEqual(files, ['000000.heap.pb.gz', '000000.json.gz', '000001.heap.pb.gz', '000001.json.gz', '000002.heap.pb.gz', '000002.json.gz', 'watch.json']);
    assert.deepEqual(readFileSync(path.join(dir, watch.id, '000000.heap.pb.gz')), heapBytes[0], 'the heap profile as the service sent it');
    const stored = JSON.parse(gunzipSync(readFileSync(path.join(dir, watch.id, '000001.json.gz'))).toString('utf8'));
    assert.equal(stored.goroutines.total, dumpBytes.toString('utf8').match(/^goroutine \d+ /gm)?.length, 'the rest is gzipped JSON');
    assert.ok(stored.goroutines.leaked > 0 && stored.leakDetection === 'earlier', 'with what Go proved');
    assert.equal(stored.heap, undefined, 'the heap is not stored twice');

    const loaded = await store.load(watch.id);
    assert.deepEqual(loaded.meta, watch);
    assert.deepEqual(loaded.problems, []);
    assert.equal(loaded.nextIndex, 3);
    assert.deepEqual(loaded.snapshots, taken.map((t) => t.snapshot));
    assert.deepEqual(findLeakSuspects(loaded.snapshots, USER), findLeakSuspects(taken.map((t) => t.snapshot), USER));

    const { watches, unreadable } = await store.list();
    assert.deepEqual(unreadable, []);
    assert.equal(watches.length, 1);
    assert.equal(watches[0]?.id, watch.id);
    assert.equal(watches[0]?.snapshots, 3);
    assert.equal(watches[0]?.service, 'leaky');
  });

  it('a continued watch gets its new snapshots after the stored ones, in number order past 999999', async () => {
    const store = new WatchStore(path.join(root, 'continued'));
    const watch = await store.create(meta('leaky', 1_700_000_000_000));
    await store.append(watch.id, 999_999, snapshot(0).snapshot);
    const { nextIndex } = await store.load(watch.id);
    assert.equal(nextIndex, 1_000_000);
    await store.append(watch.id, nextIndex, snapshot(1).snapshot);
    const loaded = await store.load(watch.id);
    assert.deepEqual(loaded.snapshots.map((s) => s.takenAt), [snapshot(0).snapshot.takenAt, snapshot(1).snapshot.takenAt]);
    assert.equal(loaded.nextIndex, 1_000_001);
  });

  it('never overwrites a stored snapshot, and says so when the watch was deleted under it', async () => {
    const store = new WatchStore(path.join(root, 'no-overwrite'));
    const watch = await store.create(meta('leaky', 1_700_000_000_000));
    await store.append(watch.id, 0, snapshot(0).snapshot, snapshot(0).heapBytes);
    await assert.rejects(store.append(watch.id, 0, snapshot(1).snapshot, snapshot(1).heapBytes), (err: Error) => err instanceof WatchStoreError && /already stored/.test(err.message));
    assert.equal((await store.load(watch.id)).snapshots[0]?.takenAt, snapshot(0).snapshot.takenAt);
    await store.delete(watch.id);
    await assert.rejects(store.append(watch.id, 1, snapshot(1).snapshot), (err: Error) => err instanceof WatchStoreError && /was deleted/.test(err.message));
  });

  it('skips a damaged snapshot file and names it; a damaged heap file costs only the heap', async () => {
    const dir = path.join(root, 'damaged');
    const store = new WatchStore(dir);
    const watch = await store.create(meta('leaky', 1_700_000_100_000));
    for (const i of [0, 1, 2, 3]) await store.append(watch.id, i, snapshot(i).snapshot, snapshot(i).heapBytes);
    const file = (name: string) => path.join(dir, watch.id, name);
    writeFileSync(file('000001.json.gz'), readFileSync(file('000001.json.gz')).subarray(0, 40)); // cut off mid-write
    writeFileSync(file('000002.heap.pb.gz'), heapBytes[0]!.subarray(0, 100));
    const loaded = await store.load(watch.id);
    assert.equal(loaded.snapshots.length, 3);
    assert.equal(loaded.problems.length, 1);
    assert.match(loaded.problems[0] ?? '', /^000001\.json\.gz: unexpected end of file/);
    assert.equal(loaded.snapshots[1]?.heap, null);
    assert.ok(loaded.snapshots[1]?.goroutines, 'the rest of that snapshot is there');
    assert.match(loaded.snapshots[1]?.problems.join('\n') ?? '', /heap \(stored\): truncated gzip data/);
    assert.equal(loaded.nextIndex, 4, 'new snapshots never overwrite a damaged file');
  });

  it('a gzip bomb in place of a snapshot stops at the snapshot size limit, one message, the rest loaded', async () => {
    const dir = path.join(root, 'bomb');
    const store = new WatchStore(dir);
    const watch = await store.create(meta('leaky', 1_700_000_100_000));
    for (const i of [0, 1, 2]) await store.append(watch.id, i, snapshot(i).snapshot, snapshot(i).heapBytes);
    // A valid snapshot followed by 200 MiB of JSON whitespace (one 1 MiB gzip member, repeated): read whole,
    // it would load; it is 0.2 MiB on disk.
    const file = path.join(dir, watch.id, '000001.json.gz');
    const spaces = gzipSync(Buffer.alloc(1024 * 1024, ' '), { level: 9 });
    writeFileSync(file, Buffer.concat([gzipSync(gunzipSync(readFileSync(file))), ...Array.from({ length: 200 }, () => spaces)]));
    const t0 = Date.now();
    const loaded = await store.load(watch.id);
    assert.ok(Date.now() - t0 < 20_000, `${Date.now() - t0} ms`);
    assert.deepEqual(loaded.problems, ['000001.json.gz: larger than 64 MiB once unpacked (unpacking stopped there): not a snapshot Goroscope wrote']);
    assert.deepEqual(loaded.snapshots.map((s) => s.takenAt), [snapshot(0).snapshot.takenAt, snapshot(2).snapshot.takenAt]);
    // A plain snapshot file that large is refused before it is read.
    writeFileSync(path.join(dir, watch.id, '000003.json'), Buffer.alloc(65 * 1024 * 1024, ' '));
    assert.match((await store.load(watch.id)).problems.join('\n'), /^000003\.json: larger than 64 MiB: not a snapshot Goroscope wrote$/m);
  });

  it('a snapshot file that parses but holds the wrong shapes is one message, never an exception later', async () => {
    const dir = path.join(root, 'wrong-shape');
    const store = new WatchStore(dir);
    const watch = await store.create(meta('leaky', 1_700_000_100_000));
    const bad = [
      { format: 1, takenAt: 1, goroutines: 5, memstats: null, leaked: null, problems: [], heapFile: null },
      { format: 1, takenAt: 2, goroutines: null, memstats: { heapInuse: 'x' }, leaked: null, problems: [], heapFile: null },
      { format: 1, takenAt: 3, goroutines: { total: 1, states: {}, groups: [{ count: 1 }] }, memstats: null, leaked: null, problems: [], heapFile: null },
      { format: 99, takenAt: 4 },
      ['not', 'an', 'object'],
    ];
    bad.forEach((b, i) => writeFileSync(path.join(dir, watch.id, `00000${i}.json`), JSON.stringify(b)));
    const loaded = await store.load(watch.id);
    assert.equal(loaded.snapshots.length, 0);
    assert.deepEqual(loaded.problems, [
      '000000.json: its goroutine groups are damaged',
      '000001.json: its memstats are damaged',
      '000002.json: its goroutine groups are damaged',
      '000003.json: not a snapshot this version of Goroscope wrote',
      '000004.json: not a snapshot this version of Goroscope wrote',
    ]);
    assert.doesNotThrow(() => findLeakSuspects(loaded.snapshots, USER));
  });

  it('reads the plain-JSON snapshot files the first stored watches have', async () => {
    const dir = path.join(root, 'plain-json');
    const store = new WatchStore(dir);
    const watch = await store.create(meta('leaky', 1_700_000_100_000));
    const { snapshot: s, heapBytes: bytes } = snapshot(0);
    writeFileSync(path.join(dir, watch.id, '000000.heap.pb.gz'), bytes);
    writeFileSync(path.join(dir, watch.id, '000000.json'), JSON.stringify({ format: 1, takenAt: s.takenAt, goroutines: s.goroutines, memstats: s.memstats, leaked: null, problems: [], heapFile: '000000.heap.pb.gz' }));
    await store.append(watch.id, (await store.load(watch.id)).nextIndex, snapshot(1).snapshot, snapshot(1).heapBytes);
    const loaded = await store.load(watch.id);
    assert.deepEqual(loaded.snapshots, [{ ...s, leakDetection: null }, snapshot(1).snapshot]);
  });

  it('snapshots stored before proven leaks were counted per group: nothing proven, the old goroutineleak summary ignored', async () => {
    const dir = path.join(root, 'before-leak-counts');
    const store = new WatchStore(dir);
    const watch = await store.create(meta('leaky', 1_700_000_200_000));
    const s = snapshot(0).snapshot;
    const summary = s.goroutines;
    assert.ok(summary);
    const old = { ...summary, groups: summary.groups.map(({ leaked: _leaked, ...g }) => g) } as Partial<typeof summary>;
    delete old.leaked;
    for (const i of [0, 1]) {
      const stored = { format: 1, takenAt: s.takenAt + i * 10_000, goroutines: old, memstats: s.memstats, leaked: old, problems: [], heapFile: null };
      writeFileSync(path.join(dir, watch.id, `00000${i}.json.gz`), gzipSync(JSON.stringify(stored)));
    }
    const loaded = await store.load(watch.id);
    assert.deepEqual(loaded.problems, []);
    assert.ok(loaded.snapshots.every((x) => x.leakDetection === null && x.goroutines?.leaked === 0 && x.goroutines.groups.every((g) => g.leaked === 0)));
    assert.ok(findLeakSuspects(loaded.snapshots, USER).suspects.every((x) => x.confirmedByRuntime === 0));
  });

  it('lists a watch whose watch.json is damaged or missing apart, with why; loading it is one clear error', async () => {
    const dir = path.join(root, 'bad-meta');
    const store = new WatchStore(dir);
    const good = await store.create(meta('good', 1_700_000_200_000));
    const bad = await store.create(meta('bad', 1_700_000_300_000));
    const gone = await store.create(meta('gone', 1_700_000_400_000));
    writeFileSync(path.join(dir, bad.id, 'watch.json'), '<html>');
    rmSync(path.join(dir, gone.id, 'watch.json'));
    mkdirSync(path.join(dir, 'not-a-watch'));
    const { watches, unreadable } = await store.list();
    assert.deepEqual(watches.map((w) => w.id), [good.id]);
    assert.deepEqual(unreadable.map((u) => u.id).sort(), [bad.id, gone.id].sort());
    assert.match(unreadable.find((u) => u.id === bad.id)?.problem ?? '', new RegExp(`^the stored watch ${bad.id} cannot be read \\(watch\\.json: Unexpected token`));
    assert.equal(unreadable.find((u) => u.id === gone.id)?.problem, `the stored watch ${gone.id} cannot be read (watch.json is missing)`);
    await assert.rejects(store.load(bad.id), (err: Error) => err instanceof WatchStoreError && /cannot be read/.test(err.message));
    await assert.rejects(store.load('../../etc'), WatchStoreError);
    await store.delete(bad.id);
    assert.deepEqual((await store.list()).unreadable.map((u) => u.id), [gone.id]);
  });

  it('keeps at most the cap, dropping the least recently active, never one still taking snapshots', async () => {
    const dir = path.join(root, 'cap');
    const store = new WatchStore(dir, 2);
    const a = await store.create(meta('a', 1_700_000_000_000));
    const b = await store.create(meta('b', 1_700_000_001_000));
    touch(dir, a.id, 1_700_000_500_000); // a was continued after b started: b is the least recently active
    touch(dir, b.id, 1_700_000_002_000);
    const c = await store.create(meta('c', 1_700_000_600_000));
    assert.deepEqual((await store.list()).watches.map((w) => w.id), [c.id, a.id]);
    await assert.rejects(store.load(b.id), (err: Error) => err instanceof WatchStoreError && /is gone/.test(err.message));

    touch(dir, a.id, 1_700_000_000_000);
    touch(dir, c.id, 1_700_000_700_000);
    const d = await store.create(meta('d', 1_700_000_800_000), new Set([a.id]));
    assert.deepEqual((await store.list()).watches.map((w) => w.id).sort(), [a.id, d.id].sort(), 'a is taking snapshots: c goes instead');
  });
});

describe('leanSummary', () => {
  it('keeps the first 200 ids of a group, and every count: the suspects are the same', () => {
    const full = clusterGoroutines(loadGoroutines(bigDump));
    const lean = leanSummary(full);
    assert.equal(full.groups[0]?.ids.length, 320);
    assert.deepEqual(lean.groups[0]?.ids, full.groups[0]?.ids.slice(0, 200));
    assert.deepEqual(lean.groups.map((g) => g.count), full.groups.map((g) => g.count));
    assert.equal(lean.total, full.total);
    const at = (summary: typeof full, i: number): LeakSnapshot => ({ takenAt: i * 10_000, goroutines: { ...summary, groups: summary.groups.map((g) => ({ ...g, count: g.count + i * 10 })) }, heap: null, memstats: null, leakDetection: null, problems: [] });
    assert.deepEqual(findLeakSuspects([0, 1, 2, 3].map((i) => at(lean, i)), USER), findLeakSuspects([0, 1, 2, 3].map((i) => at(full, i)), USER));
  });
});
