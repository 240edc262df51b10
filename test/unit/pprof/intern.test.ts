import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { firstIndexOfEachText, PairIndex } from '../../../src/pprof/intern';

describe('PairIndex: dense ids for pairs, in the order first seen', () => {
  test('the same pair gets the same id; a new pair the next one, past every initial capacity', () => {
    const index = new PairIndex(4, 4);
    const expected = new Map<string, number>();
    // Firsts beyond the initial head table, many seconds per first (long chains), lines as large as 2^53.
    for (let round = 0; round < 2; round++) {
      for (let a = 0; a < 300; a += 7) {
        for (const b of [0, 1, 12, 2 ** 33 + a, Number.MAX_SAFE_INTEGER - a, 0.5]) {
          const key = `${a}:${b}`;
          const id = index.intern(a, b);
          if (!expected.has(key)) expected.set(key, expected.size);
          assert.equal(id, expected.get(key), key);
        }
      }
    }
    assert.equal(index.size, expected.size);
  });

  test('pairs that differ only in one half are different pairs', () => {
    const index = new PairIndex();
    assert.equal(index.intern(1, 2), 0);
    assert.equal(index.intern(2, 1), 1);
    assert.equal(index.intern(1, 1), 2);
    assert.equal(index.intern(1, 2), 0);
  });
});

describe('firstIndexOfEachText: a string table holding a text twice', () => {
  const table = ['', 'main.main', 'main.go', 'main.main', 'x', 'main.go', '', 'x', 'main.mai'];

  test('every string points at the first string with its text', () => {
    const hashes = Uint32Array.from(table, (s) => s.length * 31 + (s.charCodeAt(0) || 0));
    assert.deepEqual([...firstIndexOfEachText(table, hashes)], [0, 1, 2, 1, 4, 2, 0, 4, 8]);
  });

  test('equal hashes alone do not make texts equal (every hash colliding)', () => {
    assert.deepEqual([...firstIndexOfEachText(table, new Uint32Array(table.length))], [0, 1, 2, 1, 4, 2, 0, 4, 8]);
  });

  test('a large table with every text twice, far apart', () => {
    const n = 50_000;
    const texts = Array.from({ length: 2 * n }, (_, i) => `pkg.F${i % n}`);
    const hashes = Uint32Array.from(texts, (s) => {
      let h = 0;
      for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
      return h >>> 0;
    });
    const first = firstIndexOfEachText(texts, hashes);
    for (let i = 0; i < 2 * n; i++) assert.equal(first[i], i % n);
  });
});
