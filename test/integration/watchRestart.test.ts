import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findLeakSuspects } from '../../src/leaks/suspects';
import { watchService } from '../../src/leaks/watch';
import { buildLeakyService, freePort, startLeakyService, type LeakyService } from './leakyService';

test('watch: a service that stops answering and restarts loses nothing captured; the restart is reported', async () => {
  const built = await buildLeakyService();
  const port = await freePort();
  const args = ['-addr', `127.0.0.1:${port}`, '-traffic', '20', '-health-interval', '0'];
  let service: LeakyService | undefined = await startLeakyService(built.binary, args);
  const base = service.pprof;
  let restarting: Promise<void> = Promise.resolve();
  try {
    const snapshots = await watchService(base, {
      intervalSeconds: 2,
      count: 6,
      fetch: { connectTimeoutMs: 1000, readTimeoutMs: 5000 },
      onSnapshot: (_snap, i) => {
        if (i === 1) {
          // Down for the next snapshot, back (a new process) before the one after.
          restarting = (async () => {
            await service?.stop();
            await new Promise((r) => setTimeout(r, 2500));
            service = await startLeakyService(built.binary, args);
          })();
        }
      },
    });
    await restarting;
    assert.equal(snapshots.length, 6);
    assert.ok(snapshots[0]?.goroutines && snapshots[1]?.goroutines, 'the snapshots before the outage are kept');
    const down = snapshots[2];
    assert.equal(down?.goroutines, null);
    assert.match(down?.problems.join('\n') ?? '', /refused|reset|timed out/i);
    assert.ok(snapshots[5]?.goroutines && snapshots[5]?.heap, 'the watch resumed when the service came back');
    const report = findLeakSuspects(snapshots, ['example.com/leaky-service']);
    assert.equal(report.restarts.length, 1, `restarts: ${JSON.stringify(report.restarts)}; GC counts ${JSON.stringify(report.series.numGC)}`);
    assert.equal(report.series.goroutines[2], null);
  } finally {
    await restarting.catch(() => undefined);
    await service?.stop();
    built.cleanup();
  }
});
