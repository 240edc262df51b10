import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { CLI_JS, REPO_ROOT, runCli } from './cliRunner';

const fixtures = path.join(REPO_ROOT, 'test', 'fixtures', 'goroutines');

/** Runs the CLI without blocking this process (a test server here must keep answering). */
function runCliAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_JS, ...args], { cwd: REPO_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('goroutines --format json on a debug=2 dump: groups sorted by count, the issue\'s shape', () => {
  const r = runCli(['goroutines', '--format', 'json', path.join(fixtures, 'leaky-service.debug2.txt')]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out), ['total', 'truncated', 'states', 'groups']);
  const g = out.groups[0];
  assert.deepEqual(Object.keys(g), ['count', 'state', 'minWaitMinutes', 'maxWaitMinutes', 'createdBy', 'lockedToThread', 'labels', 'frames', 'ids']);
  assert.equal(g.state, 'select');
  assert.equal(g.ids.length, g.count);
  assert.match(g.createdBy.function, /search\.\(\*Service\)\.Search$/);
  for (let i = 1; i < out.groups.length; i++) assert.ok(out.groups[i - 1].count >= out.groups[i].count);
  assert.equal(out.total, out.groups.reduce((n: number, x: { count: number }) => n + x.count, 0));
});

test('goroutines reads debug=1 text and debug=0 protobuf of the same service', () => {
  for (const name of ['leaky-service.debug1.txt', 'leaky-service.pb.gz']) {
    const r = runCli(['goroutines', '--format', 'json', path.join(fixtures, name)]);
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    const out = JSON.parse(r.stdout);
    assert.ok(out.total > 300, name);
    assert.equal(out.groups[0].labels.route, '/search', name);
  }
});

test('goroutines text output names the state, the stack and who created it', () => {
  const r = runCli(['goroutines', path.join(fixtures, 'variants.txt')]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^11 goroutines in 11 groups/);
  assert.match(r.stdout, /1 × \[select, 25–25 minutes, locked to thread\]\n {2}main\.\(\*S\)\.run\n {6}\/src\/app\/s\.go:40\n {2}created by main\.start in goroutine 1/);
});

test('goroutines: bad input gives one line and exit 2', () => {
  for (const args of [['goroutines', '/nonexistent/dump.txt'], ['goroutines', path.join(REPO_ROOT, 'package.json')], ['goroutines'], ['goroutines', '--format', 'xml', 'x']]) {
    const r = runCli(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^goroscope: /);
  }
});

test('goroutines <url>: fetches debug=2 from a pprof base URL and joins labels from debug=1', async () => {
  const debug2 = readFileSync(path.join(fixtures, 'leaky-service.debug2.txt'));
  const debug1 = readFileSync(path.join(fixtures, 'leaky-service.debug1.txt'));
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/debug/pprof/goroutine') {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><title>404 page</title></html>');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(url.searchParams.get('debug') === '1' ? debug1 : debug2);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
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
