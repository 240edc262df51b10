/**
 * How leak suspects are ranked (src/leaks/suspects.ts), one rule per test: what "keeps growing" means for
 * goroutine groups and heap sites, the snapshots each needs, the minimum heap growth, levelling off, the
 * weights (blocking state, user code, created by user code, ageing, proven by the runtime), restarts, and
 * the evidence a user reads. Each test fails when its rule is loosened or dropped (npm run test:mutation
 * with GOROSCOPE_MUTATE=leaks shows which changes no test notices).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CreatedBy, GoroutineGroup, GoroutineSummary, StackFrame } from '../../../src/goroutines/model';
import type { Frame, Profile } from '../../../src/pprof/model';
import { findLeakSuspects, inuseBySite, type LeakSnapshot, type MemSample, type Suspect } from '../../../src/leaks/suspects';

const USER = ['example.com/shop'];
const T0 = 1_700_000_000_000;
const KiB = 1024;
const MiB = 1024 * KiB;

const userFrame: StackFrame = { function: 'example.com/shop/cart.(*Cart).watch', file: '/src/shop/cart/cart.go', line: 42 };
const stdFrame: StackFrame = { function: 'net/http.(*persistConn).readLoop', file: '/go/src/net/http/transport.go', line: 2205 };
const runtimeFrame: StackFrame = { function: 'runtime.gopark', file: '/go/src/runtime/proc.go', line: 435 };

interface GroupSpec {
  state?: string;
  frames?: readonly StackFrame[];
  createdBy?: CreatedBy | null;
  /** maxWaitMinutes per snapshot. */
  waits?: Array<number | null>;
  /** Goroutines proved leaked, per snapshot. */
  leaked?: number[];
}

function group(count: number, spec: GroupSpec, i: number): GoroutineGroup {
  return {
    count,
    leaked: spec.leaked?.[i] ?? 0,
    state: spec.state ?? 'chan receive',
    minWaitMinutes: null,
    maxWaitMinutes: spec.waits?.[i] ?? null,
    createdBy: spec.createdBy ?? null,
    lockedToThread: false,
    labels: null,
    frames: spec.frames ?? [runtimeFrame, userFrame],
    ids: [],
  };
}

/** Snapshots 10 s apart, each with the groups' counts at that index (0: the group is absent). */
function goroutineSnapshots(groups: Array<{ counts: number[]; spec?: GroupSpec }>, memstats?: Array<Partial<MemSample>>): LeakSnapshot[] {
  const n = Math.max(...groups.map((g) => g.counts.length));
  return Array.from({ length: n }, (_, i) => {
    const present = groups.filter((g) => (g.counts[i] ?? 0) > 0).map((g) => group(g.counts[i] as number, g.spec ?? {}, i));
    const summary: GoroutineSummary = {
      total: present.reduce((a, g) => a + g.count, 0),
      leaked: present.reduce((a, g) => a + g.leaked, 0),
      truncated: false,
      states: {},
      groups: present,
    };
    const m = memstats?.[i];
    return {
      takenAt: T0 + i * 10_000,
      goroutines: summary,
      heap: null,
      memstats: m ? { heapInuse: 0, heapAlloc: 0, stackInuse: 0, numGC: 0, ...m } : null,
      leakDetection: null,
      problems: [],
    };
  });
}

const goroutineSuspects = (report: { suspects: Suspect[] }) => report.suspects.filter((s) => s.kind === 'goroutines');
const suspectsOf = (counts: number[], spec: GroupSpec = {}) => goroutineSuspects(findLeakSuspects(goroutineSnapshots([{ counts, spec }]), USER));
const scoreOf = (counts: number[], spec: GroupSpec = {}): number => {
  const [s] = suspectsOf(counts, spec);
  assert.ok(s, `a suspect for ${counts.join(' → ')} ${JSON.stringify(spec)}`);
  return s.score;
};

