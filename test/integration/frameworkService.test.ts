/**
 * Handler discovery and "Profile this handler"'s capture against the real examples/framework-service
 * (gin, echo v5, chi, fiber v3 behind one net/http server, built with Go 1.27.3): discovery must agree
 * with the routers' own route tables (the service's -routes), and for the costly route of each framework
 * a load sent through the load generator while a CPU profile and an allocation delta are captured must
 * show the handler's frames, its work, its allocations and the route label its framework's middleware
 * sets. Loopback only; about 3 s of load per framework.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { loadTarget, runLoad, type LoadStats } from '../../src/handlers/load';
import type { Handler } from '../../src/handlers/model';
import { focusPattern, labelFilter, routeLabel } from '../../src/handlers/profileSummary';
import { HandlerScanner } from '../../src/handlers/scanner';
import { walkGoFiles } from '../../src/lint/goFiles';
import { decodePackedProfile } from '../../src/pprof/decode';
import { profileUrl } from '../../src/pprof/endpoints';
import { fetchProfile } from '../../src/pprof/fetch';
import { labelValues } from '../../src/pprof/lineCosts';
import { resolveSampleIndex } from '../../src/pprof/sampleTypes';
import { profileTotal, topFunctions } from '../../src/pprof/top';
import { DIST } from '../cli/cliRunner';
import { buildExample, exampleDir, startExample, type ExampleService } from './exampleService';

const run = promisify(execFile);
const SOURCE = exampleDir('framework-service');

/** A route as the service's own routers list it (`framework-service -routes`). */
interface TableRoute {
  framework: string;
  method: string;
  path: string;
  handler: string;
}

/** The costly route of each framework, and a function of the work it does that a profile must show. */
const COSTLY = [
  { framework: 'gin', function: '(*handlers).report', work: /ginapi\.buildReport$/ },
  { framework: 'echo', function: '(*catalog).search', work: /echoapi\.editDistance$/ },
  { framework: 'chi', function: 'renderTile', work: /chiapi\.escapeTime$/ },
  { framework: 'fiber', function: '(*library).topWords', work: /fiberapi\.(countWords|bookText)(\.func\d+)?$/ },
];

