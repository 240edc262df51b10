import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT, runCli, runCliAsync as runCliShared } from './cliRunner';

const fixtures = path.join(REPO_ROOT, 'test', 'fixtures', 'goroutines');

/** Runs the CLI without blocking this process (a test server here must keep answering). */
const runCliAsync = (args: string[]) => runCliShared(args, { cwd: REPO_ROOT });

interface JsonGroup {
  count: number;
  leaked: number;
  state: string;
  labels: Record<string, string> | null;
  frames: Array<{ function: string }>;
  ids: number[];
}
const json = (args: string[]) => {
  const r = runCli(['goroutines', '--format', 'json', ...args]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { total: number; leaked: number; groups: JsonGroup[] };
};
const quoteGroup = (g: JsonGroup) => g.frames.some((f) => /handleQuote\.func[12]$/.test(f.function));

test('goroutines --format json on a Go 1.27.3 debug=2 dump: groups sorted by count, the issue\'s shape, labels from headers', () => {
  const r = runCli(['goroutines', '--format', 'json', path.join(fixtures, 'leaky-service.debug2.txt')]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out), ['total', 'leaked', 'truncated', 'states', 'groups']);
  assert.equal(out.leaked, 0);
  const g = out.groups[0];
  assert.deepEqual(Object.keys(g), ['count', 'leaked', 'state', 'minWaitMinutes', 'maxWaitMinutes', 'createdBy', 'lockedToThread', 'labels', 'frames', 'ids']);
  assert.equal(g.state, 'select');
  assert.equal(g.leaked, 0);
  assert.deepEqual(g.labels, { route: '/search' }, 'printed in the headers: no debug=1 was read');
  assert.equal(g.ids.length, g.count);
  assert.match(g.createdBy.function, /search\.\(\*Service\)\.Search$/);
  for (let i = 1; i < out.groups.length; i++) assert.ok(out.groups[i - 1].count >= out.groups[i].count);
  assert.equal(out.total, out.groups.reduce((n: number, x: { count: number }) => n + x.count, 0));
  assert.ok(out.groups.some((x: JsonGroup) => x.labels === null), 'goroutines no request started have no labels');
});

test('goroutines --format json: groups Go proved leaked come first, with their count', () => {
  for (const name of ['leaky-service.goroutineleak.debug2.txt', 'leaky-service.after-leak-pass.debug2.txt']) {
    const out = json([path.join(fixtures, name)]);
    const leaked = out.groups.filter((g) => g.leaked > 0);
    assert.equal(leaked.length, 2, name);
    assert.deepEqual(out.groups.slice(0, 2), leaked, `${name}: the proven groups first`);
    assert.ok(leaked.every((g) => quoteGroup(g) && g.labels?.route === '/quote' && g.leaked <= g.count), name);
    assert.equal(out.leaked, leaked.reduce((n, g) => n + g.leaked, 0));
    assert.ok(out.groups.slice(2).every((g) => g.leaked === 0));
  }
});

test('goroutines reads the goroutineleak profile in its three forms: the same proven goroutines', () => {
  const fromDump = json([path.join(fixtures, 'leaky-service.goroutineleak.debug2.txt')]).leaked;
  for (const name of ['leaky-service.goroutineleak.debug1.txt', 'leaky-service.goroutineleak.pb.gz']) {
    const out = json([path.join(fixtures, name)]);
    // Fetched one after the other from a service under traffic: each form ran its own pass, proving at least what the one before did.
    assert.ok(out.total >= fromDump && out.total <= fromDump + 10, `${name}: ${out.total} proven, debug=2 proved ${fromDump}`);
    assert.equal(out.leaked, out.total, `${name}: every goroutine of the profile is proven leaked`);
    assert.equal(out.groups.length, 2, name);
    assert.ok(out.groups.every((g) => g.leaked === g.count && g.labels?.route === '/quote' && quoteGroup(g)), name);
  }
});

test('goroutines reads debug=1 text and debug=0 protobuf of the same service', () => {
  for (const name of ['leaky-service.debug1.txt', 'leaky-service.pb.gz', 'go1.19.8-leaky-service.debug1.txt', 'go1.19.8-leaky-service.pb.gz']) {
    const out = json([path.join(fixtures, name)]);
    assert.ok(out.total > 150, name);
    assert.equal(out.groups[0]?.labels?.route, '/search', name);
    assert.equal(out.leaked, 0, name);
  }
});

test('goroutines text output names the state, the stack, who created it and what Go proved leaked', () => {
  const r = runCli(['goroutines', path.join(fixtures, 'go1.27.3-sigquit.txt')]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\d+ goroutines in \d+ groups\n5 proven leaked by the Go runtime\n/);
  assert.match(r.stdout, /\n1 × \[chan receive, 1 minute, locked to thread\]\n {2}labels: note=.* route=\/users\/\{id\} tenant=acme\.corp\/eu_1\n(?: {2}runtime\..*\n {6}.*\n)* {2}main\.main\.func6\n {6}\S+\/main\.go:\d+\n/);
  assert.match(r.stdout, /^2 × \[chan send\] {2}proven leaked by the Go runtime\n/m);
});