/** The score's formula, as the module documents it: growth (absolute and relative) times consistency times the weights. */
const expectedScore = (counts: number[], weight: number): number => {
  const first = counts[0] as number;
  const growth = (counts[counts.length - 1] as number) - first;
  let rises = 0;
  for (let i = 1; i < counts.length; i++) if ((counts[i] as number) > (counts[i - 1] as number)) rises++;
  const raw = (Math.log1p(Math.max(0, growth)) + Math.log1p(Math.max(0, growth / Math.max(1, first)))) * (rises / Math.max(1, counts.length - 1)) * weight;
  return Math.round(raw * 100) / 100;
};

describe('goroutine groups: what keeps growing', () => {
  test('up at every step is a suspect; flat, or up once at the end, is not', () => {
    assert.equal(suspectsOf([10, 20, 30]).length, 1);
    assert.equal(suspectsOf([10, 10, 10]).length, 0);
    // One rise is not "keeps growing", however large.
    assert.equal(suspectsOf([10, 10, 500]).length, 0);
    assert.equal(suspectsOf([10, 500]).length, 0, 'two snapshots make one step: never two rises');
  });

  test('at least two rises and at least half of the steps', () => {
    assert.equal(suspectsOf([10, 10, 10, 15, 20]).length, 1, '2 of 4 steps');
    assert.equal(suspectsOf([10, 10, 10, 10, 15, 20]).length, 0, '2 of 5 steps');
  });

  test('rarely down: falls may be at most half the rises', () => {
    // 4 rises, 2 falls: exactly half, still a suspect.
    assert.equal(suspectsOf([10, 20, 15, 25, 20, 30, 40]).length, 1);
    // 3 rises, 2 falls.
    assert.equal(suspectsOf([10, 20, 15, 25, 20, 30]).length, 0);
  });

  test('it must end higher than it began', () => {
    assert.equal(suspectsOf([10, 20, 30, 10]).length, 0, 'back to where it began');
    assert.equal(suspectsOf([10, 20, 30, 11]).length, 1);
  });

  test('a group that appears during the watch grows from zero', () => {
    const [s] = goroutineSuspects(findLeakSuspects(goroutineSnapshots([{ counts: [5, 5, 5, 5] }, { counts: [0, 3, 6, 9], spec: { frames: [runtimeFrame, stdFrame, userFrame] } }]), USER));
    assert.deepEqual(s?.trend, [0, 3, 6, 9]);
    assert.equal(s?.growth, 9);
  });

  test('goroutines need two snapshots with goroutines: one proven group alone ranks nothing', () => {
    assert.deepEqual(suspectsOf([40], { leaked: [40] }), []);
    const [s] = suspectsOf([40, 40], { leaked: [0, 40] });
    assert.equal(s?.confirmedByRuntime, 40, 'two snapshots are enough for a group the runtime proved leaked');
  });

  test('snapshots without goroutines (the dump failed) are left out, not counted as zero', () => {
    const snapshots = goroutineSnapshots([{ counts: [10, 20, 30] }]);
    const failed: LeakSnapshot = { ...(snapshots[1] as LeakSnapshot), takenAt: T0 + 15_000, goroutines: null, problems: ['goroutines: timeout'] };
    const [s] = goroutineSuspects(findLeakSuspects([snapshots[0] as LeakSnapshot, failed, snapshots[1] as LeakSnapshot, snapshots[2] as LeakSnapshot], USER));
    assert.deepEqual(s?.trend, [10, 20, 30]);
  });
});

