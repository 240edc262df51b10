import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { decodePackedProfile, decodeProfile } from '../../../src/pprof/decode';
import { frameAt, packProfile, unpackProfile } from '../../../src/pprof/packed';
import { defaultSampleIndex, resolveSampleIndex } from '../../../src/pprof/sampleTypes';
import { topFunctions } from '../../../src/pprof/top';
import { ProfileError } from '../../../src/pprof/errors';
import { CAPTURED, goPprofTop, readFixture } from './fixtures';
import { bytesField, varint, varintField, text } from './handProto';

const typeOf = (name: string, index: number): string => {
  const p = decodeProfile(readFixture(name));
  return p.sampleTypes[index]?.type ?? '';
};

describe('decodeProfile on profiles captured from examples/leaky-service', () => {
  test('every captured profile decodes with its sample types', () => {
    const expected: Record<string, string[]> = {
      cpu: ['samples/count', 'cpu/nanoseconds'],
      'heap-1': ['alloc_objects/count', 'alloc_space/bytes', 'inuse_objects/count', 'inuse_space/bytes'],
      'heap-2': ['alloc_objects/count', 'alloc_space/bytes', 'inuse_objects/count', 'inuse_space/bytes'],
      allocs: ['alloc_objects/count', 'alloc_space/bytes', 'inuse_objects/count', 'inuse_space/bytes'],
      goroutine: ['goroutine/count'],
      block: ['contentions/count', 'delay/nanoseconds'],
      mutex: ['contentions/count', 'delay/nanoseconds'],
      threadcreate: ['threadcreate/count'],
    };
    for (const name of CAPTURED) {
      const p = decodeProfile(readFixture(name));
      assert.deepEqual(p.sampleTypes.map((t) => `${t.type}/${t.unit}`), expected[name], name);
      for (const s of p.samples) {
        assert.equal(s.values.length, p.sampleTypes.length, name);
        for (const f of s.stack) assert.ok(p.frames[f], `${name}: frame ${f} exists`);
      }
    }
  });

  test("the default sample type is pprof's: inuse_space for heap, alloc_space for allocs, cpu for CPU", () => {
    assert.equal(typeOf('heap-2', decodeProfile(readFixture('heap-2')).defaultSampleIndex), 'inuse_space');
    assert.equal(typeOf('allocs', decodeProfile(readFixture('allocs')).defaultSampleIndex), 'alloc_space');
    assert.equal(typeOf('cpu', decodeProfile(readFixture('cpu')).defaultSampleIndex), 'cpu');
    assert.equal(typeOf('goroutine', decodeProfile(readFixture('goroutine')).defaultSampleIndex), 'goroutine');
    assert.equal(typeOf('block', decodeProfile(readFixture('block')).defaultSampleIndex), 'delay');
  });

  test('defaultSampleIndex: default_sample_type when named, else the last type', () => {
    const types = [
      { type: 'alloc_objects', unit: 'count' },
      { type: 'alloc_space', unit: 'bytes' },
      { type: 'inuse_space', unit: 'bytes' },
    ];
    assert.equal(defaultSampleIndex(types, 'alloc_space'), 1);
    assert.equal(defaultSampleIndex(types, ''), 2);
    assert.equal(defaultSampleIndex(types, 'no_such_type'), 2);
  });

  test('sample types are picked by name or number; an unknown one names the choices', () => {
    const p = decodeProfile(readFixture('heap-2'));
    assert.equal(resolveSampleIndex(p, 'alloc_objects'), 0);
    assert.equal(resolveSampleIndex(p, '1'), 1);
    assert.equal(resolveSampleIndex(p, undefined), 3);
    assert.throws(
      () => resolveSampleIndex(p, 'cpu'),
      (err: Error) => err instanceof ProfileError && err.message === 'the profile has no sample type "cpu" (it has alloc_objects, alloc_space, inuse_objects, inuse_space)',
    );
    assert.throws(() => resolveSampleIndex(p, '9'), ProfileError);
  });

  test('inlined frames are expanded innermost first, as their own frames (pprof: "(inline)")', () => {
    const p = decodePackedProfile(readFixture('heap-2'));
    // bytes.(*Buffer).Grow is inlined into its caller: one location, two lines.
    let found = false;
    for (let l = 0; l + 1 < p.locationFrameStart.length; l++) {
      const names = [];
      for (let f = p.locationFrameStart[l] as number; f < (p.locationFrameStart[l + 1] as number); f++) {
        names.push(frameAt(p, p.locationFrames[f] as number).name);
      }
      if (names[0] === 'bytes.(*Buffer).Grow') {
        assert.ok(names.length >= 2, `inlined location has ${names.length} frames: ${names.join(' < ')}`);
        found = true;
      }
    }
    assert.ok(found, 'heap-2 has an inlined bytes.(*Buffer).Grow');
    const model = unpackProfile(p);
    const withGrow = model.samples.find((s) => s.stack.some((f) => model.frames[f]?.name === 'bytes.(*Buffer).Grow'));
    assert.ok(withGrow);
    // Leaf first: the inlined callee comes right before the function it was inlined into.
    const names = withGrow.stack.map((f) => model.frames[f]?.name);
    const at = names.indexOf('bytes.(*Buffer).Grow');
    assert.ok(at > 0, 'Grow is not the leaf: it calls bytes.(*Buffer).grow');
    assert.equal(names[at - 1], 'bytes.(*Buffer).grow');
  });

  test('string labels and numeric labels are kept', () => {
    const heap = decodeProfile(readFixture('heap-2'));
    assert.ok(heap.samples.every((s) => Array.isArray(s.numLabels?.bytes) && (s.numLabels?.bytes?.[0] ?? 0) > 0), 'heap samples carry a bytes label');
    const cpu = decodeProfile(readFixture('cpu'));
    const labelled = cpu.samples.filter((s) => s.labels !== undefined);
    assert.ok(labelled.length > 0, 'the CPU profile has labelled samples');
    for (const s of labelled) for (const values of Object.values(s.labels ?? {})) assert.ok(values.every((v) => typeof v === 'string'));
  });

  test('frames carry names, files and lines from the build machine', () => {
    const p = decodeProfile(readFixture('heap-2'));
    const create = p.frames.find((f) => f.name === 'example.com/leaky-service/internal/sessions.(*Store).Create');
    assert.ok(create);
    assert.match(create.file, /examples\/leaky-service\/internal\/sessions\/[a-z]+\.go$/);
    assert.ok(create.line > 0);
  });

  test('profile → model → packed again gives the same top table', () => {
    for (const name of ['heap-2', 'cpu', 'goroutine']) {
      const packed = decodePackedProfile(readFixture(name));
      const model = unpackProfile(packed);
      const clone = structuredClone(model);
      const a = topFunctions(packed, packed.defaultSampleIndex);
      const b = topFunctions(packProfile(clone), clone.defaultSampleIndex);
      assert.deepEqual(b, a, name);
    }
  });

  test('an uncompressed profile.proto decodes like the gzipped one', async () => {
    const { gunzipSync } = await import('node:zlib');
    const gz = readFixture('heap-2');
    assert.deepEqual(decodeProfile(gunzipSync(gz)), decodeProfile(gz));
    assert.deepEqual(decodeProfile(gzipSync(gunzipSync(gz))), decodeProfile(gz));
  });

  test('names carrying HTML and script payloads stay plain text, byte for byte', () => {
    const p = decodeProfile(readFixture('hostile'));
    const names = p.frames.map((f) => f.name);
    assert.ok(names.includes('<script>alert("name")</script>'));
    assert.ok(names.includes('main.<img src=x onerror=alert(1)>'));
    assert.ok(names.includes('main.&lt;b&gt;not-bold&amp;'), 'entities are not decoded');
    assert.ok(p.frames.some((f) => f.file === '/src/"><svg onload=alert(2)>.go'));
    assert.ok(p.samples.some((s) => s.labels?.handler?.[0] === '<iframe src=javascript:alert(3)>'));
  });
});