describe('examples/framework-service: discovery and handler profiles on real gin, echo, chi and fiber', { timeout: 900_000 }, () => {
  let build: { binary: string; cleanup(): void } | undefined;
  let svc: ExampleService | undefined;
  let handlers: Handler[] = [];

  before(async () => {
    // The first build compiles the four frameworks: minutes on a loaded machine, seconds from Go's cache.
    build = await buildExample('framework-service');
    const scanner = await HandlerScanner.create(DIST);
    try {
      handlers = scanner.scanFiles(walkGoFiles(SOURCE)).handlers;
    } finally {
      scanner.dispose();
    }
    svc = await startExample('framework-service', build.binary);
  });

  after(async () => {
    await svc?.stop();
    build?.cleanup();
  });

  test("discovery finds every route of the routers' own tables: full pattern, method, the function that serves it", async () => {
    const { stdout } = await run((build as { binary: string }).binary, ['-routes'], { timeout: 30_000 });
    const table = JSON.parse(stdout) as TableRoute[];
    for (const framework of ['gin', 'echo', 'chi', 'fiber']) {
      assert.ok(table.filter((r) => r.framework === framework).length >= 5, `the ${framework} router lists its routes`);
    }
    const fromTable = table.map((r) => `${r.framework} ${r.method} ${r.path} ${r.handler}`).sort();
    const discovered = handlers
      .filter((h) => h.framework !== 'net/http')
      .map((h) => `${h.framework} ${h.method ?? '*'} ${h.route ?? '-'} ${h.symbol}`)
      .sort();
    assert.deepEqual(discovered, fromTable);
    // The service's own mux: the one net/http handler, beside pprof and metrics from libraries.
    assert.deepEqual(
      handlers.filter((h) => h.framework === 'net/http').map((h) => `${h.method} ${h.route} ${h.symbol}`),
      [`GET /healthz main.newMux.func1`],
    );
  });

  for (const costly of COSTLY) {
    test(`${costly.framework}: loading ${costly.function}'s route shows its frames, its work, its allocations and its route label`, async () => {
      const s = svc as ExampleService;
      const handler = handlers.find((h) => h.framework === costly.framework && h.function === costly.function);
      assert.ok(handler?.route, `discovery found ${costly.function} with a route`);
      const target = loadTarget(s.pprof, handler.route, handler.method);
      assert.equal(new URL(target.url).origin, new URL(s.url).origin, 'load goes to the service only');

      const [cpu, allocs, stats] = await Promise.all([
        fetchProfile(profileUrl(s.pprof, 'cpu', { seconds: 3 }), { waitMs: 3000, readTimeoutMs: 20_000 }),
        fetchProfile(profileUrl(s.pprof, 'allocs', { seconds: 3 }), { waitMs: 3000, readTimeoutMs: 20_000 }),
        runLoad({ ...target, concurrency: 2, ratePerSecond: 20, durationMs: 2800 }),
      ]);
      assert.ok(stats.sent >= 30, `about 56 requests in 2.8 s at 20/s, sent ${stats.sent}`);
      // The end of the run aborts what is still in flight (one request per worker at most): those count
      // as errors; every answer the service gave is a 200.
      assert.deepEqual(Object.keys(stats.statuses).filter((k) => k !== '200' && k !== 'error'), [], `statuses ${JSON.stringify(stats.statuses)}; log:\n${s.log()}`);
      assert.ok((stats.statuses.error ?? 0) <= 2 && stats.ok >= stats.sent - 2, `all but the requests cut off at the end answered: ${JSON.stringify(stats.statuses)}`);

      const profile = decodePackedProfile(cpu);
      const index = resolveSampleIndex(profile, 'cpu');
      const focus = focusPattern(handler.symbol);
      const share = profileTotal(profile, index, { focus }) / profileTotal(profile, index);
      assert.ok(share > 0.2, `${handler.symbol} holds a large share of an otherwise idle service's CPU under load: ${share}`);
      const work = topFunctions(profile, index, { focus }).rows.filter((r) => costly.work.test(r.function));
      assert.ok(work.some((r) => r.cum > 0), `the handler's work (${costly.work}) is among its frames`);

      const label = routeLabel(labelValues(profile), handler.route, handler.method);
      assert.deepEqual(label, { key: 'route', value: handler.route }, `the ${costly.framework} middleware labels requests with the route discovery found`);
      assert.ok(labelValues(profile).framework?.includes(costly.framework), `framework=${costly.framework} is a label value`);
      // The label and the function pick the same samples: the handler runs under its route's label.
      const labelled = profileTotal(profile, index, { tagFocus: labelFilter(label) });
      const both = profileTotal(profile, index, { tagFocus: labelFilter(label), focus });
      assert.ok(both > 0 && both / labelled > 0.8, `most of the route's labelled samples are in the handler: ${both} of ${labelled}`);

      const allocProfile = decodePackedProfile(allocs);
      const allocIndex = resolveSampleIndex(allocProfile, 'alloc_space');
      const allocated = profileTotal(allocProfile, allocIndex, { focus });
      assert.ok(allocated > 4 * 1024 * 1024, `the handler allocates megabytes under this load: ${allocated} bytes in the delta`);

      await assertCounted(s, costly.framework, handler.route, stats);
    });
  }

  test('it serves Go 1.27\'s goroutineleak profile, expvar\'s memstats and Prometheus metrics with the runtime\'s gauges', async () => {
    const s = svc as ExampleService;
    const vars = (await (await fetch(`${s.url}/debug/vars`)).json()) as { memstats?: { HeapInuse?: number } };
    assert.ok((vars.memstats?.HeapInuse ?? 0) > 0, 'expvar serves memstats');
    const index = await (await fetch(s.pprof)).text();
    assert.match(index, /goroutineleak/);
    const leaks = await fetch(`${s.pprof}goroutineleak?debug=1`);
    assert.equal(leaks.status, 200);
    assert.match(await leaks.text(), /^goroutineleak profile: total \d+/);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    assert.match(metrics, /^go_goroutines \d+$/m);
    assert.match(metrics, /^go_memstats_heap_inuse_bytes [\d.e+]+$/m);
    assert.match(metrics, /^http_request_duration_seconds_bucket\{framework="gin",route="\/gin\/api\/v1\/reports\/:id",le="0.001"\} \d+$/m);
  });
});

/** The framework's middleware counted every request of the load under the route's pattern (those cut off at the end too, once served). */
async function assertCounted(s: ExampleService, framework: string, route: string, stats: LoadStats): Promise<void> {
  const metrics = await (await fetch(`${s.url}/metrics`)).text();
  const series = metrics
    .split('\n')
    .filter((l) => l.startsWith('http_requests_total{') && l.includes(`framework="${framework}"`) && l.includes(`route="${route}"`) && l.includes('code="200"'));
  assert.equal(series.length, 1, `one series for ${framework} ${route}: ${series.join(' | ')}`);
  const counted = Number(series[0]?.split(' ').at(-1));
  assert.ok(counted >= stats.ok && counted <= stats.sent, `${series[0]}: ${stats.ok} answered of ${stats.sent} sent`);
}

