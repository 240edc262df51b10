/**
 * The order of goroutine states in a summary: `a.localeCompare(b)`, as it always was, but without building
 * ICU's collator when the answer is known without it. The collator's first use costs 10–20 ms (its data is
 * loaded then), a tenth of `goroscope goroutines` on a 100,000-goroutine dump, for a few comparisons of wait
 * reasons such as `chan receive` and `select` that differ at a letter.
 */

/**
 * Whether the process's default collation is CLDR's root order (English has no tailoring of its own). Other
 * languages reorder letters (Czech puts `ch` after `h`, Danish `aa` after `z`), and a locale with `@…`
 * keywords may ask for numeric or other orders: those always go to the collator. PluralRules reports the
 * same default locale as the collator (V8 resolves every Intl service from one default) at a fraction of
 * the cost.
 */
function defaultCollationIsRoot(): boolean {
  const env = `${process.env.LC_ALL ?? ''} ${process.env.LC_MESSAGES ?? ''} ${process.env.LANG ?? ''}`;
  if (env.includes('@')) return false;
  return /^en(?:-[A-Z]{2})?$/.test(new Intl.PluralRules().resolvedOptions().locale);
}

let rootCollation: boolean | undefined;

/** `a.localeCompare(b)`'s sign, computed without the collator when the default collation is root and it can be. */
export function compareStates(a: string, b: string): number {
  if (a === b) return 0;
  if ((rootCollation ??= defaultCollationIsRoot())) {
    const order = rootOrderOfAscii(a, b);
    if (order !== 0) return order;
  }
  return a.localeCompare(b);
}

/**
 * -1 or 1 when root collation orders `a` and `b` so for certain from their ASCII alone, else 0 (undecided:
 * ask the collator). Decided cases: after the same printable ASCII characters, two letters that differ
 * other than by case (root compares letters case-blind first, and no ASCII sequence contracts), followed by
 * ASCII or nothing (no combining mark changes what the letter weighs); or one string that is the other
 * plus a letter.
 */
export function rootOrderOfAscii(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  for (; i < n; i++) {
    const x = a.charCodeAt(i);
    if (x !== b.charCodeAt(i)) break;
    if (x < 0x20 || x > 0x7e) return 0;
  }
  if (i === n) {
    if (a.length === b.length) return 0;
    const longer = a.length > b.length ? a : b;
    if (letterKey(longer.charCodeAt(n)) < 0 || !asciiOrEnd(longer, n + 1)) return 0;
    return a.length < b.length ? -1 : 1;
  }
  const x = letterKey(a.charCodeAt(i));
  const y = letterKey(b.charCodeAt(i));
  if (x < 0 || y < 0 || x === y || !asciiOrEnd(a, i + 1) || !asciiOrEnd(b, i + 1)) return 0;
  return x < y ? -1 : 1;
}

/** An ASCII letter's place in the alphabet, case folded; -1 for any other character. */
function letterKey(c: number): number {
  if (c >= 97 && c <= 122) return c - 97;
  if (c >= 65 && c <= 90) return c - 65;
  return -1;
}

function asciiOrEnd(s: string, i: number): boolean {
  return i >= s.length || s.charCodeAt(i) < 0x80;
}
