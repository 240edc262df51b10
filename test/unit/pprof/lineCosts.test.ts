import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { decodePackedProfile } from '../../../src/pprof/decode';
import { labelValues, lineCosts } from '../../../src/pprof/lineCosts';
import type { Profile } from '../../../src/pprof/model';
import { resolveSampleIndex } from '../../../src/pprof/sampleTypes';
import { profileTotal } from '../../../src/pprof/top';
import { CAPTURED, fixturePath, readFixture } from './fixtures';

/** `go tool pprof -top -lines`: flat and cum per function at a line, keyed `file:line`. */
function pprofLines(name: string, sampleType: string, unit: string): Map<string, Array<{ fn: string; flat: number; cum: number }>> {
  const unitFlag = unit === 'bytes' ? '-unit=B' : unit === 'nanoseconds' ? '-unit=ns' : '-unit=minimum';
  const run = spawnSync('go', ['tool', 'pprof', '-top', '-lines', '-nodecount=100000', '-nodefraction=0', '-edgefraction=0', unitFlag, `-sample_index=${sampleType}`, fixturePath(name)], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`go tool pprof failed (${run.status}): ${run.stderr}`);
  const rows = new Map<string, Array<{ fn: string; flat: number; cum: number }>>();
  for (const line of run.stdout.split('\n')) {
    const m = /^\s*(-?\d+)[A-Za-z]*\s+-?[\d.]+%\s+-?[\d.]+%\s+(-?\d+)[A-Za-z]*\s+-?[\d.]+%\s+(\S+) (.+):(\d+)(?: \(inline\))?$/.exec(line);
    if (!m) continue;
    const key = `${m[4]}:${m[5]}`;
    const list = rows.get(key) ?? [];
    list.push({ fn: m[3] as string, flat: Number(m[1]), cum: Number(m[2]) });
    rows.set(key, list);
  }
  return rows;
}

describe('lineCosts: per-line flat and cum as go tool pprof -top -lines computes them', () => {
  const cases: Array<[string, string]> = [
    ['cpu', 'cpu'],
    ['allocs', 'alloc_space'],
    ['heap-2', 'inuse_space'],
    ['goroutine', 'goroutine'],
  ];
  for (const [name, sampleType] of cases) {
    test(`${name} ${sampleType}`, () => {
      const p = decodePackedProfile(readFixture(name));
      const index = resolveSampleIndex(p, sampleType);
      const ours = lineCosts(p, index);
      const ref = pprofLines(name, sampleType, p.sampleTypes[index]?.unit ?? '');
      assert.ok(ref.size > 0, 'pprof listed lines');
      let compared = 0;
      const seen = new Set<string>();
      for (const f of ours.files) {
        for (const l of f.lines) {
          const key = `${f.file}:${l.line}`;
          seen.add(key);
          const rows = ref.get(key);
          assert.ok(rows, `pprof lists ${key}`);
          assert.equal(l.flat, rows.reduce((s, r) => s + r.flat, 0), `flat of ${key}`);
          // Several functions at one line (inlining): pprof counts each; we count the line once per sample.
          if (rows.length === 1) {
            assert.equal(l.cum, rows[0]?.cum, `cum of ${key}`);
            compared++;
          } else {
            assert.ok(l.cum >= Math.max(...rows.map((r) => r.cum)) && l.cum <= rows.reduce((s, r) => s + r.cum, 0), `cum of ${key}`);
          }
        }
      }
      for (const key of ref.keys()) assert.ok(seen.has(key), `we list ${key} too`);
      assert.ok(compared > 0);
      assert.equal(ours.total, profileTotal(p, index));
      assert.equal(ours.sampleType.type, sampleType);
    });
  }

  for (const name of CAPTURED) {
    test(`${name}: flats add up to the total, cum is never below flat, files by hottest first`, () => {
      const p = decodePackedProfile(readFixture(name));
      const ours = lineCosts(p, p.defaultSampleIndex);
      let flats = 0;
      for (const f of ours.files) {
        for (const l of f.lines) {
          flats += l.flat;
          assert.ok(Math.abs(l.cum) >= Math.abs(l.flat));
          assert.ok(l.functions.length >= 1);
        }
        assert.deepEqual(f.lines.map((l) => l.line), [...f.lines.map((l) => l.line)].sort((a, b) => a - b));
      }
      assert.equal(flats, ours.total, 'every sample has a leaf line in these fixtures');
      const tops = ours.files.map((f) => Math.max(...f.lines.map((l) => Math.abs(l.cum))));
      assert.deepEqual(tops, [...tops].sort((a, b) => b - a));
    });
  }
});

describe('lineCosts: counting', () => {
  const recursive: Profile = {
    sampleTypes: [{ type: 'cpu', unit: 'nanoseconds' }],
    defaultSampleIndex: 0,
    periodType: null,
    period: 1,
    timeNanos: 0,
    durationNanos: 0,
    frames: [
      { name: 'main.fib', file: '/src/fib.go', line: 7 },
      { name: 'main.main', file: '/src/main.go', line: 3 },
      { name: 'runtime.unknown', file: '', line: 0 },
    ],
    samples: [
      { stack: [0, 0, 0, 1], values: [10] },
      { stack: [1], values: [5] },
      { stack: [2, 0, 1], values: [2] },
    ],
    comments: [],
    dropFrames: '',
    keepFrames: '',
  };

  test('a recursive line counts once per sample in cum', () => {
    const r = lineCosts(recursive, 0);
    const fib = r.files.find((f) => f.file === '/src/fib.go')?.lines[0];
    assert.deepEqual(fib, { line: 7, flat: 10, cum: 12, functions: ['main.fib'] });
    const main = r.files.find((f) => f.file === '/src/main.go')?.lines[0];
    assert.deepEqual(main, { line: 3, flat: 5, cum: 17, functions: ['main.main'] });
    assert.equal(r.total, 17);
  });

  test('frames without a file or line have no line to show', () => {
    const r = lineCosts(recursive, 0);
    assert.deepEqual(r.files.map((f) => f.file).sort(), ['/src/fib.go', '/src/main.go']);
  });

  test('a focus filter keeps only the matching samples', () => {
    const r = lineCosts(recursive, 0, { focus: 'main\\.fib' });
    assert.equal(r.total, 12);
    assert.equal(r.files.find((f) => f.file === '/src/main.go')?.lines[0]?.cum, 12);
  });
});

describe('labelValues', () => {
  test('the demo service labels CPU samples with their route', () => {
    const labels = labelValues(decodePackedProfile(readFixture('cpu')));
    assert.ok(labels.route, `labels: ${JSON.stringify(labels)}`);
    assert.ok(labels.route.every((v) => v.startsWith('/')), labels.route.join(', '));
  });

  test('string labels only, values distinct and sorted', () => {
    const p: Profile = {
      sampleTypes: [{ type: 'samples', unit: 'count' }],
      defaultSampleIndex: 0,
      periodType: null,
      period: 1,
      timeNanos: 0,
      durationNanos: 0,
      frames: [{ name: 'f', file: 'f.go', line: 1 }],
      samples: [
        { stack: [0], values: [1], labels: { route: ['/b'] }, numLabels: { bytes: [8] } },
        { stack: [0], values: [1], labels: { route: ['/a', '/b'], user: ['x'] } },
      ],
      comments: [],
      dropFrames: '',
      keepFrames: '',
    };
    assert.deepEqual(labelValues(p), { route: ['/a', '/b'], user: ['x'] });
  });
});
