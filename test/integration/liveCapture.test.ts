/**
 * Against the real examples/leaky-service: attach (index page, runtime stats), capture CPU, heap and
 * goroutine profiles through the services layer, and compare two heap snapshots taken seconds apart:
 * the session store, which never expires a session, shows as growth. Loopback only, bounded in time.
 */
import assert from 'node:assert/strict';
import { promises as fs, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeProfile } from '../../src/pprof/decode';
import { diffProfiles } from '../../src/pprof/diff';
import { parseIndexPage } from '../../src/pprof/endpoints';
import { fetchProfile, fetchText } from '../../src/pprof/fetch';
import { resolveSampleIndex } from '../../src/pprof/sampleTypes';
import { topFunctions } from '../../src/pprof/top';
import { capture } from '../../src/services/capture';
import { CAPTURE_KINDS } from '../../src/services/captureKinds';
import type { ServiceConfig } from '../../src/services/config';
import { readRuntimeStats } from '../../src/services/runtimeStats';
import { SnapshotStore } from '../../src/services/snapshotStore';
import { runCliAsync } from '../cli/cliRunner';
import { buildLeakyService, startLeakyService, type LeakyService } from './leakyService';

const SESSIONS_CREATE = /sessions\.\(\*Store\)\.Create$/;
const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