describe('goroutine groups: the score and its weights', () => {
  // The base group: blocked in user code, not created by user code, no waits known, not proven.
  const counts = [10, 20, 40];

  test('the score is log growth plus log relative growth, times consistency, times the weights', () => {
    assert.equal(scoreOf(counts), expectedScore(counts, 2 * 2));
    const mixed = [10, 20, 20, 15, 30, 40];
    assert.equal(scoreOf(mixed), expectedScore(mixed, 2 * 2));
    const fromZero = [0, 10, 40];
    assert.equal(scoreOf(fromZero), expectedScore(fromZero, 2 * 2), 'relative growth from zero counts from one');
  });

  test('a blocking state doubles the score; running, runnable and syscall are not blocking', () => {
    const blocked = scoreOf(counts, { state: 'chan receive' });
    for (const state of ['running', 'runnable', 'syscall', 'GC worker (idle)']) {
      assert.equal(scoreOf(counts, { state }), expectedScore(counts, 2), state);
      assert.equal(blocked, expectedScore(counts, 4));
    }
  });

  test('every state another goroutine must end is blocking', () => {
    const states = [
      'chan receive',
      'chan send',
      'select',
      'semacquire',
      'sync.Mutex.Lock',
      'sync.WaitGroup.Wait',
      'sync.Cond.Wait',
      'sleep',
      'IO wait',
      'chan receive (nil chan)',
      'chan send (nil chan)',
      'select (no cases)',
    ];
    for (const state of states) assert.equal(scoreOf(counts, { state }), expectedScore(counts, 4), state);
  });

  test('user code on the stack doubles it, and names the suspect', () => {
    const [inUser] = suspectsOf(counts, { frames: [runtimeFrame, stdFrame, userFrame] });
    assert.equal(inUser?.score, expectedScore(counts, 4));
    assert.equal(inUser?.function, userFrame.function, 'the innermost frame of user code');
    assert.equal(inUser?.file, userFrame.file);
    assert.equal(inUser?.line, userFrame.line);
    const [library] = suspectsOf(counts, { frames: [runtimeFrame, stdFrame] });
    assert.equal(library?.score, expectedScore(counts, 2));
    assert.equal(library?.function, runtimeFrame.function, 'no user code: the innermost frame');
    const [empty] = suspectsOf(counts, { frames: [] });
    assert.equal(empty?.function, '(no stack)');
  });

  test('created by user code: ×1.5; by the standard library: no weight', () => {
    const byUser: CreatedBy = { ...userFrame, function: 'example.com/shop/cart.New', goroutine: 1 };
    const byStd: CreatedBy = { ...stdFrame, goroutine: 1 };
    assert.equal(scoreOf(counts, { createdBy: byUser }), expectedScore(counts, 4 * 1.5));
    assert.equal(scoreOf(counts, { createdBy: byStd }), expectedScore(counts, 4));
  });

  test('oldest getting older at every snapshot: ×1.5; otherwise no weight', () => {
    assert.equal(scoreOf(counts, { waits: [1, 2, 3] }), expectedScore(counts, 4 * 1.5));
    assert.equal(scoreOf(counts, { waits: [1, 1, 3] }), expectedScore(counts, 4 * 1.5), 'the same age for a while');
    assert.equal(scoreOf(counts, { waits: [3, 2, 4] }), expectedScore(counts, 4), 'younger at one snapshot');
    assert.equal(scoreOf(counts, { waits: [2, 2, 2] }), expectedScore(counts, 4), 'never older');
    assert.equal(scoreOf(counts, { waits: [null, null, 5] }), expectedScore(counts, 4), 'one known age');
    assert.equal(scoreOf(counts, { waits: [null, 1, 5] }), expectedScore(counts, 4 * 1.5), 'unknown ages are skipped');
  });

  test('proven leaked by the runtime at the last snapshot: ×4, growing or not', () => {
    assert.equal(scoreOf(counts, { leaked: [0, 0, 40] }), expectedScore(counts, 4 * 4));
    const [flat] = suspectsOf([30, 30, 30], { leaked: [0, 30, 30] });
    assert.equal(flat?.confirmedByRuntime, 30);
    assert.equal(flat?.score, 0, 'no growth: proven, but ranked by growth');
    assert.deepEqual(suspectsOf([30, 30, 30], { leaked: [30, 30, 0] }), [], 'proved nothing at the last snapshot');
    // Proved while it was there, then gone from the last dump: nothing is proven now, and it shrank.
    assert.deepEqual(suspectsOf([30, 30, 0], { leaked: [30, 30, 0] }), [], 'proved, then left the last dump');
  });

  test('suspects are ranked by score, then by function name', () => {
    const a = { ...userFrame, function: 'example.com/shop/a.wait' };
    const b = { ...userFrame, function: 'example.com/shop/b.wait' };
    const c = { ...userFrame, function: 'example.com/shop/c.wait' };
    const report = findLeakSuspects(
      goroutineSnapshots([
        { counts: [10, 20, 30], spec: { frames: [c] } },
        { counts: [10, 20, 30], spec: { frames: [b], state: 'running' } },
        { counts: [10, 20, 30], spec: { frames: [a], state: 'running' } },
      ]),
      USER,
    );
    assert.deepEqual(
      report.suspects.map((s) => s.function),
      [c.function, a.function, b.function],
    );
  });
});

