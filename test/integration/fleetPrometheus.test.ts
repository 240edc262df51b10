/**
 * The fleet against real engines: four instances of the fleet fixture (Go 1.27.3, client_golang) with
 * different leak rates, scraped every second by Debian's Prometheus; one leaking instance is restarted
 * mid-test. `goroscope fleet` and the core read them back through Prometheus's HTTP API.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FleetError } from '../../src/fleet/errors';
import { loadFleet } from '../../src/fleet/load';
import { FleetWorker } from '../../src/fleet/loadInWorker';
import { DIST } from '../cli/cliRunner';
import type { FleetReport } from '../../src/fleet/report';
import { runCli, runCliAsync, type CliRun } from '../cli/cliRunner';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { FLEET_METRICS, metricQuery, type FleetMetric } from '../../src/fleet/promql';
import { queryRange, type RangeSeries } from '../../src/fleet/prometheus';
import { chooseStep, type TimeRange } from '../../src/fleet/range';
import { startServer } from '../unit/transport/servers';
import { buildFleetInstance, instantValue, startFleetInstance, startPrometheus, waitFor, type FleetInstance, type Prometheus } from './fleetEngines';
import { freePort } from './leakyService';

const GOROUTINES_PER_SECOND = 20;
const SAMPLES_PER_RUN = 15;
/** How long the instances run before the measured range begins. */
const WARM_UP_MS = 15_000;

let built: Awaited<ReturnType<typeof buildFleetInstance>> | undefined;
let prometheus: Prometheus | undefined;
const instances: Record<'leaker' | 'heap' | 'flat1' | 'flat2', FleetInstance | undefined> = { leaker: undefined, heap: undefined, flat1: undefined, flat2: undefined };
let start = 0;
let end = 0;
let report: FleetReport;

/** The range of the scrape, explicit so every reading of it sees the same points. */
const rangeArg = () => `${new Date(start * 1000).toISOString()}..${new Date(end * 1000).toISOString()}`;

before(async () => {
  built = await buildFleetInstance();
  const binary = built.binary;
  instances.leaker = await startFleetInstance(binary, { leakGoroutines: GOROUTINES_PER_SECOND });
  instances.heap = await startFleetInstance(binary, { leakHeap: 400_000 });
  instances.flat1 = await startFleetInstance(binary);
  instances.flat2 = await startFleetInstance(binary);
  const addresses = Object.values(instances).map((i) => (i as FleetInstance).address);
  prometheus = await startPrometheus({ targets: addresses });
  const url = prometheus.url;
  const log = () => `Prometheus log:\n${prometheus?.log().slice(-3000)}`;
  await waitFor(async () => (await instantValue(url, 'count(up{job="fleet"} == 1)')) === 4, 60_000, () => `not all 4 targets up within 60 s\n${log()}`);
  // The range starts once the processes are past their first seconds: a fresh Go process's heap grows by a
  // few megabytes while the runtime and the metrics registry warm up, which over a range of a minute is a
  // real rise (over the hours a fleet is read for, it is nothing).
  await new Promise((r) => setTimeout(r, WARM_UP_MS));
  start = Math.floor(Date.now() / 1000);

  const leaker = instances.leaker as FleetInstance;
  const samplesOfLeaker = () => instantValue(url, `count_over_time(go_goroutines{instance="${leaker.address}"}[${Math.floor(Date.now() / 1000) - start + 1}s])`);
  await waitFor(async () => (await samplesOfLeaker()) >= SAMPLES_PER_RUN, 90_000, () => `fewer than ${SAMPLES_PER_RUN} scrapes of the leaker\n${log()}`);

  // Restart the leaking instance on the same address: Prometheus sees the target go down and come back
  // as a new process (process_start_time_seconds changes, goroutines fall back to a fresh process's).
  const firstStart = await instantValue(url, `process_start_time_seconds{instance="${leaker.address}"}`);
  await leaker.stop();
  await waitFor(async () => (await instantValue(url, `up{instance="${leaker.address}"}`)) === 0, 30_000, () => `the stopped instance still looks up\n${log()}`);
  instances.leaker = await startFleetInstance(binary, { leakGoroutines: GOROUTINES_PER_SECOND, port: leaker.port });
  await waitFor(
    async () => (await instantValue(url, `process_start_time_seconds{instance="${leaker.address}"}`)) > firstStart,
    30_000,
    () => `the restarted instance was not scraped within 30 s\n${log()}`,
  );
  const restartedAt = Math.floor(Date.now() / 1000);
  await waitFor(
    async () => (await instantValue(url, `count_over_time(go_goroutines{instance="${leaker.address}"}[${Math.floor(Date.now() / 1000) - restartedAt + 1}s])`)) >= SAMPLES_PER_RUN,
    90_000,
    () => `fewer than ${SAMPLES_PER_RUN} scrapes after the restart\n${log()}`,
  );
  end = Math.floor(Date.now() / 1000);
  report = await loadFleet({ source: { url }, selector: '{job="fleet"}', range: { start, end } });
  // GOROSCOPE_FLEET_SERIES=<file>: keep the run's raw series (test/fixtures/fleet/*.json are runs kept so).
  if (process.env.GOROSCOPE_FLEET_SERIES) await saveFleetSeries(process.env.GOROSCOPE_FLEET_SERIES, url, { start, end }, instances);
});

