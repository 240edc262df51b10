import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { EndpointError, parseIndexPage, parsePprofUrl, profileUrl, varsUrl } from '../../../src/pprof/endpoints';

const fixture = (name: string): string => readFileSync(path.resolve('test/fixtures/transport', name), 'utf8');
const RUNTIME = ['allocs', 'block', 'cmdline', 'goroutine', 'heap', 'mutex', 'profile', 'threadcreate', 'trace'];

describe('parseIndexPage', () => {
  test('Go 1.19 (examples/leaky-service): every profile with its count and link', () => {
    const entries = parseIndexPage(fixture('index-go1.19-leaky.html'));
    assert.deepEqual(entries.map((e) => e.name), RUNTIME);
    const goroutine = entries.find((e) => e.name === 'goroutine');
    assert.ok(goroutine && goroutine.count > 0);
    assert.equal(goroutine.href, 'goroutine?debug=1');
    // The "full goroutine stack dump" link below the table is not a profile row.
    assert.equal(entries.filter((e) => e.name === 'goroutine').length, 1);
  });

  test('custom profiles registered with pprof.NewProfile, with the names Go escapes', () => {
    const entries = parseIndexPage(fixture('index-go1.19-custom.html'));
    const byName = new Map(entries.map((e) => [e.name, e]));
    assert.deepEqual(byName.get('github.com/acme/db.conns'), { name: 'github.com/acme/db.conns', count: 2, href: 'github.com/acme/db.conns?debug=1' });
    assert.deepEqual(byName.get('a:b'), { name: 'a:b', count: 2, href: './a:b?debug=1' });
    assert.deepEqual(byName.get('my profile'), { name: 'my profile', count: 2, href: 'my%20profile?debug=1' });
    assert.deepEqual(byName.get('<x>&y'), { name: '<x>&y', count: 2, href: '%3Cx%3E&y?debug=1' });
    assert.equal(entries.length, 13);
  });

  test('Go 1.27.3 (examples/leaky-service): the layout of Go 1.21 and later, with goroutineleak and symbol', () => {
    const entries = parseIndexPage(fixture('index-go1.27.3-leaky.html'));
    assert.deepEqual(entries.map((e) => e.name), [...RUNTIME.slice(0, 4), 'goroutineleak', ...RUNTIME.slice(4, 7), 'symbol', ...RUNTIME.slice(7)]);
    // Captured right after goroutineleak?debug=1: the count is what that detection pass proved.
    const proved = /^goroutineleak profile: total (\d+)$/m.exec(readFileSync(path.resolve('test/fixtures/goroutines/leaky-service.goroutineleak.debug1.txt'), 'utf8'))?.[1];
    assert.equal(entries.find((e) => e.name === 'goroutineleak')?.count, Number(proved));
    assert.equal(entries.find((e) => e.name === 'goroutineleak')?.href, 'goroutineleak?debug=1');
  });

  test('the html/template layout of Go 1.15 and earlier', () => {
    const entries = parseIndexPage(fixture('index-go1.15-template.html'));
    assert.deepEqual(entries.map((e) => e.name), RUNTIME);
    assert.deepEqual(entries.find((e) => e.name === 'goroutine'), { name: 'goroutine', count: 7, href: 'goroutine?debug=1' });
  });

  test('the oldest layout (right-aligned count, no closing cells)', () => {
    const html = '<table>\n<tr><td align=right>5<td><a href="heap?debug=1">heap</a>\n<tr><td align=right>31<td><a href="goroutine?debug=1">goroutine</a>\n</table>';
    assert.deepEqual(parseIndexPage(html), [
      { name: 'heap', count: 5, href: 'heap?debug=1' },
      { name: 'goroutine', count: 31, href: 'goroutine?debug=1' },
    ]);
  });

  test('a page that is not a pprof index gives no entries', () => {
    assert.deepEqual(parseIndexPage('<html><title>Login</title><a href="/x">x</a></html>'), []);
    assert.deepEqual(parseIndexPage(''), []);
  });
});

describe('parsePprofUrl', () => {
  test('a base URL with or without the trailing slash', () => {
    assert.equal(parsePprofUrl('http://127.0.0.1:6060/debug/pprof/').base, 'http://127.0.0.1:6060/debug/pprof/');
    assert.equal(parsePprofUrl('http://127.0.0.1:6060/debug/pprof').base, 'http://127.0.0.1:6060/debug/pprof/');
    assert.equal(parsePprofUrl('http://127.0.0.1:6060/debug/pprof').endpoint, undefined);
  });

  test('a host alone means /debug/pprof/ on it', () => {
    assert.equal(parsePprofUrl('localhost:6060').base, 'http://localhost:6060/debug/pprof/');
    assert.equal(parsePprofUrl('https://svc.internal').base, 'https://svc.internal/debug/pprof/');
  });

  test('a base mounted elsewhere', () => {
    assert.equal(parsePprofUrl('http://h/admin/pprof').base, 'http://h/admin/pprof/');
  });

  test('a full profile URL: base, endpoint and query', () => {
    const t = parsePprofUrl('http://h:1/debug/pprof/heap?gc=1');
    assert.equal(t.base, 'http://h:1/debug/pprof/');
    assert.equal(t.endpoint, 'heap');
    assert.equal(t.query.get('gc'), '1');
    assert.equal(parsePprofUrl('http://h/admin/pprof/profile?seconds=5').endpoint, 'profile');
    assert.equal(parsePprofUrl('http://h/debug/pprof/my%20profile').endpoint, 'my profile');
  });

  test('bad input says what is wrong', () => {
    assert.throws(() => parsePprofUrl(''), EndpointError);
    assert.throws(() => parsePprofUrl('ftp://h/debug/pprof/'), /pprof is served over http or https, not ftp/);
    assert.throws(() => parsePprofUrl('http://[bad'), /not a valid URL/);
  });
});

