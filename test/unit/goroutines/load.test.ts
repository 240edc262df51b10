/**
 * loadGoroutines and loadGoroutineSummary: every form of goroutine capture the runtime gives (debug=2 text
 * or crash output, debug=1 text, debug=0 protobuf, gzipped or not), and input that is none of them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { clusterGoroutines } from '../../../src/goroutines/cluster';
import { loadGoroutines, loadGoroutineSummary } from '../../../src/goroutines/load';
import { DumpParseError } from '../../../src/goroutines/parseDump';
import { repoRoot } from '../lint/fixtureHarness';

const dir = path.join(repoRoot, 'test', 'fixtures', 'goroutines');
const bytes = (name: string): Buffer => readFileSync(path.join(dir, name));
const heapProfile = (): Buffer => readFileSync(path.join(repoRoot, 'test', 'fixtures', 'pprof', 'heap-1.pb.gz'));

test('each form of a capture is read as what it is', () => {
  const forms: Array<[string, string, string]> = [
    ['leaky-service.debug2.txt', 'debug2', 'goroutine'],
    ['go1.27.3-sigquit.txt', 'debug2', 'goroutine'],
    ['leaky-service.debug1.txt', 'debug1', 'goroutine'],
    ['leaky-service.goroutineleak.debug1.txt', 'debug1', 'goroutineleak'],
    ['leaky-service.pb.gz', 'proto', 'goroutine'],
    ['leaky-service.goroutineleak.pb.gz', 'proto', 'goroutineleak'],
  ];
  for (const [name, format, profile] of forms) {
    const dump = loadGoroutines(bytes(name));
    assert.deepEqual([dump.format, dump.profile], [format, profile], name);
    assert.ok(dump.total > 0, name);
  }
  // debug=0 unpacked is the same profile.
  const gz = bytes('leaky-service.pb.gz');
  assert.deepEqual(loadGoroutines(gunzipSync(gz)), loadGoroutines(gz));
});

test('loadGoroutineSummary is clusterGoroutines of loadGoroutines, for every fixture', () => {
  const names = [
    'go1.27.3-stack.txt',
    'go1.27.3-sigquit.txt',
    'go1.27.3-synctest.txt',
    'go1.26.8-tracebacklabels=1.txt',
    'go1.26.8-tracebacklabels=0.txt',
    'leaky-service.debug2.txt',
    'leaky-service.goroutineleak.debug2.txt',
    'leaky-service.after-leak-pass.debug2.txt',
    'go1.19.8-leaky-service.debug2.txt',
    'handwritten.txt',
    'leaky-service.debug1.txt',
    'leaky-service.goroutineleak.debug1.txt',
    'leaky-service.pb.gz',
    'leaky-service.goroutineleak.pb.gz',
    'go1.19.8-leaky-service.pb.gz',
  ];
  for (const name of names) {
    const summary = loadGoroutineSummary(bytes(name));
    assert.deepEqual(summary, clusterGoroutines(loadGoroutines(bytes(name))), name);
    assert.equal(summary.total, summary.groups.reduce((n, g) => n + g.count, 0), name);
  }
  const text = bytes('leaky-service.debug2.txt');
  const cut = text.subarray(0, text.lastIndexOf('\t'));
  assert.equal(loadGoroutineSummary(cut).truncated, true);
  assert.deepEqual(loadGoroutineSummary(cut), clusterGoroutines(loadGoroutines(cut)));
});

test('input that is no goroutine capture: one clear error each', () => {
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['empty', new Uint8Array(0), /^empty input/],
    ['HTML error page', Buffer.from('  <html><body>502 Bad Gateway</body></html>'), /HTML page/],
    ['other text', Buffer.from('hello\nworld\n'), /^no goroutine found/],
    ['a heap profile', heapProfile(), /not a goroutine profile/],
    ['random bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), /^not a goroutine dump or profile/],
    ['gzipped garbage', gzipSync(Buffer.from('not a profile at all')), /^not a goroutine dump or profile/],
  ];
  for (const [what, input, message] of cases) {
    for (const load of [loadGoroutines, loadGoroutineSummary]) {
      assert.throws(() => load(input), (e: unknown) => e instanceof DumpParseError && message.test(e.message), `${what} (${load.name})`);
    }
  }
});

test('a gzipped profile unpacks within the size limit: a bomb stops there with the limit named', () => {
  const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024));
  for (const load of [loadGoroutines, loadGoroutineSummary]) {
    assert.throws(
      () => load(bomb, { maxBytes: 1024 * 1024, limitName: '--max-size' }),
      (e: unknown) => e instanceof DumpParseError && /--max-size/.test(e.message),
      load.name,
    );
  }
});