/** The raw range series of every fleet metric, and which instance is which, as a unit-test fixture. */
async function saveFleetSeries(file: string, url: string, range: TimeRange, roles: typeof instances): Promise<void> {
  const step = chooseStep(range);
  const series: Record<string, RangeSeries[]> = {};
  for (const metric of Object.keys(FLEET_METRICS) as FleetMetric[]) series[metric] = await queryRange({ url }, metricQuery(metric, '{job="fleet"}'), range, step);
  const addresses = Object.fromEntries(Object.entries(roles).map(([role, i]) => [role, i?.address]));
  writeFileSync(file, `${JSON.stringify({ range, step, instances: addresses, series })}\n`);
}

after(async () => {
  for (const instance of Object.values(instances)) await instance?.stop();
  await prometheus?.stop();
  built?.cleanup();
});

test('fleet: the instance leaking goroutines ranks first, with its rate; the restart is found and is not a drop', () => {
  const leaker = (instances.leaker as FleetInstance).address;
  const first = report.suspects[0];
  assert.ok(first, `no suspects: ${JSON.stringify(report.instances.map((i) => [i.instance, i.goroutines, i.heapInuse]))}`);
  assert.equal(first.instance, leaker);
  assert.equal(first.kind, 'goroutines');
  // 20 goroutines a second is 72,000 an hour: measured between restarts, the drop at the restart does not pull it down.
  const expected = GOROUTINES_PER_SECOND * 3600;
  assert.ok(first.perHour > expected * 0.6 && first.perHour < expected * 1.4, `perHour ${first.perHour}, expected about ${expected}`);
  const instance = report.instances.find((i) => i.instance === leaker);
  assert.equal(instance?.restarts.length, 1, `restarts ${JSON.stringify(instance?.restarts)}`);
  assert.ok(instance && instance.goroutines && instance.goroutines.last < instance.goroutines.first + expected * ((end - start) / 3600), 'the series fell at the restart');
  assert.match(first.evidence.join('\n'), /restarted once/);
  assert.match(first.evidence.join('\n'), /only this instance grows; the other 3 do not grow steadily/);
  assert.equal(first.pattern, 'isolated');
});

test('fleet: the heap leaker is a heap suspect; flat instances are no suspects and did not restart', () => {
  const heap = (instances.heap as FleetInstance).address;
  const trends = report.instances.map((i) => ({ instance: i.instance, heapInuse: i.heapInuse, heapGoal: i.heapGoal }));
  assert.ok(report.suspects.some((s) => s.instance === heap && s.kind === 'heap'), `${heap}: ${JSON.stringify(trends)}\nsuspects: ${JSON.stringify(report.suspects)}`);
  for (const flat of [instances.flat1, instances.flat2]) {
    const address = (flat as FleetInstance).address;
    assert.ok(!report.suspects.some((s) => s.instance === address), `${address} is not growing: ${JSON.stringify(trends)}\nsuspects: ${JSON.stringify(report.suspects)}`);
    assert.equal(report.instances.find((i) => i.instance === address)?.restarts.length, 0);
  }
  assert.equal(report.instances.length, 4);
  // Every instance has a chart on the step grid with its points.
  for (const instance of report.instances) {
    assert.equal(instance.chart.times.length, instance.chart.goroutines.length);
    assert.ok(instance.chart.goroutines.filter(Number.isFinite).length >= SAMPLES_PER_RUN);
  }
  assert.ok(report.step >= 1 && (end - start) / report.step < 1000);
});

test('goroscope fleet --format json prints the specified shape, suspects by score', () => {
  const run = runCli(['fleet', (prometheus as Prometheus).url, '--selector', '{job="fleet"}', '--range', rangeArg(), '--format', 'json']);
  assert.equal(run.status, 0, run.stderr);
  const json = JSON.parse(run.stdout) as Record<string, unknown> & { instances: Array<Record<string, unknown>>; suspects: Array<Record<string, unknown>> };
  assert.deepEqual(Object.keys(json), ['range', 'instances', 'suspects']);
  assert.deepEqual(Object.keys(json.range as object), ['start', 'end']);
  assert.equal(json.instances.length, 4);
  for (const i of json.instances) {
    assert.deepEqual(Object.keys(i), ['instance', 'labels', 'goroutines', 'heapInuse', 'restarts']);
    assert.deepEqual(Object.keys(i.goroutines as object), ['first', 'last', 'perHour']);
    assert.equal((i.labels as Record<string, string>).job, 'fleet');
  }
  for (const s of json.suspects) assert.deepEqual(Object.keys(s), ['kind', 'instance', 'perHour', 'unit', 'score', 'evidence']);
  const scores = json.suspects.map((s) => s.score as number);
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
  assert.equal(json.suspects[0]?.instance, (instances.leaker as FleetInstance).address);
  assert.equal(json.suspects[0]?.unit, 'goroutines');
});

