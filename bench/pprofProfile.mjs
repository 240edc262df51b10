// Generates a large, realistic heap profile with pprof-format: deep, branching stacks over tens of
// thousands of functions, four heap sample types and, optionally, a `bytes` numeric label per sample as Go
// writes them (pprof's -top gets far slower with those, so the benchmark leaves them out by default).
// Deterministic (seeded), so runs compare.
import { gzipSync } from 'node:zlib';
import { Function as Fn, Label, Line, Location, Mapping, Profile, Sample, StringTable, ValueType } from 'pprof-format';

/** A small deterministic PRNG (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateHeapProfile({ samples = 500_000, functions = 30_000, minDepth = 6, maxDepth = 26, labels = false, seed = 42 } = {}) {
  const random = rng(seed);
  const pick = (n) => Math.floor(random() * n);
  const strings = new StringTable();
  const s = (text) => strings.dedup(text);
  const packages = Array.from({ length: 400 }, (_, i) => `example.com/shop/internal/pkg${i}`);

  // Functions, each with a few call-site lines (locations) and a handful of callees.
  const fns = [];
  const fnLocations = [];
  const callees = [];
  const locations = [];
  for (let f = 0; f < functions; f++) {
    const pkg = packages[f % packages.length];
    const name = `${pkg}.(*Type${f % 97}).Method${f}`;
    const file = `/build/shop/internal/pkg${f % packages.length}/file${f % 13}.go`;
    fns.push(new Fn({ id: f + 1, name: s(name), systemName: s(name), filename: s(file), startLine: 10 + (f % 500) }));
    const sites = [];
    const n = 1 + pick(3);
    for (let k = 0; k < n; k++) {
      const id = locations.length + 1;
      const lines = [new Line({ functionId: f + 1, line: 20 + k * 7 + (f % 300) })];
      // Some call sites carry an inlined callee, as Go's compiler produces.
      if (random() < 0.15) lines.unshift(new Line({ functionId: 1 + pick(functions), line: 5 + pick(50) }));
      locations.push(new Location({ id, mappingId: 1, address: 0x400000 + id * 16, line: lines }));
      sites.push(id);
    }
    fnLocations.push(sites);
    const c = 2 + pick(6);
    callees.push(Array.from({ length: c }, () => pick(functions)));
  }

  const roots = Array.from({ length: 60 }, () => pick(functions));
  const sampleType = ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space'].map(
    (t, i) => new ValueType({ type: s(t), unit: s(i % 2 === 0 ? 'count' : 'bytes') }),
  );
  const bytesKey = s('bytes');
  const out = [];
  for (let i = 0; i < samples; i++) {
    const depth = minDepth + pick(maxDepth - minDepth + 1);
    const stack = new Array(depth);
    let f = roots[pick(roots.length)];
    for (let d = depth - 1; d >= 0; d--) {
      const sites = fnLocations[f];
      stack[d] = sites[pick(sites.length)];
      const next = callees[f];
      f = next[pick(next.length)];
    }
    const size = 16 << pick(12);
    const objects = 1 + pick(2000);
    const live = random() < 0.3 ? objects >> pick(4) : 0;
    out.push(
      new Sample({
        locationId: stack,
        value: [objects, objects * size, live, live * size],
        label: labels ? [new Label({ key: bytesKey, num: size })] : [],
      }),
    );
  }
  const profile = new Profile({
    sampleType,
    sample: out,
    mapping: [new Mapping({ id: 1, memoryStart: 0x400000, memoryLimit: 0x4000000, filename: s('/usr/local/bin/shop'), hasFunctions: true, hasFilenames: true, hasLineNumbers: true, hasInlineFrames: true })],
    location: locations,
    function: fns,
    stringTable: strings,
    timeNanos: Date.UTC(2025, 0, 1) * 1e6,
    periodType: new ValueType({ type: s('space'), unit: s('bytes') }),
    period: 524288,
  });
  return gzipSync(profile.encode());
}
