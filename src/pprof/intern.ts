/**
 * Interning for the decoder, over typed arrays instead of Maps: a profile of a million functions has
 * millions of functions and frames to deduplicate, and a Map of that size (boxed number keys, or a
 * string built per key) cost seconds and hundreds of megabytes where these cost a fraction.
 */

/**
 * Dense ids for pairs (a, b) — a a small non-negative integer (a function, a string index), b any number
 * (a line, a string index) — in the order first seen. Each a heads a chain of its pairs: a function has
 * a few lines, a name a file or two, so a lookup walks a short list, and the index costs 4 bytes per
 * possible a and 12 per pair (a hash table of a few million pairs took ten times that).
 */
export class PairIndex {
  private head: Int32Array;
  private next: Int32Array;
  private second: Float64Array;
  private count = 0;

  constructor(firstValues = 1024, expectedPairs = 1024) {
    this.head = new Int32Array(Math.max(16, firstValues)).fill(-1);
    this.next = new Int32Array(Math.max(16, expectedPairs));
    this.second = new Float64Array(Math.max(16, expectedPairs));
  }

  get size(): number {
    return this.count;
  }

  /** The pair's id, giving it the next one when it has none. */
  intern(a: number, b: number): number {
    if (a >= this.head.length) {
      const head = new Int32Array(Math.max(a + 1, this.head.length * 2)).fill(-1);
      head.set(this.head);
      this.head = head;
    }
    for (let id = this.head[a] as number; id >= 0; id = this.next[id] as number) {
      if (this.second[id] === b) return id;
    }
    const id = this.count++;
    if (id === this.next.length) {
      const next = new Int32Array(id * 2);
      next.set(this.next);
      this.next = next;
      const second = new Float64Array(id * 2);
      second.set(this.second);
      this.second = second;
    }
    this.next[id] = this.head[a] as number;
    this.second[id] = b;
    this.head[a] = id;
    return id;
  }
}

/**
 * For each string, the index of the first string with the same text: a profile's string table may hold
 * a text twice, and pprof compares functions by their names' and files' text. `hashes` are the strings'
 * hashes (equal texts, equal hashes).
 */
export function firstIndexOfEachText(strings: readonly string[], hashes: Uint32Array): Int32Array {
  const first = new Int32Array(strings.length);
  let size = 1024;
  while (size < strings.length * 2) size *= 2;
  const table = new Int32Array(size).fill(-1);
  const mask = size - 1;
  for (let i = 0; i < strings.length; i++) {
    const text = strings[i] as string;
    for (let h = (hashes[i] as number) & mask; ; h = (h + 1) & mask) {
      const j = table[h] as number;
      if (j === -1) {
        table[h] = i;
        first[i] = i;
        break;
      }
      if (hashes[j] === hashes[i] && strings[j] === text) {
        first[i] = j;
        break;
      }
    }
  }
  return first;
}