describe('goroutine groups: the evidence', () => {
  test('counts, rate, steps, ageing, creator and the runtime proof, in words', () => {
    const createdBy: CreatedBy = { function: 'example.com/shop/cart.New', file: '/src/shop/cart/cart.go', line: 9, goroutine: 1 };
    const [s] = suspectsOf([10, 20, 40], { waits: [1, 2, 3], createdBy, leaked: [0, 0, 40] });
    assert.deepEqual(s?.evidence, [
      '10 → 40 goroutines in [chan receive] over 3 snapshots (90 per minute), up at 2 of 2 steps',
      'the oldest have waited 1 → 2 → 3 minutes',
      'created by example.com/shop/cart.New (your code)',
      'the Go runtime proved all 40 leaked: nothing can ever wake them (goroutineleak)',
    ]);
    assert.equal(s?.state, 'chan receive');
    assert.equal(s?.unit, 'goroutines');
    assert.deepEqual(s?.trend, [10, 20, 40]);
  });

  test('a slow rate keeps a decimal; part of a group proven; one goroutine proven', () => {
    const snapshots = goroutineSnapshots([{ counts: [10, 11, 12], spec: { createdBy: { ...stdFrame, goroutine: null }, leaked: [0, 0, 5] } }]).map((s, i) => ({ ...s, takenAt: T0 + i * 60_000 }));
    const [s] = goroutineSuspects(findLeakSuspects(snapshots, USER));
    assert.deepEqual(s?.evidence, [
      '10 → 12 goroutines in [chan receive] over 3 snapshots (1.0 per minute), up at 2 of 2 steps',
      `created by ${stdFrame.function}`,
      'the Go runtime proved 5 of the 12 leaked: nothing can ever wake them (goroutineleak)',
    ]);
    const [one] = suspectsOf([1, 1], { leaked: [1, 1] });
    assert.match(one?.evidence.at(-1) ?? '', /^the Go runtime proved it leaked: nothing can ever wake it /);
  });
});

/** A heap profile (inuse_space) with one sample per site: each site's stack innermost first. */
function heapProfile(sites: Array<{ stack: Frame[]; bytes: number }>, types = ['alloc_space', 'inuse_space']): Profile {
  const frames: Frame[] = [];
  const index = new Map<string, number>();
  const frameIndex = (f: Frame): number => {
    const key = `${f.name}\0${f.file}\0${f.line}`;
    let i = index.get(key);
    if (i === undefined) {
      i = frames.push(f) - 1;
      index.set(key, i);
    }
    return i;
  };
  return {
    sampleTypes: types.map((type) => ({ type, unit: 'bytes' })),
    defaultSampleIndex: types.length - 1,
    periodType: null,
    period: 0,
    timeNanos: 0,
    durationNanos: 0,
    frames,
    samples: sites.map((s) => ({ stack: s.stack.map(frameIndex), values: types.map((_, t) => (t === types.length - 1 ? s.bytes : 7 * s.bytes)) })),
    comments: [],
    dropFrames: '',
    keepFrames: '',
  };
}

const malloc: Frame = { name: 'runtime.mallocgc', file: '/go/src/runtime/malloc.go', line: 1000 };
const grow: Frame = { name: 'bytes.growSlice', file: '/go/src/bytes/buffer.go', line: 249 };
const userCache: Frame = { name: 'example.com/shop/cache.(*Cache).Put', file: '/src/shop/cache/cache.go', line: 31 };
const libDecoder: Frame = { name: 'encoding/json.(*decodeState).literalStore', file: '/go/src/encoding/json/decode.go', line: 1020 };

