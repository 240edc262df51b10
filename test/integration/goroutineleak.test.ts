/**
 * What Go 1.27.3 really prints for examples/leaky-service (a `go 1.27` module): pprof labels in every
 * goroutine header, the goroutineleak profile in its three forms, `(leaked)` marks in ordinary dumps
 * after a detection pass — and what Goroscope makes of them: groups with their labels and proven
 * leaks, the CLI on the live URLs, `watch --format json` with confirmedByRuntime. The service's /quote
 * leak is provable (channels only the blocked goroutines reach); its search leak is not (the select
 * also waits on a channel the running server holds): both are asserted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { clusterGoroutines } from '../../src/goroutines/cluster';
import { loadGoroutines } from '../../src/goroutines/load';
import type { GoroutineSummary } from '../../src/goroutines/model';
import { fetchRaw } from '../../src/pprof/fetch';
import { REPO_ROOT, runCliAsync } from '../cli/cliRunner';
import { buildLeakyService, startLeakyService, type LeakyService } from './leakyService';

const QUOTE = /api\.\(\*Server\)\.handleQuote\.func[12]$/;
const SEARCH = /search\.\(\*Service\)\.Search\.func1$/;
const userFrame = (frames: ReadonlyArray<{ function: string }>) => frames.find((f) => f.function.startsWith('example.com/'))?.function ?? '';

const runCli = (args: string[]) => runCliAsync(args, { cwd: REPO_ROOT });

describe('Go 1.27.3 goroutine dumps and the goroutineleak profile, live', { timeout: 240_000 }, () => {
  let build: { binary: string; cleanup(): void } | undefined;
  let svc: LeakyService;
  const get = async (path: string): Promise<Uint8Array> => (await fetchRaw(`${svc.pprof}${path}`, { readTimeoutMs: 30_000 }, 'text')).body;
  const text = async (path: string): Promise<string> => Buffer.from(await get(path)).toString('utf8');

  before(async () => {
    build = await buildLeakyService();
    svc = await startLeakyService(build.binary, ['-traffic', '20', '-health-interval', '0']);
    // Some quotes time out (every third SKU) and some searches leak before anything is read.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const dump = await text('goroutine?debug=2');
      // A quote goroutine blocked for good (not still waiting on its backend), and a blocked search goroutine.
      if (/\[chan send\] \{route: \/quote\}:\n[^\n]*handleQuote\.func2\(/.test(dump) && dump.includes('Search.func1(')) break;
      if (Date.now() > deadline) throw new Error(`no quote or search goroutines after 30 s; the service's log:\n${svc.log()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  after(async () => {
    await svc?.stop();
    build?.cleanup();
  });

  test('before any detection pass: labels printed in every request goroutine\'s header, nothing marked leaked', async () => {
    const dump = await text('goroutine?debug=2');
    assert.match(dump, /^goroutine \d+ \[select(, \d+ minutes)?\] \{route: \/search\}:$/m, 'Go 1.27 prints the label bare after the status');
    assert.doesNotMatch(dump, /\(leaked\)/);
    const summary = clusterGoroutines(loadGoroutines(new TextEncoder().encode(dump)));
    assert.equal(summary.total, dump.match(/^goroutine \d+ /gm)?.length, 'every goroutine parsed, labelled headers included');
    const search = summary.groups.find((g) => SEARCH.test(userFrame(g.frames)));
    assert.deepEqual([search?.state, search?.labels], ['select', { route: '/search' }]);
    const quotes = summary.groups.filter((g) => QUOTE.test(userFrame(g.frames)));
    assert.ok(quotes.length > 0 && quotes.every((g) => g.labels?.['route'] === '/quote' && g.leaked === 0), `${JSON.stringify(quotes.map((g) => [g.state, g.count, g.leaked, g.labels]))}\n${dump.slice(0, 3000)}\nlog: ${svc.log().slice(-2000)}`);
    assert.equal(summary.leaked, 0);
  });

  test('the goroutineleak profile in its three forms: the quote goroutines proved, the search ones not', async () => {
    const debug2 = await text('goroutineleak?debug=2');
    assert.match(debug2, /^goroutine \d+ \[chan send \(leaked\)\] \{route: \/quote\}:$/m);
    assert.match(debug2, /^goroutine \d+ \[select \(leaked\)\] \{route: \/quote\}:$/m);
    assert.match(debug2, /^goroutine \d+ \[select(, \d+ minutes)?\] \{route: \/search\}:$/m, 'debug=2 prints every goroutine, not only the leaked');
    const fromDump = clusterGoroutines(loadGoroutines(new TextEncoder().encode(debug2)));
    const proven = fromDump.groups.filter((g) => g.leaked > 0);
    assert.deepEqual(proven.map((g) => QUOTE.test(userFrame(g.frames))), proven.map(() => true), proven.map((g) => userFrame(g.frames)).join(', '));
    assert.deepEqual(fromDump.groups.slice(0, proven.length), proven, 'proven groups first');
    assert.ok(fromDump.groups.filter((g) => SEARCH.test(userFrame(g.frames))).every((g) => g.leaked === 0));
    assert.ok(fromDump.leaked >= 2);

    const debug1 = await text('goroutineleak?debug=1');
    assert.match(debug1, /^goroutineleak profile: total \d+\n/);
    assert.match(debug1, /^# labels: \{"route":"\/quote"\}$/m);
    const proto = await get('goroutineleak');
    const records: GoroutineSummary[] = [loadGoroutines(new TextEncoder().encode(debug1)), loadGoroutines(proto)].map(clusterGoroutines);
    for (const s of records) {
      assert.equal(s.leaked, s.total, 'every goroutine of the profile is proven leaked');
      assert.ok(s.groups.every((g) => QUOTE.test(userFrame(g.frames)) && g.labels?.['route'] === '/quote'), s.groups.map((g) => userFrame(g.frames)).join(', '));
      // Each request leaks as it times out: later passes prove at least what the first did.
      assert.ok(s.total >= fromDump.leaked, `${s.total} < ${fromDump.leaked}`);
    }
    assert.equal(loadGoroutines(proto).profile, 'goroutineleak', 'debug=0: sample type goroutineleak/count');

    const plain = clusterGoroutines(loadGoroutines(await get('goroutine?debug=2')));
    assert.ok(plain.leaked >= fromDump.leaked, 'after a pass an ordinary dump marks what it proved');
  });

  test('goroutines <url>: the goroutineleak URL in each form; json groups with leaked and labels', async () => {
    for (const query of ['?debug=2', '?debug=1', '']) {
      const r = await runCli(['goroutines', '--format', 'json', `${svc.pprof}goroutineleak${query}`]);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { leaked: number; groups: Array<{ leaked: number; labels: Record<string, string> | null; frames: Array<{ function: string }> }> };
      assert.ok(out.leaked > 0, query);
      const top = out.groups[0];
      assert.ok(top && top.leaked > 0 && top.labels?.['route'] === '/quote' && QUOTE.test(userFrame(top.frames)), `${query}: ${JSON.stringify(top?.labels)}`);
      assert.ok(out.groups.every((g) => typeof g.leaked === 'number'));
    }
  });

  test('watch --format json: the quote suspects confirmed by the runtime with the count it proved; search not', async () => {
    const r = await runCli(['watch', svc.pprof, '--interval', '1', '--count', '3', '--format', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { suspects: Array<{ kind: string; function: string; confirmedByRuntime: number; evidence: string[] }> };
    assert.ok(out.suspects.every((s) => typeof s.confirmedByRuntime === 'number'));
    const confirmed = out.suspects.filter((s) => s.confirmedByRuntime > 0);
    assert.ok(confirmed.length >= 1, JSON.stringify(out.suspects.map((s) => [s.function, s.confirmedByRuntime])));
    assert.ok(confirmed.every((s) => QUOTE.test(s.function) && s.evidence.some((e) => e.startsWith('the Go runtime proved'))));
    assert.deepEqual(out.suspects.slice(0, confirmed.length), confirmed, 'proven suspects rank first');
    const search = out.suspects.find((s) => SEARCH.test(s.function));
    assert.ok(search, 'the search leak keeps growing: a suspect');
    assert.equal(search.confirmedByRuntime, 0);
    assert.match(r.stderr, /snapshot 1\/3, \d+ goroutines \(\d+ proven leaked, leak detection ran\)/);
    assert.doesNotMatch(r.stderr, /snapshot [23]\/3.*leak detection ran/, 'one pass a minute at most');
  });
});
