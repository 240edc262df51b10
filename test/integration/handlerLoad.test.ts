/**
 * "Profile this handler" against the real examples/leaky-service: load its CPU-heavy /primes route
 * through the load generator while a CPU profile and an allocation delta are captured, then find the
 * handler's share, its route label and its per-line costs. Loopback only, about 2 s of load.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadTarget, runLoad } from '../../src/handlers/load';
import { focusPattern, routeLabel } from '../../src/handlers/profileSummary';
import { decodePackedProfile } from '../../src/pprof/decode';
import { profileUrl } from '../../src/pprof/endpoints';
import { fetchProfile } from '../../src/pprof/fetch';
import { labelValues, lineCosts } from '../../src/pprof/lineCosts';
import { resolveSampleIndex } from '../../src/pprof/sampleTypes';
import { profileTotal, topFunctions } from '../../src/pprof/top';
import { buildLeakyService, startLeakyService, type LeakyService } from './leakyService';

const HANDLER = 'example.com/leaky-service/internal/api.handlePrimes';

describe('load and profile a handler of examples/leaky-service', { timeout: 240_000 }, () => {
  let build: { binary: string; cleanup(): void } | undefined;
  let svc: LeakyService | undefined;

  before(async () => {
    build = await buildLeakyService();
    // No background traffic: whatever /primes costs comes from our load.
    svc = await startLeakyService(build.binary, ['-traffic', '0']);
  });

  after(async () => {
    await svc?.stop();
    build?.cleanup();
  });

  test('the load reaches /primes on the attached host only, bounded, while the CPU profile sees the handler', async () => {
    const s = svc as LeakyService;
    const target = loadTarget(s.pprof, '/primes', null);
    assert.equal(new URL(target.url).origin, new URL(s.pprof).origin);
    const [cpu, allocs, stats] = await Promise.all([
      fetchProfile(profileUrl(s.pprof, 'cpu', { seconds: 2 }), { waitMs: 2000, readTimeoutMs: 15_000 }),
      fetchProfile(profileUrl(s.pprof, 'allocs', { seconds: 2 }), { waitMs: 2000, readTimeoutMs: 15_000 }),
      runLoad({ ...target, concurrency: 2, ratePerSecond: 20, durationMs: 1800 }),
    ]);
    assert.equal(stats.stoppedBy, 'time');
    assert.ok(stats.sent >= 25 && stats.sent <= 37, `about 36 requests in 1.8 s at 20/s, sent ${stats.sent}`);
    // The end of the run aborts what is still in flight (one request per worker at most, counted as
    // errors; seen on a loaded machine): every answer the service gave is a 200.
    assert.deepEqual(Object.keys(stats.statuses).filter((k) => k !== '200' && k !== 'error'), [], `statuses ${JSON.stringify(stats.statuses)}`);
    assert.ok((stats.statuses.error ?? 0) <= 2 && stats.ok >= stats.sent - 2, `all but the requests cut off at the end answered: ${JSON.stringify(stats.statuses)}`);

    const profile = decodePackedProfile(cpu);
    const index = resolveSampleIndex(profile, 'cpu');
    const share = profileTotal(profile, index, { focus: focusPattern(HANDLER) }) / profileTotal(profile, index);
    assert.ok(share > 0.5, `handlePrimes holds most of an idle service's CPU under load: ${share}`);
    // The runtime's own frames are left out: on a loaded machine runtime.asyncPreempt (the preemption
    // trampoline, called from inside isPrime) takes many of the leaf samples.
    const hottest = topFunctions(profile, index, { focus: focusPattern(HANDLER) })
      .rows.filter((r) => !r.function.startsWith('runtime.'))
      .sort((a, b) => b.flat - a.flat)[0];
    assert.match(hottest?.function ?? '', /api\.isPrime$/, 'trial division is where the time goes');
    assert.deepEqual(routeLabel(labelValues(profile), '/primes', null), { key: 'route', value: '/primes' });

    const lines = lineCosts(profile, index).files.find((f) => f.file.endsWith('internal/api/primes.go'));
    assert.ok(lines, 'primes.go has per-line costs');
    const hot = [...lines.lines].sort((a, b) => b.flat - a.flat)[0];
    assert.ok(hot && hot.functions.some((f) => f.endsWith('api.isPrime')), `the hottest line is in isPrime: ${JSON.stringify(hot)}`);

    const allocProfile = decodePackedProfile(allocs);
    const allocIndex = resolveSampleIndex(allocProfile, 'alloc_space');
    // A delta over 2 s: Go samples one allocation per 512 kB, so a light handler may show none; the
    // delta must still be a well-formed allocation profile, not the since-start totals.
    assert.equal(allocProfile.sampleTypes[allocIndex]?.type, 'alloc_space');
    assert.ok(allocProfile.durationNanos >= 1.5e9, `a delta profile records its window: ${allocProfile.durationNanos} ns`);
  });
});