/** Heap snapshots 10 s apart, one site per series: `bytes[i]` in snapshot i. */
function heapSnapshots(series: Array<{ stack: Frame[]; bytes: number[] }>): LeakSnapshot[] {
  const n = Math.max(...series.map((s) => s.bytes.length));
  return Array.from({ length: n }, (_, i) => ({
    takenAt: T0 + i * 10_000,
    goroutines: null,
    heap: heapProfile(series.map((s) => ({ stack: s.stack, bytes: s.bytes[i] ?? 0 }))),
    memstats: null,
    leakDetection: null,
    problems: [],
  }));
}

const heapSuspectsOf = (bytes: number[], stack: Frame[] = [malloc, userCache]) => findLeakSuspects(heapSnapshots([{ stack, bytes }]), USER).suspects.filter((s) => s.kind === 'heap');

describe('heap sites: what keeps growing', () => {
  test('three heap snapshots are the least: two never rank, however much they grow', () => {
    assert.equal(heapSuspectsOf([1 * MiB, 2 * MiB, 3 * MiB]).length, 1);
    assert.equal(heapSuspectsOf([1 * MiB, 100 * MiB]).length, 0);
  });

  test('it must grow by 256 KiB at least', () => {
    assert.equal(heapSuspectsOf([1 * MiB, 1 * MiB + 128 * KiB, 1 * MiB + 256 * KiB]).length, 1, 'exactly 256 KiB');
    assert.equal(heapSuspectsOf([1 * MiB, 1 * MiB + 128 * KiB, 1 * MiB + 256 * KiB - 1]).length, 0, 'a byte less');
  });

  test('up at 60% of the steps and at two at least', () => {
    assert.equal(heapSuspectsOf([0, 1 * MiB, 2 * MiB, 2 * MiB, 3 * MiB]).length, 1, '3 of 4 steps');
    assert.equal(heapSuspectsOf([0, 1 * MiB, 1 * MiB, 1 * MiB, 2 * MiB]).length, 0, '2 of 4 steps');
    assert.equal(heapSuspectsOf([0, 0, 3 * MiB]).length, 0, '1 of 2 steps');
  });

  test('levelling off (a cache that filled up) is not a suspect', () => {
    assert.equal(heapSuspectsOf([0, 4 * MiB, 8 * MiB, 8 * MiB + 200 * KiB, 8 * MiB + 400 * KiB]).length, 0, 'recent steps a twentieth of the first');
    assert.equal(heapSuspectsOf([0, 4 * MiB, 8 * MiB, 8 * MiB + 700 * KiB, 8 * MiB + 1400 * KiB]).length, 1, 'recent steps over 15% of the first');
    assert.equal(heapSuspectsOf([0, 4 * MiB, 8 * MiB, 12 * MiB, 8 * MiB]).length, 0, 'the last step takes back the one before');
  });

  test("the score: log growth in KiB plus log relative growth, times consistency, ×3 in user code, ×1.5 in a library's", () => {
    const bytes = [1 * MiB, 2 * MiB, 2 * MiB, 4 * MiB];
    const growth = 3 * MiB;
    const base = (Math.log1p(growth / 1024) + Math.log1p(growth / MiB)) * (2 / 3);
    const [user] = heapSuspectsOf(bytes);
    assert.equal(user?.score, Math.round(base * 3 * 100) / 100);
    const [library] = heapSuspectsOf(bytes, [malloc, libDecoder]);
    assert.equal(library?.score, Math.round(base * 1.5 * 100) / 100);
  });

  test('the evidence: bytes, rate, steps and the recent steps against the earlier ones', () => {
    const [s] = heapSuspectsOf([1 * MiB, 2 * MiB, 2 * MiB, 4 * MiB]);
    assert.equal(s?.function, userCache.name);
    assert.equal(s?.file, userCache.file);
    assert.equal(s?.line, userCache.line);
    assert.equal(s?.unit, 'bytes');
    assert.equal(s?.growth, 3 * MiB);
    assert.equal(s?.confirmedByRuntime, 0);
    assert.deepEqual(s?.trend, [1 * MiB, 2 * MiB, 2 * MiB, 4 * MiB]);
    assert.deepEqual(s?.evidence, [
      'inuse_space 1 MB → 4 MB over 4 heap snapshots taken after a GC (6 MB per minute)',
      'grew at 2 of 3 steps and is still growing (recent steps 2 MB each, earlier 1 MB)',
    ]);
  });
});