test('goroutines text output counts in words a person reads: 1 goroutine, 1 group, a wait range only when the waits differ', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'goroscope-plural-'));
  try {
    const frame = 'main.wait()\n\t/app/main.go:9 +0x1d\n';
    const one = path.join(dir, 'one.txt');
    writeFileSync(one, `goroutine 7 [select, 3 minutes]:\n${frame}`);
    let r = runCli(['goroutines', one]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^1 goroutine in 1 group\n/);
    assert.match(r.stdout, /\n1 × \[select, 3 minutes\]\n/);
    const two = path.join(dir, 'two.txt');
    writeFileSync(two, `goroutine 7 [select, 1 minute]:\n${frame}\ngoroutine 8 [select, 4 minutes]:\n${frame}`);
    r = runCli(['goroutines', two]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^2 goroutines in 1 group\n/);
    assert.match(r.stdout, /\n2 × \[select, 1–4 minutes\]\n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('goroutines: bad input gives one line and exit 2', () => {
  for (const args of [['goroutines', '/nonexistent/dump.txt'], ['goroutines', path.join(REPO_ROOT, 'package.json')], ['goroutines'], ['goroutines', '--format', 'xml', 'x']]) {
    const r = runCli(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^goroscope: /);
  }
});

/**
 * A stand-in service answering with captures: the Go 1.19.8 ones (no labels in dumps, so debug=1 is joined)
 * or the Go 1.27.3 ones (labels in headers: debug=1 is not asked for), and the goroutineleak profile.
 */
async function captureServer(go: 'go1.19.8' | 'go1.27.3', seen: string[]): Promise<http.Server> {
  const prefix = go === 'go1.19.8' ? 'go1.19.8-leaky-service' : 'leaky-service';
  const files: Record<string, string> = {
    'goroutine?debug=2': `${prefix}.debug2.txt`,
    'goroutine?debug=1': `${prefix}.debug1.txt`,
    'goroutineleak?debug=2': 'leaky-service.goroutineleak.debug2.txt',
    'goroutineleak?debug=1': 'leaky-service.goroutineleak.debug1.txt',
    goroutineleak: 'leaky-service.goroutineleak.pb.gz',
  };
  const server = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    const file = files[(req.url ?? '').replace(/^\/debug\/pprof\//, '')];
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><title>404 page</title></html>');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(readFileSync(path.join(fixtures, file)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

test('goroutines <url> of a Go 1.27 service: labels from the dump\'s headers, no debug=1 fetched', async () => {
  const seen: string[] = [];
  const server = await captureServer('go1.27.3', seen);
  try {
    const { port } = server.address() as AddressInfo;
    const r = await runCliAsync(['goroutines', '--format', 'json', `http://127.0.0.1:${port}/debug/pprof/`]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual([out.groups[0].state, out.groups[0].labels], ['select', { route: '/search' }]);
    assert.deepEqual(seen, ['/debug/pprof/goroutine?debug=2']);
  } finally {
    server.close();
  }
});

test('goroutines <goroutineleak url>: each of its three forms, fetched as given', async () => {
  const seen: string[] = [];
  const server = await captureServer('go1.27.3', seen);
  try {
    const { port } = server.address() as AddressInfo;
    for (const query of ['?debug=2', '?debug=1', '']) {
      seen.length = 0;
      const r = await runCliAsync(['goroutines', '--format', 'json', `http://127.0.0.1:${port}/debug/pprof/goroutineleak${query}`]);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.ok(out.leaked > 0, query);
      assert.ok(out.groups[0].leaked > 0 && out.groups[0].labels.route === '/quote', query);
      assert.deepEqual(seen, [`/debug/pprof/goroutineleak${query}`]);
    }
  } finally {
    server.close();
  }
});

test('goroutines <url> of an older service: fetches debug=2 from a pprof base URL and joins labels from debug=1', async () => {
  const seen: string[] = [];
  const server = await captureServer('go1.19.8', seen);
  try {
    const { port } = server.address() as AddressInfo;
    const r = await runCliAsync(['goroutines', '--format', 'json', `http://127.0.0.1:${port}/debug/pprof/`]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.groups[0].state, 'select');
    assert.equal(out.groups[0].labels.route, '/search');
    assert.deepEqual(seen, ['/debug/pprof/goroutine?debug=2', '/debug/pprof/goroutine?debug=1']);
    const bad = await runCliAsync(['goroutines', `http://127.0.0.1:${port}/elsewhere/`]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^goroscope: .*404/);
  } finally {
    server.close();
  }
});

test('goroutines <url>: a dead endpoint is one clear error', async () => {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  const r = await runCliAsync(['goroutines', `http://127.0.0.1:${port}/debug/pprof/`]);
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /refused/i);
});
