import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { decodePackedProfile, decodePackedProfileStreamed } from '../../../src/pprof/decode';
import { decodeUngzipped, ProfileDecoder } from '../../../src/pprof/decodeProto';
import { ProfileError } from '../../../src/pprof/errors';
import type { PackedProfile } from '../../../src/pprof/packed';
import { topFunctions } from '../../../src/pprof/top';
import { CAPTURED, readFixture } from './fixtures';
import { bytesField, tag, text, varint, varintField } from './handProto';

/** A one-function profile: strings, a sample type, a function, a location; samples are the caller's. */
function handMade(samples: number[][], extra: number[] = []): Uint8Array {
  const strings = ['', 'objects', 'count', 'main.main', 'main.go'].flatMap((s) => bytesField(6, text(s)));
  return new Uint8Array([
    ...bytesField(1, [...varintField(1, 1), ...varintField(2, 2)]),
    ...samples.flat(),
    ...bytesField(5, [...varintField(1, 7), ...varintField(2, 3), ...varintField(4, 4)]),
    ...bytesField(4, [...varintField(1, 1), ...bytesField(4, [...varintField(1, 7), ...varintField(2, 12)])]),
    ...extra,
    ...strings,
  ]);
}

function pushInChunks(raw: Uint8Array, sizes: (i: number) => number): PackedProfile {
  const decoder = new ProfileDecoder();
  for (let at = 0, i = 0; at < raw.length; i++) {
    const n = Math.max(1, sizes(i));
    decoder.push(raw.subarray(at, at + n));
    at += n;
  }
  return decoder.finish();
}

describe('the profile.proto stream decoder', () => {
  test('any chunking of the bytes decodes to the same profile as the whole', () => {
    for (const name of CAPTURED) {
      const raw = gunzipSync(readFixture(name));
      const whole = decodeUngzipped(raw);
      assert.deepEqual(pushInChunks(raw, () => 1), whole, `${name}, byte by byte`);
      assert.deepEqual(pushInChunks(raw, (i) => [3, 250, 17, 4096, 1][i % 5] as number), whole, `${name}, uneven chunks`);
    }
  });

  test('the streamed gunzip gives what the whole gunzip gives', async () => {
    for (const name of CAPTURED) {
      const gz = readFixture(name);
      assert.deepEqual(await decodePackedProfileStreamed(gz), decodePackedProfile(gz), name);
    }
  });

  test('location ids and values, packed or one by one, decode alike; negative values stay negative', () => {
    const packed = handMade([bytesField(2, [...bytesField(1, [1, 1]), ...bytesField(2, varint(-5))]), bytesField(2, [...bytesField(1, [1]), ...bytesField(2, varint(300))])]);
    const unpacked = handMade([
      bytesField(2, [...varintField(1, 1), ...varintField(1, 1), ...varintField(2, -5)]),
      bytesField(2, [...varintField(1, 1), ...varintField(2, 300)]),
    ]);
    const a = decodeUngzipped(packed);
    assert.deepEqual(decodeUngzipped(unpacked), a);
    assert.deepEqual([...a.values], [-5, 300]);
    assert.deepEqual([...a.stackStart], [0, 2, 3]);
    assert.equal(topFunctions(a, 0).total, 295);
  });

  test('unknown fields of every wire type are skipped, at the top and inside a sample and a label', () => {
    const sample = [...bytesField(1, [1]), ...bytesField(2, [9])];
    const plain = decodeUngzipped(handMade([bytesField(2, sample)]));
    const unknown = [...varintField(20, 99), ...tag(21, 1), 1, 2, 3, 4, 5, 6, 7, 8, ...tag(22, 5), 1, 2, 3, 4, ...bytesField(23, [1, 2, 3])];
    const label = bytesField(3, [...varintField(1, 1), ...varintField(9, 5), ...varintField(3, 42)]);
    const noisy = decodeUngzipped(handMade([bytesField(2, [...unknown, ...sample, ...label])], unknown));
    assert.deepEqual([...noisy.values], [...plain.values]);
    assert.deepEqual([...noisy.stackLocations], [...plain.stackLocations]);
    assert.deepEqual([...noisy.labelNum], [42]);
  });

  test('bytes cut inside a field, field 0 and wire types 3 and 4 are one ProfileError each', () => {
    const raw = gunzipSync(readFixture('heap-2'));
    const rejects = (bytes: Uint8Array, expected: RegExp): void =>
      assert.throws(
        () => decodeUngzipped(bytes),
        (err: unknown) => err instanceof ProfileError && expected.test(err.message),
      );
    // Cut in the middle of a string-table entry (the table comes last in Go's profiles).
    rejects(raw.subarray(0, raw.length - 3), /truncated/);
    rejects(new Uint8Array([...Array(300).fill(0)]), /field number 0/);
    rejects(new Uint8Array([...handMade([]), ...tag(9, 3), ...Array(300).fill(1)]), /wire type 3/);
    rejects(new Uint8Array([...tag(9, 4), ...Array(300).fill(1)]), /wire type 4/);
  });
});
