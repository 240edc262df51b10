import assert from 'node:assert/strict';
import { promises as fs, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { decodeProfile } from '../../../src/pprof/decode';
import { TransportError } from '../../../src/pprof/fetch';
import { capture, CaptureError, checkLooksLikeProfile } from '../../../src/services/capture';
import type { ServiceConfig } from '../../../src/services/config';
import { SnapshotStore } from '../../../src/services/snapshotStore';
import { freePort, startServer, type TestServer } from '../transport/servers';

const profileFixture = (name: string): Buffer => readFileSync(path.resolve('test/fixtures/pprof', name));

describe('capture', () => {
  let server: TestServer;
  let service: ServiceConfig;
  let dir: string;
  let store: SnapshotStore;
  const heap = profileFixture('heap-1.pb.gz');
  const cpu = profileFixture('cpu.pb.gz');

  before(async () => {
    server = await startServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.headers.authorization !== 'Bearer tok') {
        res.writeHead(401, { 'content-type': 'text/plain' });
        res.end('missing token\n');
        return;
      }
      switch (url.pathname) {
        case '/debug/pprof/heap':
          res.end(heap);
          return;
        case '/debug/pprof/profile':
          // A CPU capture answers after its duration, like Go's handler.
          setTimeout(() => res.end(cpu), Number(url.searchParams.get('seconds')) * 1000);
          return;
        case '/debug/pprof/goroutine':
          res.end('goroutine profile: total 3\n');
          return;
        default:
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('Unknown profile\n');
      }
    });
    service = { name: 'shop', url: `${server.url}/debug/pprof/`, headers: { 'x-tenant': 'shop' }, readTimeoutMs: 300 };
  });
  after(() => server.close());
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'goroscope-capture-'));
    store = await SnapshotStore.open(dir);
  });

  test('heap with gc=1: stores the profile as sent, described', async () => {
    const snap = await capture(service, 'heap', { store, gc: true, bearerToken: 'tok', sampleIndex: 'alloc_space', now: () => 1234 });
    assert.equal(server.requests.at(-1)?.url, '/debug/pprof/heap?gc=1');
    assert.equal(server.requests.at(-1)?.headers['x-tenant'], 'shop');
    assert.deepEqual({ ...snap, id: '', file: '' }, {
      id: '',
      file: '',
      serviceName: 'shop',
      kind: 'heap',
      takenAt: 1234,
      sizeBytes: heap.byteLength,
      url: `${server.url}/debug/pprof/heap?gc=1`,
      sampleIndexHint: 'alloc_space',
    });
    const stored = await store.read(snap.id);
    assert.deepEqual(Buffer.from(stored), heap);
    assert.ok(decodeProfile(stored).sampleTypes.some((t) => t.type === 'inuse_space'));
  });

  test('CPU waits for its seconds beyond the read timeout', async () => {
    const started = Date.now();
    const snap = await capture(service, 'cpu', { store, seconds: 1, bearerToken: 'tok' });
    assert.ok(Date.now() - started >= 1000);
    assert.equal(snap.seconds, 1);
    assert.match(snap.url, /\/debug\/pprof\/profile\?seconds=1$/);
    assert.ok(decodeProfile(await store.read(snap.id)).sampleTypes.some((t) => t.unit === 'nanoseconds'));
  });

  test('a failed capture keeps the snapshots already stored', async () => {
    const kept = await capture(service, 'heap', { store, bearerToken: 'tok' });
    const before = await fs.readdir(dir);
    await assert.rejects(capture(service, 'heap', { store }), (err: Error) => err instanceof TransportError && /401 Unauthorized: missing token/.test(err.message));
    await assert.rejects(capture(service, 'mutex', { store, bearerToken: 'tok' }), /404 Not Found: Unknown profile/);
    await assert.rejects(capture(service, 'goroutine', { store, bearerToken: 'tok' }), (err: Error) => err instanceof CaptureError && /sent text, not a profile .*goroutine profile: total 3/.test(err.message));
    const port = await freePort();
    await assert.rejects(capture({ name: 'gone', url: `http://127.0.0.1:${port}/debug/pprof/` }, 'heap', { store }), /connection refused/);
    assert.deepEqual(store.list().map((s) => s.id), [kept.id]);
    assert.deepEqual(await fs.readdir(dir), before);
    assert.deepEqual(Buffer.from(await store.read(kept.id)), heap);
  });

  test('cancellation stores nothing', async () => {
    const controller = new AbortController();
    const pending = capture(service, 'cpu', { store, seconds: 2, bearerToken: 'tok', signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(pending, (err: Error) => err instanceof TransportError && err.kind === 'aborted');
    assert.equal(store.list().length, 0);
    await server.waitForNoSockets();
  });

  test('an invalid option is refused before anything is sent', async () => {
    const count = server.requests.length;
    await assert.rejects(capture(service, 'goroutine', { store, gc: true }), /gc=1 only applies to the heap profile/);
    assert.equal(server.requests.length, count);
  });
});

describe('checkLooksLikeProfile', () => {
  test('gzip and raw profile.proto pass; text, empty and garbage do not', () => {
    checkLooksLikeProfile(Uint8Array.from([0x1f, 0x8b, 8, 0]), 'u');
    checkLooksLikeProfile(Uint8Array.from([0x0a, 0x04, 0x08, 0x01, 0x10, 0x02]), 'u');
    assert.throws(() => checkLooksLikeProfile(new Uint8Array(), 'http://h/heap'), /empty response/);
    assert.throws(() => checkLooksLikeProfile(Buffer.from('heap profile: 1: 2 [3: 4] @ heap/1048576\n'), 'u'), /sent text, not a profile/);
    assert.throws(() => checkLooksLikeProfile(Uint8Array.from([0xff, 0x00, 0x13]), 'u'), /neither gzip nor a profile\.proto/);
  });
});