/**
 * A profile of many functions as no Go runtime writes it but the format allows: the string table holds
 * names and files twice (a second Function record naming the same function through the copies), function
 * and location ids are sparse and far above the record counts, some locations carry an inlined line.
 */
function manyFunctionsProfile(functions: number, samples: number): Uint8Array {
  let seed = 7;
  const random = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const strings = ['', 'objects', 'count'];
  const out: number[] = [...bytesField(1, [...varintField(1, 1), ...varintField(2, 2)])];
  const functionIds: number[] = [];
  for (let f = 0; f < functions; f++) {
    const name = strings.push(`example.com/pkg${f % 40}.(*T).M${f}`) - 1;
    const file = strings.push(`/src/pkg${f % 40}/m${f % 3}.go`) - 1; // the same file text many times over
    const id = 2 ** 40 + f * 7;
    out.push(...bytesField(5, [...varintField(1, id), ...varintField(2, name), ...varintField(4, file)]));
    functionIds.push(id);
    if (f % 3 === 0) {
      // The same function again, through copies of its strings.
      const nameCopy = strings.push(strings[name] as string) - 1;
      const fileCopy = strings.push(strings[file] as string) - 1;
      out.push(...bytesField(5, [...varintField(1, id + 1), ...varintField(2, nameCopy), ...varintField(4, fileCopy)]));
      functionIds.push(id + 1);
    }
  }
  const locationIds = functionIds.map((fn, k) => {
    const id = 3_000_000_000 + k * 3;
    const lines = [bytesField(4, [...varintField(1, fn), ...varintField(2, 10 + (k % 4))])];
    if (k % 5 === 0) lines.unshift(bytesField(4, [...varintField(1, functionIds[random(functionIds.length)] as number), ...varintField(2, 3)]));
    out.push(...bytesField(4, [...varintField(1, id), ...lines.flat()]));
    return id;
  });
  for (let s = 0; s < samples; s++) {
    const stack = Array.from({ length: 1 + random(10) }, () => locationIds[random(locationIds.length)] as number);
    out.push(...bytesField(2, [...bytesField(1, stack.flatMap(varint)), ...bytesField(2, varint(1 + random(1000)))]));
  }
  for (const t of strings) out.push(...bytesField(6, text(t)));
  return gzipSync(new Uint8Array(out));
}

