import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { goSrc } from '../goToolchain';
import { REPO_ROOT, runCli } from './cliRunner';

interface JsonHandler {
  file: string;
  line: number;
  function: string;
  route: string | null;
  method: string | null;
  framework: string;
}

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'handlers');
const LEAKY = path.join(REPO_ROOT, 'examples', 'leaky-service');
const FRAMEWORKS = path.join(REPO_ROOT, 'examples', 'framework-service');
const NET_HTTP = goSrc('net', 'http');

function handlersJson(args: string[], cwd = REPO_ROOT): JsonHandler[] {
  const run = runCli(['handlers', '--format', 'json', ...args], { cwd });
  assert.equal(run.stderr, '');
  assert.equal(run.status, 0);
  return JSON.parse(run.stdout) as JsonHandler[];
}

/** 1-based line of the first line of `file` that matches. */
function lineOf(file: string, re: RegExp): number {
  const index = readFileSync(file, 'utf8').split('\n').findIndex((l) => re.test(l));
  assert.ok(index >= 0, `${re} not in ${file}`);
  return index + 1;
}

describe('goroscope handlers', () => {
  test('json: an array of {file, line, function, route, method, framework} with absolute paths', () => {
    const hs = handlersJson(['gin'], FIXTURES);
    assert.ok(hs.length > 0);
    for (const h of hs) {
      assert.deepEqual(Object.keys(h), ['file', 'line', 'function', 'route', 'method', 'framework']);
      assert.ok(path.isAbsolute(h.file), h.file);
    }
    const ping = hs.find((h) => h.function === 'ping');
    const file = path.join(FIXTURES, 'gin', 'main.go');
    assert.deepEqual(ping, { file, line: lineOf(file, /^func ping\(/), function: 'ping', route: '/ping', method: 'GET', framework: 'gin' });
  });

  test('text: path:line: function METHOD route (framework), paths relative to the working directory', () => {
    const run = runCli(['handlers', 'crosspkg'], { cwd: FIXTURES });
    assert.equal(run.status, 0, run.stderr);
    const api = path.join('crosspkg', 'api', 'api.go');
    assert.deepEqual(run.stdout.trimEnd().split('\n'), [
      `${api}:${lineOf(path.join(FIXTURES, api), /^func Index/)}: Index GET / (net/http)`,
      `${api}:${lineOf(path.join(FIXTURES, api), /\) Show\(/)}: (*Handlers).Show * /show (net/http)`,
      `${api}:${lineOf(path.join(FIXTURES, api), /\) Hidden\(/)}: (*Handlers).Hidden * - (net/http)`,
    ]);
  });

  test('a single file is read with the rest of its package left out: no route from files not given', () => {
    const hs = handlersJson([path.join(FIXTURES, 'nethttp', 'handlers.go')]);
    assert.ok(hs.length > 5);
    assert.ok(hs.every((h) => h.route === null), JSON.stringify(hs.filter((h) => h.route !== null)));
  });

  test('examples/leaky-service: every handler its README lists, with its route', () => {
    const readme = readFileSync(path.join(LEAKY, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Endpoints'), readme.indexOf('## Leaks at known rates'));
    // | `GET /search?q=` | method `(*Server).handleSearch` | … — pprof and expvar rows are not the service's own code.
    const rows = section.split('\n').filter((l) => l.startsWith('| `') && !l.includes('net/http/pprof') && !l.includes('`expvar`'));
    const expected = rows.map((row) => {
      const [routes = '', shape = ''] = row.split('|').slice(1).map((c) => c.trim());
      const route = /`(?:[A-Z]+ )?(\/[^`?]*)/.exec(routes)?.[1];
      const name = /`([^`]+)`/.exec(shape)?.[1] ?? null;
      return { route, name };
    });
    assert.equal(expected.length, 9, section);
    const hs = handlersJson([LEAKY]);
    assert.equal(hs.length, expected.length, JSON.stringify(hs, null, 1));
    for (const { route, name } of expected) {
      const h = hs.find((x) => x.route === route);
      assert.ok(h, `no handler for ${route}`);
      // The inline literal has no name in the README: it is listed under its closure symbol.
      if (name !== null) assert.equal(h.function, name);
      else assert.match(h.function, /^\(\*Server\)\.routes\.func\d+$/);
      assert.equal(h.framework, 'net/http');
    }
  });

  test('examples/framework-service: every route of its README, full pattern and method, for gin, echo, chi, fiber', () => {
    const readme = readFileSync(path.join(FRAMEWORKS, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Routes'), readme.indexOf('## What each framework shows'));
    // | `GET /gin/api/v1/reports/:id` | gin | `(*handlers).report` | … — rows without a handler (pprof, metrics) are libraries'.
    const expected = section
      .split('\n')
      .map((row) => /^\| `([A-Z]+) (\/\S*)` \| ([\w/]+) \| `([^`]+)` \|/.exec(row))
      .filter((m): m is RegExpExecArray => m !== null)
      .map(([, method, route, framework, fn]) => `${framework} ${method} ${route} ${fn}`)
      .sort();
    assert.equal(expected.length, 24, section);
    for (const framework of ['gin', 'echo', 'chi', 'fiber']) assert.ok(expected.filter((e) => e.startsWith(`${framework} `)).length >= 5, framework);
    const found = handlersJson([FRAMEWORKS]).map((h) => `${h.framework} ${h.method ?? '*'} ${h.route ?? '-'} ${h.function}`).sort();
    assert.deepEqual(found, expected);
  });

  test('usage and input errors: exit 2 and one goroscope: line', () => {
    for (const [args, message] of [
      [['handlers'], /needs at least one file or directory/],
      [['handlers', 'no/such/dir'], /no such file or directory: no\/such\/dir/],
      [['handlers', 'README.md'], /not a Go file: README.md/],
      [['handlers', '--format', 'sarif', '.'], /unknown format "sarif"/],
      [['handlers', '--bogus', '.'], /unknown flag --bogus/],
    ] as const) {
      const run = runCli([...args], { cwd: FIXTURES });
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stdout}`);
      assert.match(run.stderr, /^goroscope: .+\n$/);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
    }
  });

  test('--help prints the usage and exits 0', () => {
    const run = runCli(['handlers', '--help']);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /^usage: goroscope handlers \[--format text\|json\] <file\|dir>…/);
  });

  test("Go's net/http source: crash-free, the mux's ServeHTTP and pprof's routes found", { timeout: 120_000 }, () => {
    assert.ok(existsSync(NET_HTTP), `${NET_HTTP} is missing`);
    const hs = handlersJson([NET_HTTP]);
    const server = path.join(NET_HTTP, 'server.go');
    assert.ok(hs.some((h) => h.file === server && h.function === '(*ServeMux).ServeHTTP' && h.line === lineOf(server, /^func \(mux \*ServeMux\) ServeHTTP\(/)));
    const pprof = path.join(NET_HTTP, 'pprof', 'pprof.go');
    assert.ok(hs.some((h) => h.file === pprof && h.function === 'Index' && h.route === '/debug/pprof/'), JSON.stringify(hs.filter((h) => h.file === pprof)));
  });
});