test('goroscope fleet text names the suspects and lists every instance', () => {
  const run = runCli(['fleet', (prometheus as Prometheus).url, '--selector', 'job="fleet"', '--range', rangeArg()]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^\{job="fleet"\} from .* 4 instances, \d+ suspects$/m);
  assert.match(run.stdout, new RegExp(`^1\\. \\[goroutines\\] ${(instances.leaker as FleetInstance).address.replace(/\./g, '\\.')}`, 'm'));
  for (const i of Object.values(instances)) assert.match(run.stdout, new RegExp(`^${(i as FleetInstance).address.replace(/\./g, '\\.')} `, 'm'));
});

test('fleet faults: each gives one clear message', async () => {
  const url = (prometheus as Prometheus).url;
  const fleet = (...args: string[]) => runCliAsync(['fleet', ...args, '--range', rangeArg()]);
  const expectMessage = (run: CliRun, pattern: RegExp) => {
    assert.equal(run.status, 2, run.stdout);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.match(run.stderr, pattern);
  };
  // Prometheus's own error JSON (an invalid regular expression in a matcher).
  expectMessage(await fleet(url, '--selector', '{job=~"("}'), /^goroscope: .*Prometheus refused the query: bad_data: .*(regexp|parse)/i);
  // A selector that matches nothing: say so, and offer the jobs the server has.
  expectMessage(await fleet(url, '--selector', '{job="nope"}'), /matches no go_goroutines series .*jobs exporting go_goroutines: fleet\)/);
  // Too many series: say how many, ask to narrow.
  expectMessage(await fleet(url, '--selector', '{job="fleet"}', '--max-series', '2'), /matches 4 instances \(at most 2 are shown\): narrow the selector/);
  // Not a selector.
  expectMessage(await fleet(url, '--selector', 'go_goroutines{job="fleet"}'), /is not a selector \(give the label matchers only/);
  // Unreachable.
  const port = await freePort();
  expectMessage(await fleet(`http://127.0.0.1:${port}/`, '--selector', '{job="fleet"}'), /refused/);
  // An HTML page where the API should be, and 401.
  const html = await startServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><html><head><title>Sign in</title></head><body>sign in</body></html>');
  });
  const locked = await startServer((req, res) => {
    const ok = req.headers.authorization === 'Bearer s3cret';
    res.writeHead(ok ? 404 : 401, { 'content-type': 'text/plain' });
    res.end(ok ? 'not here' : 'unauthorized');
  });
  try {
    expectMessage(await fleet(html.url, '--selector', '{job="fleet"}'), /answered with an HTML page \("Sign in"\) where Prometheus's API should be/);
    expectMessage(await fleet(locked.url, '--selector', '{job="fleet"}'), /401 Unauthorized: it needs a bearer token/);
    // With the token from the environment, the server lets it through (and then 404s: not Prometheus).
    const withToken = await runCliAsync(['fleet', locked.url, '--selector', '{job="fleet"}', '--range', rangeArg()], { env: { GOROSCOPE_FLEET_TOKEN: 's3cret' } });
    expectMessage(withToken, /404 Not Found.*is this the URL of a Prometheus-compatible server/);
  } finally {
    await html.close();
    await locked.close();
  }
});

test('the fleet worker (dist/fleetWorker.js) builds the page view off the thread; its errors keep their kind', async () => {
  const worker = new FleetWorker(path.join(DIST, 'fleetWorker.js'));
  try {
    const source = { url: (prometheus as Prometheus).url };
    const view = await worker.load({ source, selector: '{job="fleet"}', range: { start, end }, title: 'fleet' });
    assert.equal(view.instances.length, 4);
    assert.equal(view.instances[0]?.instance, (instances.leaker as FleetInstance).address, 'suspects first');
    assert.ok(view.instances.every((i) => i.goroutinesChart.length <= 120));
    assert.deepEqual(await worker.jobs({ source }), ['fleet']);
    const err = await worker.load({ source, selector: '{job="nope"}', range: { start, end }, title: 'x' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof FleetError && err.kind === 'no-series', String(err));
  } finally {
    worker.dispose();
  }
});
