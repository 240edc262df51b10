/**
 * "Profile this test" reads its run's profiles in the window's pprof worker (dist/pprofWorker.js, the real
 * thread) under the keys its panels and inline costs open them by: each profile is decoded once.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ProfileWorker } from '../../../src/pprof/decodeInWorker';
import { decodePackedProfile } from '../../../src/pprof/decode';
import { topFunctions } from '../../../src/pprof/top';
import { resolveSampleIndex } from '../../../src/pprof/sampleTypes';
import { readRunProfiles } from '../../../src/tests/runProfiles';

const fixture = (name: string) => readFileSync(path.resolve('test/fixtures/pprof', name));

/** pprof -top's total of a sample type, computed here without the worker. */
function total(name: string, sampleType?: string): number {
  const profile = decodePackedProfile(fixture(name));
  return topFunctions(profile, resolveSampleIndex(profile, sampleType)).total;
}

describe('readRunProfiles', () => {
  test('totals and hottest functions of a run, each profile decoded once for them and the panels that open next', async () => {
    const worker = new ProfileWorker(path.resolve('dist/pprofWorker.js'));
    try {
      const bytes = { cpu: fixture('cpu.pb.gz'), mem: fixture('heap-1.pb.gz'), block: fixture('block.pb.gz'), mutex: fixture('mutex.pb.gz') };
      const key = (kind: string) => `test-run:7:${kind}`;
      const log: string[] = [];
      const read = await readRunProfiles(worker, bytes, key, (l) => log.push(l));
      assert.deepEqual(log, []);
      assert.deepEqual(read.totals, {
        cpuNanos: total('cpu.pb.gz'),
        allocBytes: total('heap-1.pb.gz', 'alloc_space'),
        allocObjects: total('heap-1.pb.gz', 'alloc_objects'),
        blockedNanos: total('block.pb.gz', 'delay'),
        mutexWaitNanos: total('mutex.pb.gz', 'delay'),
      });
      assert.equal(read.hottest.length, 3);
      assert.ok(read.hottest[0]!.flat >= read.hottest[1]!.flat && read.hottest[1]!.flat >= read.hottest[2]!.flat && read.hottest[2]!.flat > 0);
      assert.equal(read.cpu, bytes.cpu);
      assert.equal(read.mutex, bytes.mutex);
      assert.equal(worker.decodes, 4, 'one decode per profile');
      // The panels (CPU, then allocations and heap in use: both the memory profile) and inline costs open them next.
      const opened = await Promise.all(['cpu', 'mem', 'mem', 'cpu'].map((kind) => worker.acquire(key(kind), () => assert.fail('read again'))));
      assert.equal(worker.decodes, 4, 'the panels and inline costs share the decodes');
      for (const o of opened) o.release();
    } finally {
      worker.dispose();
    }
  });

  test('a profile that does not decode is logged and left out; the others are read', async () => {
    const worker = new ProfileWorker(path.resolve('dist/pprofWorker.js'));
    try {
      const log: string[] = [];
      const read = await readRunProfiles(worker, { cpu: new Uint8Array([0x1f, 0x8b, 1, 2, 3]), mem: fixture('heap-1.pb.gz') }, (kind) => `run:${kind}`, (l) => log.push(l));
      assert.equal(read.cpu, undefined);
      assert.equal(read.totals.cpuNanos, undefined);
      assert.deepEqual(read.hottest, []);
      assert.ok(read.mem);
      assert.equal(read.totals.allocBytes, total('heap-1.pb.gz', 'alloc_space'));
      assert.equal(log.length, 1);
      assert.match(log[0]!, /^the CPU profile of the run does not decode: /);
    } finally {
      worker.dispose();
    }
  });
});
