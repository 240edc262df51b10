import assert from 'node:assert/strict';
import { promises as fs, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { SnapshotStore, SnapshotStoreError, type NewSnapshot } from '../../../src/services/snapshotStore';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'goroscope-store-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const meta = (kind: string, takenAt: number): NewSnapshot => ({
  serviceName: 'shop',
  kind,
  takenAt,
  url: `http://127.0.0.1:6060/debug/pprof/${kind}`,
});
const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 0xff);

describe('SnapshotStore', () => {
  test('stores the bytes and describes them; newest first', async () => {
    const store = await SnapshotStore.open(dir);
    const a = await store.add(meta('heap', 1000), bytes(100));
    const b = await store.add({ ...meta('cpu', 2000), seconds: 5, sampleIndexHint: 'cpu' }, bytes(50));
    assert.deepEqual(store.list().map((s) => s.id), [b.id, a.id]);
    assert.equal(a.sizeBytes, 100);
    assert.equal(b.seconds, 5);
    assert.equal(b.sampleIndexHint, 'cpu');
    assert.equal(path.dirname(a.file), dir);
    assert.deepEqual(await store.read(a.id), bytes(100));
    assert.deepEqual(new Uint8Array(await fs.readFile(b.file)), bytes(50));
  });

  test('survives a reload: a new store on the same directory sees the same snapshots', async () => {
    const first = await SnapshotStore.open(dir);
    const a = await first.add({ ...meta('heap', 1000), sampleIndexHint: 'alloc_space' }, bytes(10));
    const b = await first.add(meta('goroutine', 2000), bytes(20));
    const second = await SnapshotStore.open(dir);
    assert.deepEqual(second.list(), first.list());
    assert.deepEqual(await second.read(a.id), bytes(10));
    assert.equal(second.get(a.id)?.sampleIndexHint, 'alloc_space');
    await second.delete(b.id);
    await first.reload();
    assert.deepEqual(first.list().map((s) => s.id), [a.id]);
  });

  test('the cap drops the oldest snapshots and their files', async () => {
    const store = await SnapshotStore.open(dir, { maxSnapshots: 3 });
    const added = [];
    for (let i = 0; i < 5; i++) added.push(await store.add(meta('heap', 1000 + i), bytes(i + 1)));
    assert.deepEqual(store.list().map((s) => s.takenAt), [1004, 1003, 1002]);
    for (const old of added.slice(0, 2)) await assert.rejects(fs.stat(old.file), { code: 'ENOENT' });
    const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.pb.gz'));
    assert.equal(files.length, 3);
    await store.setMaxSnapshots(1);
    assert.deepEqual(store.list().map((s) => s.takenAt), [1004]);
    assert.equal((await SnapshotStore.open(dir, { maxSnapshots: 10 })).list().length, 1);
  });

  test('save-as copies the exact bytes; delete removes the file and the entry', async () => {
    const store = await SnapshotStore.open(dir);
    const s = await store.add(meta('heap', 1), bytes(300));
    const dest = path.join(dir, 'exported heap.pb.gz');
    await store.saveAs(s.id, dest);
    assert.deepEqual(new Uint8Array(await fs.readFile(dest)), bytes(300));
    await store.delete(s.id);
    assert.equal(store.list().length, 0);
    await assert.rejects(fs.stat(s.file), { code: 'ENOENT' });
    await assert.rejects(store.read(s.id), (err: Error) => err instanceof SnapshotStoreError && /no snapshot with id/.test(err.message));
    await assert.rejects(store.saveAs('nope', dest), /no snapshot with id "nope"/);
  });

  test('a failed save-as reports the destination and keeps the snapshot', async () => {
    const store = await SnapshotStore.open(dir);
    const s = await store.add(meta('heap', 1), bytes(3));
    await assert.rejects(store.saveAs(s.id, path.join(dir, 'missing-dir', 'x.pb.gz')), /cannot save snapshot .* to .*missing-dir/);
    assert.deepEqual(await store.read(s.id), bytes(3));
  });

  test('concurrent adds are all recorded', async () => {
    const store = await SnapshotStore.open(dir);
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.add(meta('goroutine', i), bytes(i + 1))));
    assert.equal(store.list().length, 10);
    assert.equal((await SnapshotStore.open(dir)).list().length, 10);
  });

  test('a corrupt index is set aside and the snapshots are recovered from their files', async () => {
    const store = await SnapshotStore.open(dir);
    const s = await store.add(meta('heap', 1_700_000_000_000), bytes(42));
    await fs.writeFile(path.join(dir, 'index.json'), '{"version": 1, "snapsh');
    const reopened = await SnapshotStore.open(dir);
    const [recovered] = reopened.list();
    assert.equal(recovered?.id, s.id);
    assert.equal(recovered?.kind, 'heap');
    assert.equal(recovered?.takenAt, 1_700_000_000_000);
    assert.deepEqual(await reopened.read(s.id), bytes(42));
    assert.match(reopened.warnings.join('\n'), /index was unreadable; it was moved to .*index\.json\.corrupt-/);
    assert.ok((await fs.readdir(dir)).some((f) => f.startsWith('index.json.corrupt-')));
  });

  test('an entry whose file is gone is dropped with a warning; leftover temporary files are removed', async () => {
    const store = await SnapshotStore.open(dir);
    const gone = await store.add(meta('heap', 1), bytes(1));
    const kept = await store.add(meta('heap', 2), bytes(2));
    await fs.rm(gone.file);
    await fs.writeFile(path.join(dir, 'x.pb.gz.1234.tmp'), 'partial');
    const reopened = await SnapshotStore.open(dir);
    assert.deepEqual(reopened.list().map((s) => s.id), [kept.id]);
    assert.match(reopened.warnings.join('\n'), new RegExp(`snapshot ${gone.id}: its file .* is gone`));
    assert.ok(!(await fs.readdir(dir)).some((f) => f.endsWith('.tmp')));
  });

  test('an index entry cannot point outside the store directory', async () => {
    const outside = path.join(dir, '..', `outside-${path.basename(dir)}.pb.gz`);
    await fs.writeFile(outside, 'x');
    try {
      await fs.writeFile(
        path.join(dir, 'index.json'),
        JSON.stringify({ version: 1, snapshots: [{ id: 'evil', kind: 'heap', file: outside, takenAt: 1 }] }),
      );
      const store = await SnapshotStore.open(dir);
      assert.equal(store.get('evil'), undefined);
    } finally {
      await fs.rm(outside, { force: true });
    }
  });

  test('listeners hear about changes', async () => {
    const store = await SnapshotStore.open(dir);
    let calls = 0;
    const off = store.onDidChange(() => calls++);
    const s = await store.add(meta('heap', 1), bytes(1));
    await store.delete(s.id);
    off();
    await store.add(meta('heap', 2), bytes(1));
    assert.equal(calls, 2);
  });

  test('a cap below 1 is refused', async () => {
    await assert.rejects(SnapshotStore.open(dir, { maxSnapshots: 0 }), /at least 1/);
  });
});