describe('inuseBySite: where heap in use is charged', () => {
  test("the innermost frame of the user's code, else the innermost that is not the runtime's", () => {
    const heap = heapProfile([
      { stack: [malloc, grow, userCache], bytes: 100 },
      { stack: [malloc, userCache], bytes: 20 },
      { stack: [malloc, grow, libDecoder], bytes: 7 },
      { stack: [malloc], bytes: 3 },
      { stack: [malloc, grow], bytes: 0 },
    ]);
    const sites = inuseBySite(heap, USER);
    assert.deepEqual(
      [...sites].map(([name, s]) => [name, s.bytes, s.frame.line]),
      [
        [userCache.name, 120, userCache.line],
        [grow.name, 7, grow.line],
        [malloc.name, 3, malloc.line],
      ],
    );
  });

  test('a profile without inuse_space charges nothing', () => {
    assert.equal(inuseBySite(heapProfile([{ stack: [malloc, userCache], bytes: 5 }], ['alloc_space']), USER).size, 0);
  });
});

describe('series and restarts', () => {
  test('a restart (the GC count going back) starts the comparison again', () => {
    const snapshots = goroutineSnapshots([{ counts: [100, 200, 300, 10, 20, 30] }], [{ numGC: 5 }, { numGC: 6 }, { numGC: 7 }, { numGC: 1 }, { numGC: 2 }, { numGC: 3 }]);
    const report = findLeakSuspects(snapshots, USER);
    assert.deepEqual(report.restarts, [3]);
    assert.equal(report.snapshots, 6);
    assert.deepEqual(report.suspects.map((s) => s.trend), [[10, 20, 30]]);
    assert.deepEqual(report.series.numGC, [5, 6, 7, 1, 2, 3]);
    assert.deepEqual(report.series.goroutines, [100, 200, 300, 10, 20, 30]);
  });

  test('the same GC count or an unknown one is not a restart; the last restart counts', () => {
    const gc = [{ numGC: 5 }, { numGC: 5 }, {}, { numGC: 2 }, { numGC: 9 }, { numGC: 1 }];
    const snapshots = goroutineSnapshots([{ counts: [1, 2, 3, 4, 5, 6] }], gc).map((s, i) => (i === 2 ? { ...s, memstats: null } : s));
    assert.deepEqual(findLeakSuspects(snapshots, USER).restarts, [3, 5]);
  });

  test('heap in use from memstats, else from the heap profile; stacks and GCs from memstats', () => {
    const withMem = goroutineSnapshots([{ counts: [1, 2] }], [{ heapInuse: 4096, stackInuse: 512, numGC: 3 }]);
    const withHeap = heapSnapshots([{ stack: [malloc, userCache], bytes: [0, 2048] }]);
    const report = findLeakSuspects([withMem[0] as LeakSnapshot, withHeap[1] as LeakSnapshot, { ...(withMem[1] as LeakSnapshot), memstats: null }], USER);
    assert.deepEqual(report.series.heapInuse, [4096, 2048, null]);
    assert.deepEqual(report.series.stackInuse, [512, null, null]);
    assert.deepEqual(report.series.numGC, [3, null, null]);
    assert.deepEqual(report.series.goroutines, [1, null, 2]);
    assert.deepEqual(report.series.takenAt, [T0, T0 + 10_000, T0 + 10_000]);
  });
});