describe('a profile of many functions, strings held twice, sparse ids', () => {
  test("decodes to go tool pprof -top's table, a function named through copied strings counted as one", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'goroscope-functions-'));
    try {
      const file = path.join(dir, 'many.pb.gz');
      const bytes = manyFunctionsProfile(6000, 5000);
      writeFileSync(file, bytes);
      const p = decodePackedProfile(bytes);
      assert.equal(p.functions.length, 6000, 'one function per name and file');
      const ours = topFunctions(p, 0);
      const ref = goPprofTop(file, 'count');
      assert.ok(ref.rows.size > 3000, `${ref.rows.size} functions in pprof's table`);
      assert.deepEqual(
        ours.rows.map((r) => [r.function, r.flat, r.cum]).sort(),
        [...ref.rows].map(([fn, r]) => [fn, r.flat, r.cum]).sort(),
      );
      assert.equal(ours.total, ref.total);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A one-function profile whose locations have `ids` and whose one sample refers to `stack`. */
function locationsProfile(ids: number[], stack: number[]): Uint8Array {
  const out: number[] = [...bytesField(1, [...varintField(1, 1), ...varintField(2, 2)])];
  out.push(...bytesField(5, [...varintField(1, 1), ...varintField(2, 3), ...varintField(4, 4)]));
  for (const id of ids) out.push(...bytesField(4, [...varintField(1, id), ...bytesField(4, [...varintField(1, 1), ...varintField(2, 7)])]));
  out.push(...bytesField(2, [...bytesField(1, stack.flatMap(varint)), ...bytesField(2, varint(5))]));
  for (const t of ['', 'objects', 'count', 'main.f', 'f.go']) out.push(...bytesField(6, text(t)));
  return new Uint8Array(out);
}

describe('samples refer to locations by id', () => {
  test('ids numbered 1..n in order (as Go writes them) and sparse ids both resolve', () => {
    for (const ids of [[1, 2, 3], [10, 30, 20], [3, 2, 1]]) {
      const p = decodePackedProfile(locationsProfile(ids, [ids[2] as number, ids[0] as number]));
      assert.deepEqual([...p.stackLocations], [2, 0], `ids ${ids.join(',')}`);
    }
  });

  test('an id no location has is one ProfileError, whichever the numbering', () => {
    for (const [ids, missing] of [[[1, 2, 3], 4], [[1, 2, 3], 0], [[10, 30, 20], 11]] as const) {
      assert.throws(
        () => decodePackedProfile(locationsProfile([...ids], [ids[0], missing])),
        (err: unknown) => err instanceof ProfileError && err.message === `invalid profile: a sample refers to location ${missing}, which the profile does not define`,
      );
    }
  });
});