describe('live capture from examples/leaky-service', { timeout: 240_000 }, () => {
  let build: { binary: string; cleanup(): void } | undefined;
  let svc: LeakyService | undefined;
  let service: ServiceConfig;
  let dir: string;
  let store: SnapshotStore;

  before(async () => {
    build = await buildLeakyService();
    svc = await startLeakyService(build.binary, ['-traffic', '20']);
    service = { name: 'leaky-service', url: svc.pprof, readTimeoutMs: 15_000 };
    dir = mkdtempSync(path.join(tmpdir(), 'goroscope-live-'));
    store = await SnapshotStore.open(dir, { maxSnapshots: 20 });
  });

  after(async () => {
    await svc?.stop();
    build?.cleanup();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  test('attach: the index page lists the runtime profiles; expvar and the goroutine count answer', { timeout: 20_000 }, async () => {
    const entries = parseIndexPage(await fetchText(service.url));
    const names = entries.map((e) => e.name);
    for (const name of ['allocs', 'block', 'goroutine', 'heap', 'mutex', 'profile', 'threadcreate']) assert.ok(names.includes(name), `${name} in ${names}`);
    assert.ok((entries.find((e) => e.name === 'goroutine')?.count ?? 0) > 0);

    const stats = await readRuntimeStats(service);
    assert.deepEqual(stats.problems, []);
    assert.ok(stats.goroutines !== null && stats.goroutines > 5, `goroutines: ${stats.goroutines}`);
    assert.ok(stats.memstats !== null && stats.memstats.heapInuse > 0 && stats.memstats.stackInuse > 0);
  });

  test('CPU capture (seconds=1)', { timeout: 20_000 }, async () => {
    const started = Date.now();
    const snap = await capture(service, 'cpu', { store, seconds: 1 });
    assert.ok(Date.now() - started >= 1000, 'the capture lasted its second');
    const profile = decodeProfile(await store.read(snap.id));
    assert.deepEqual(profile.sampleTypes.map((t) => `${t.type}/${t.unit}`), ['samples/count', 'cpu/nanoseconds']);
    assert.ok(profile.durationNanos >= 0.9e9 && profile.durationNanos < 5e9, `duration ${profile.durationNanos}`);
  });

  test('heap capture (gc=1) and goroutine capture', { timeout: 20_000 }, async () => {
    const heap = await capture(service, 'heap', { store, gc: true });
    assert.match(heap.url, /\/debug\/pprof\/heap\?gc=1$/);
    const heapProfile = decodeProfile(await store.read(heap.id));
    assert.equal(heapProfile.sampleTypes[heapProfile.defaultSampleIndex]?.type, 'inuse_space');

    const goroutines = await capture(service, 'goroutine', { store });
    const profile = decodeProfile(await store.read(goroutines.id));
    const total = sum(profile.samples.map((s) => s.values[0] ?? 0));
    assert.ok(total > 5, `goroutine total ${total}`);
    // The search leak parks goroutines in a select inside Search.func1.
    const top = topFunctions(profile, 0).rows.map((r) => r.function);
    assert.ok(top.some((f) => /search\.\(\*Service\)\.Search\.func1$/.test(f)), `leaked search goroutines among ${top.slice(0, 10)}`);
  });

  test('two heap snapshots seconds apart: the session store grows', { timeout: 60_000 }, async () => {
    const first = await capture(service, 'heap', { store, gc: true });
    await new Promise((r) => setTimeout(r, 5000));
    const second = await capture(service, 'heap', { store, gc: true });
    const base = decodeProfile(await store.read(first.id));
    const later = decodeProfile(await store.read(second.id));
    const inuse = resolveSampleIndex(later, 'inuse_space');

    const diff = diffProfiles(later, base, inuse);
    const grew = diff.grew.map((r) => `${r.function} +${r.flat}`);
    const sessions = diff.grew.find((r) => SESSIONS_CREATE.test(r.function));
    // 20 sessions a second keep 64 KiB each: about 6 MiB in 5 s, sampled.
    assert.ok(sessions && sessions.flat > 1024 * 1024, `sessions.(*Store).Create grew: ${grew.slice(0, 8).join(', ')}`);
    assert.ok(diff.grew.slice(0, 3).includes(sessions), `Create is among the top growers: ${grew.slice(0, 8).join(', ')}`);
    assert.ok(diff.delta > 0, `the heap in use grew: ${diff.delta}`);
  });

  test('a delta capture (allocs?seconds=2) from the real handler', { timeout: 20_000 }, async () => {
    // A heap profile shows allocations as of the last completed GC: trigger one inside the window (a
    // heap?gc=1 request runs runtime.GC) so the window's end sees the allocations made since its start.
    const pending = capture(service, 'allocs', { store, seconds: 2 });
    // Sessions made inside the window, whatever the synthetic traffic manages under load: 100 × 64 KiB,
    // so Go's 512 KiB allocation sampling misses them all with a chance of about 1 in 300,000.
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${svc?.url}/sessions`, { method: 'POST', body: new URLSearchParams({ user: `window-${i}` }) });
      assert.equal(res.status, 201);
      await res.arrayBuffer();
    }
    await new Promise((r) => setTimeout(r, 300));
    await fetchProfile(`${service.url}heap?gc=1`);
    const snap = await pending;
    assert.match(snap.url, /allocs\?seconds=2$/);
    const profile = decodeProfile(await store.read(snap.id));
    const allocSpace = resolveSampleIndex(profile, 'alloc_space');
    const rows = topFunctions(profile, allocSpace).rows;
    assert.ok(rows.some((r) => SESSIONS_CREATE.test(r.function) && r.flat > 0), 'sessions were allocated during the window');
  });

  test('the store kept every snapshot across a reload', async () => {
    const reopened = await SnapshotStore.open(dir, { maxSnapshots: 20 });
    assert.deepEqual(reopened.list(), store.list());
    assert.equal(reopened.list().length, 6);
  });

  test('errors from the real service: an unknown profile is a 404 with Go\'s reason', async () => {
    await assert.rejects(fetchProfile(`${service.url}nosuchprofile`), /answered 404 Not Found: Unknown profile/);
    await assert.rejects(capture(service, 'cmdline', { store }), /not a pprof profile/);
  });

  test('every kind of the capture-kinds table, as Go 1.27.3 serves it: offered, captured plain and as the table says seconds work, with its sample types', { timeout: 60_000 }, async () => {
    const kindsDir = mkdtempSync(path.join(tmpdir(), 'goroscope-kinds-'));
    try {
      const kindsStore = await SnapshotStore.open(kindsDir, { maxSnapshots: 40 });
      const offered = parseIndexPage(await fetchText(service.url)).map((e) => e.name);
      for (const k of CAPTURE_KINDS) {
        assert.ok(offered.includes(k.endpoint), `${k.endpoint} in ${offered}`);
        // CPU for the table's `duration` (a second); the others as they are, then as a delta over a second.
        const snapshots =
          k.seconds === 'duration'
            ? [await capture(service, k.kind, { store: kindsStore, seconds: 1 })]
            : [await capture(service, k.kind, { store: kindsStore, gc: k.gc ?? false }), await capture(service, k.kind, { store: kindsStore, seconds: 1 })];
        for (const snap of snapshots) {
          assert.equal(new URL(snap.url).pathname, `/debug/pprof/${k.endpoint}`);
          const profile = decodeProfile(await kindsStore.read(snap.id));
          assert.deepEqual(profile.sampleTypes.map((t) => t.type), [...k.sampleTypes], snap.url);
          // Go's delta profiles name no default sample type (allocs' alloc_space is lost): views apply the table's.
          if (snap.seconds === undefined || k.seconds === 'duration') {
            assert.equal(profile.sampleTypes[profile.defaultSampleIndex]?.type, k.defaultSampleType, snap.url);
          }
        }
      }
      const cli = await runCliAsync(['profile', service.url, '--type', 'allocs', '--seconds', '1', '--format', 'json']);
      assert.equal(cli.status, 0, cli.stderr);
      assert.equal((JSON.parse(cli.stdout) as { sampleType: { type: string } }).sampleType.type, 'alloc_space', 'the CLI shows a delta allocs capture as allocs');
    } finally {
      await fs.rm(kindsDir, { recursive: true, force: true });
    }
  });
});