describe('profileUrl', () => {
  const base = 'http://127.0.0.1:6060/debug/pprof/';

  test('CPU: profile?seconds=N, 30 by default', () => {
    assert.equal(profileUrl(base, 'cpu', { seconds: 5 }), `${base}profile?seconds=5`);
    assert.equal(profileUrl(base, 'cpu'), `${base}profile?seconds=30`);
    assert.equal(profileUrl('http://127.0.0.1:6060/debug/pprof', 'cpu', { seconds: 1 }), `${base}profile?seconds=1`);
  });

  test('heap with gc=1, goroutine with debug', () => {
    assert.equal(profileUrl(base, 'heap', { gc: true }), `${base}heap?gc=1`);
    assert.equal(profileUrl(base, 'heap'), `${base}heap`);
    assert.equal(profileUrl(base, 'goroutine', { debug: 2 }), `${base}goroutine?debug=2`);
    assert.equal(profileUrl(base, 'goroutine', { debug: 1 }), `${base}goroutine?debug=1`);
    assert.equal(profileUrl(base, 'goroutineleak', { debug: 2 }), `${base}goroutineleak?debug=2`);
    assert.equal(profileUrl(base, 'goroutineleak'), `${base}goroutineleak`);
    assert.deepEqual(parsePprofUrl('http://h/debug/pprof/goroutineleak?debug=1'), { base: 'http://h/debug/pprof/', endpoint: 'goroutineleak', query: new URLSearchParams('debug=1') });
  });

  test('delta captures on every profile that supports them', () => {
    for (const kind of ['allocs', 'block', 'goroutine', 'goroutineleak', 'heap', 'mutex', 'threadcreate']) {
      assert.equal(profileUrl(base, kind, { seconds: 10 }), `${base}${kind}?seconds=10`);
    }
  });

  test('custom profile names are escaped as Go reads them back', () => {
    assert.equal(profileUrl(base, 'github.com/acme/db.conns'), `${base}github.com/acme/db.conns`);
    assert.equal(profileUrl(base, 'my profile'), `${base}my%20profile`);
    assert.equal(profileUrl(base, 'a:b'), `${base}a%3Ab`);
    assert.equal(profileUrl(base, '<x>&y'), `${base}%3Cx%3E%26y`);
  });

  test('a full profile URL as the base: its query is kept for the same profile only', () => {
    assert.equal(profileUrl(`${base}heap?gc=1`, 'heap'), `${base}heap?gc=1`);
    assert.equal(profileUrl(`${base}heap?gc=1`, 'goroutine'), `${base}goroutine`);
    assert.equal(profileUrl(`${base}profile?seconds=7`, 'cpu'), `${base}profile?seconds=7`);
    assert.equal(profileUrl(`${base}profile?seconds=7`, 'cpu', { seconds: 2 }), `${base}profile?seconds=2`);
  });

  test('combinations Go rejects or ignores are refused with a reason', () => {
    assert.throws(() => profileUrl(base, 'my profile', { seconds: 5 }), /does not support a delta capture/);
    assert.throws(() => profileUrl(base, 'cpu', { seconds: 0 }), /positive whole number/);
    assert.throws(() => profileUrl(base, 'cpu', { seconds: 1.5 }), /positive whole number/);
    assert.throws(() => profileUrl(base, 'goroutine', { gc: true }), /gc=1 only applies to the heap profile/);
    assert.throws(() => profileUrl(base, 'heap', { gc: true, seconds: 5 }), /no effect on a delta heap capture/);
    assert.throws(() => profileUrl(base, 'heap', { seconds: 5, debug: 1 }), /cannot be combined/);
    assert.throws(() => profileUrl(base, 'heap', { debug: 2 }), /only applies to the goroutine and goroutineleak profiles/);
    assert.throws(() => profileUrl(base, 'trace'), /not a pprof profile/);
    assert.throws(() => profileUrl(base, ''), /not a profile name/);
  });
});

describe('varsUrl', () => {
  test('expvar sits beside /debug/pprof/', () => {
    assert.equal(varsUrl('http://h:1/debug/pprof/'), 'http://h:1/debug/vars');
    assert.equal(varsUrl('http://h:1/svc/debug/pprof/heap'), 'http://h:1/svc/debug/vars');
    assert.equal(varsUrl('http://h:1/admin/pprof/'), 'http://h:1/debug/vars');
  });
});
