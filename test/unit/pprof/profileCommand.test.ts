import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Function as Fn, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import { decodePackedProfile } from '../../../src/pprof/decode';
import { foldedStacks } from '../../../src/pprof/folded';
import { topFunctions } from '../../../src/pprof/top';
import { runCli } from '../../cli/cliRunner';
import { fixturePath, goPprofTop, readFixture } from './fixtures';

interface Json {
  sampleType: { type: string; unit: string };
  total: number;
  top: Array<{ function: string; file: string; flat: number; cum: number }>;
}

const json = (args: string[]): Json => {
  const run = runCli(['profile', '--format', 'json', ...args]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, '');
  return JSON.parse(run.stdout) as Json;
};

/** Exit 2 and exactly one `goroscope: …` line on stderr, nothing on stdout. */
function fails(args: string[], message: RegExp): void {
  const run = runCli(['profile', ...args]);
  assert.equal(run.status, 2, run.stdout + run.stderr);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^goroscope: [^\n]+\n$/);
  assert.match(run.stderr, message);
}

describe('goroscope profile', () => {
  test('json: exactly {sampleType, total, top: [{function, file, flat, cum}]}, top by flat, as go tool pprof', () => {
    const out = json([fixturePath('heap-2'), '--top', '5']);
    assert.deepEqual(Object.keys(out), ['sampleType', 'total', 'top']);
    assert.deepEqual(out.sampleType, { type: 'inuse_space', unit: 'bytes' });
    assert.equal(out.top.length, 5);
    for (const row of out.top) assert.deepEqual(Object.keys(row), ['function', 'file', 'flat', 'cum']);
    const ref = goPprofTop(fixturePath('heap-2'), 'bytes');
    assert.equal(out.total, ref.total);
    for (const row of out.top) assert.deepEqual({ flat: row.flat, cum: row.cum }, ref.rows.get(row.function));
    assert.equal(out.top[0]?.function, 'example.com/leaky-service/internal/sessions.(*Store).Create');
  });

  test('defaults as pprof: cpu nanoseconds for CPU, alloc_space for allocs', () => {
    assert.deepEqual(json([fixturePath('cpu')]).sampleType, { type: 'cpu', unit: 'nanoseconds' });
    assert.deepEqual(json([fixturePath('allocs')]).sampleType, { type: 'alloc_space', unit: 'bytes' });
  });

  test('--sample-index, --type, --focus, --ignore change what is summed', () => {
    const p = decodePackedProfile(readFixture('heap-2'));
    const objects = json([fixturePath('heap-2'), '--sample-index', 'inuse_objects', '--top', '0']);
    assert.equal(objects.total, topFunctions(p, 2).total);
    assert.equal(json([fixturePath('heap-2'), '--type', 'allocs']).sampleType.type, 'alloc_space');
    const focused = json([fixturePath('heap-2'), '--focus', 'sessions', '--top', '0']);
    assert.equal(focused.total, topFunctions(p, 3, { focus: 'sessions' }).total);
    assert.ok(focused.total < json([fixturePath('heap-2')]).total);
    const ignored = json([fixturePath('heap-2'), '--ignore', 'sessions', '--top', '0']);
    assert.equal(ignored.total + focused.total, json([fixturePath('heap-2')]).total);
  });

  test('text output reads like pprof -top', () => {
    const run = runCli(['profile', fixturePath('heap-2'), '--top', '3']);
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'Type: inuse_space (bytes)');
    assert.match(lines[1] ?? '', /^Total: [\d.]+ MB$/);
    assert.match(lines[4] ?? '', /^\s+[\d.]+ MB\s+[\d.]+%\s+[\d.]+%\s+[\d.]+ MB\s+[\d.]+% {2}example\.com\/leaky-service\/internal\/sessions\.\(\*Store\)\.Create$/);
    assert.equal(lines.length, 7);
  });

  test('folded output', () => {
    const run = runCli(['profile', fixturePath('allocs'), '--format', 'folded']);
    assert.equal(run.status, 0, run.stderr);
    const p = decodePackedProfile(readFixture('allocs'));
    assert.equal(run.stdout, foldedStacks(p, p.defaultSampleIndex));
  });

  test('names from the profile cannot inject terminal escapes into text output', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'goroscope-profile-'));
    const strings = new StringTable();
    const file = path.join(dir, 'escape.pb.gz');
    const profile = new Profile({
      sampleType: [new ValueType({ type: strings.dedup('samples'), unit: strings.dedup('count') })],
      function: [new Fn({ id: 1, name: strings.dedup('main.\x1b[2Jevil'), filename: strings.dedup('e.go') })],
      location: [new Location({ id: 1, line: [new Line({ functionId: 1, line: 1 })] })],
      sample: [new Sample({ locationId: [1], value: [1] })],
      stringTable: strings,
    });
    writeFileSync(file, gzipSync(profile.encode()));
    const run = runCli(['profile', file]);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(!run.stdout.includes('\x1b'), 'no escape character reaches the terminal');
    assert.match(run.stdout, /main\.\uFFFD\[2Jevil/);
    assert.equal(json([file]).top[0]?.function, 'main.\x1b[2Jevil', 'json keeps the name exactly');
  });

  test('errors: exit 2 and one line', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'goroscope-profile-'));
    const empty = path.join(dir, 'empty.pb.gz');
    writeFileSync(empty, '');
    const html = path.join(dir, 'page.pb.gz');
    writeFileSync(html, '<html><body>404 page not found</body></html>');
    const cut = path.join(dir, 'cut.pb.gz');
    writeFileSync(cut, readFixture('heap-2').subarray(0, 300));
    fails([empty], /empty\.pb\.gz: empty input/);
    fails([html], /page\.pb\.gz: got an HTML page, not a profile/);
    fails([cut], /cut\.pb\.gz: truncated gzip data/);
    fails([path.join(dir, 'missing.pb.gz')], /missing\.pb\.gz: no such file/);
    fails([fixturePath('heap-2'), '--sample-index', 'cpu'], /no sample type "cpu"/);
    fails([fixturePath('heap-2'), '--focus', '(('], /focus: invalid regular expression/);
    fails([fixturePath('heap-2'), '--format', 'xml'], /unknown format "xml"/);
    fails([fixturePath('heap-2'), '--type', 'cpu'], /is not a cpu profile/);
    fails([fixturePath('heap-2'), '--seconds', '5'], /--seconds applies to captures from a URL/);
    fails([], /exactly one file or URL/);
    fails(['http://127.0.0.1:9/debug/pprof/'], /base URL: name the profile with --type/);
  });

  test('a URL that refuses the connection is one line, exit 2', () => {
    const run = runCli(['profile', 'http://127.0.0.1:9/debug/pprof/heap']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^goroscope: [^\n]+\n$/);
  });
});
