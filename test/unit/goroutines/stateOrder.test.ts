/**
 * compareStates orders states exactly as localeCompare does: the ASCII shortcut decides only what root
 * collation (the default locale here, and English's) decides the same way.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareStates, rootOrderOfAscii } from '../../../src/goroutines/stateOrder';

// Wait reasons the Go runtime prints (runtime/runtime2.go, waitReasonStrings), states without one, and look-alikes.
const STATES = [
  '', 'running', 'runnable', 'syscall', 'waiting', 'dead', 'copystack', 'preempted', 'idle', 'GC assist marking', 'IO wait',
  'chan receive (nil chan)', 'chan send (nil chan)', 'dumping heap', 'garbage collection', 'garbage collection scan',
  'panicwait', 'select', 'select (no cases)', 'GC assist wait', 'GC sweep wait', 'GC scavenge wait', 'chan receive',
  'chan send', 'finalizer wait', 'force gc (idle)', 'semacquire', 'sleep', 'sync.Cond.Wait', 'sync.Mutex.Lock',
  'sync.RWMutex.RLock', 'sync.RWMutex.Lock', 'sync.WaitGroup.Wait', 'trace reader (blocked)', 'wait for GC cycle',
  'GC worker (idle)', 'GC worker (active)', 'preempted', 'debug call', 'GC mark termination', 'stopping the world',
  'flushing proc caches', 'trace goroutine status', 'trace proc status', 'page trace flush', 'coroutine', 'gc background sweeper',
  'synctest.Run', 'synctest.Wait', 'chan receive (synctest)', 'chan send (synctest)', 'select (synctest)', 'cleanup wait',
  'Chan receive', 'chan  receive', 'chan_receive', 'chan-receive', 'chan receive2', 'chan receive10', 'chanreceive', 'chán receive',
  'cha\u0301n receive', 'cĥan', 'ch', 'c', 'C', 'ca', 'cb', 'CB', 'l·l', 'll', 'l\u00b7a', 'aa', 'ab', 'å', 'ß', 'ss', 'straße', 'strasse',
  'zz', 'Zz', 'z\u0308', 'ø', 'o\u0338', 'x\u0000y', 'x\u0001', 'x', '\t', ' ', '~', '日本', 'ǅ', 'Ǆ',
];

test('every pair of known states and look-alikes: same sign as localeCompare and as English collation', () => {
  const english = new Intl.Collator('en');
  for (const a of STATES) {
    for (const b of STATES) {
      const want = Math.sign(a.localeCompare(b));
      assert.equal(Math.sign(compareStates(a, b)), want, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      const shortcut = rootOrderOfAscii(a, b);
      if (shortcut !== 0) assert.equal(shortcut, Math.sign(english.compare(a, b)), `shortcut: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }
  }
});

test('random strings over letters, spaces, punctuation, digits and non-ASCII: the shortcut never disagrees with English collation', () => {
  const english = new Intl.Collator('en');
  const alphabet = ['a', 'b', 'c', 'h', 'l', 's', 'z', 'A', 'C', 'H', 'L', 'S', 'Z', ' ', '.', '(', ')', '_', '-', '0', '1', '9', '·', '\u0301', '\u0338', 'ß', 'é', 'å', '\u0000', '\t', '日'];
  let seed = 12345;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const word = (): string => Array.from({ length: 1 + next(6) }, () => alphabet[next(alphabet.length)]).join('');
  let decided = 0;
  for (let k = 0; k < 40_000; k++) {
    const a = word();
    // Pairs that share a prefix, as states do ("chan receive", "chan send").
    const b = next(2) === 0 ? word() : a.slice(0, next(a.length + 1)) + word();
    const shortcut = rootOrderOfAscii(a, b);
    if (shortcut === 0) continue;
    decided++;
    assert.equal(shortcut, Math.sign(english.compare(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
  assert.ok(decided > 2_000, `the shortcut decided ${decided} pairs`);
});

test('what the shortcut leaves to the collator: case-only and punctuation differences, non-ASCII, combining marks', () => {
  for (const [a, b] of [['chan', 'Chan'], ['a b', 'a.b'], ['a1', 'a2'], ['ca\u0301', 'cb'], ['é', 'f'], ['a', 'a\u0301'], ['x\u0000', 'xa'], ['aa', 'a0']]) {
    assert.equal(rootOrderOfAscii(a as string, b as string), 0, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
  assert.equal(rootOrderOfAscii('chan receive', 'chan send'), -1);
  assert.equal(rootOrderOfAscii('sync.Mutex.Lock', 'sleep'), 1);
  assert.equal(rootOrderOfAscii('IO wait', 'chan receive'), 1);
  assert.equal(rootOrderOfAscii('select', 'select (no cases)'), 0);
  assert.equal(rootOrderOfAscii('chan', 'chanx'), -1);
});
