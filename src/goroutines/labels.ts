/**
 * pprof label sets as Go prints them, read with one pass over the characters (no regular expression):
 *
 * - Go 1.27 goroutine headers: `{fw: "gin \"x\"", route: /users}` — keys and values bare when they hold only
 *   `[A-Za-z0-9./_]`, otherwise quoted by the runtime's printquoted (runtime/print.go);
 * - Go 1.26 headers with GODEBUG=tracebacklabels=1: `labels:{"route": "/users"}` (always quoted);
 * - `# labels: {"route":"/users", "x":"y"}` lines of debug=1 profiles (fmt's %q).
 *
 * Quoted strings take Go's escapes: `\n \r \t \\ \"`, `\xHH`, `\uHHHH`, `\UHHHHHHHH` (and the other
 * strconv ones). `\xHH` of a byte that is not ASCII stands for an invalid UTF-8 byte: it reads as U+FFFD.
 */

/** What readLabelSet found: the labels and the index just after the closing `}`. */
export interface LabelSetRead {
  labels: Record<string, string>;
  end: number;
}

/**
 * Reads the label set whose `{` is at `text[start]`. Null when the text there is not a complete label set
 * (a cut-off line, something else in braces): the caller keeps the line as it is.
 */
export function readLabelSet(text: string, start: number): LabelSetRead | null {
  if (text.charCodeAt(start) !== 123 /* { */) return null;
  const labels: Record<string, string> = {};
  let i = start + 1;
  if (text.charCodeAt(i) === 125 /* } */) return { labels, end: i + 1 };
  for (;;) {
    const key = readToken(text, i, 58 /* : */);
    if (!key) return null;
    i = skipSpaces(text, key.end);
    if (text.charCodeAt(i) !== 58 /* : */) return null;
    i = skipSpaces(text, i + 1);
    const value = readToken(text, i, 44 /* , */);
    if (!value) return null;
    labels[key.text] = value.text;
    i = skipSpaces(text, value.end);
    const c = text.charCodeAt(i);
    if (c === 125 /* } */) return { labels, end: i + 1 };
    if (c !== 44 /* , */) return null;
    i = skipSpaces(text, i + 1);
  }
}

function skipSpaces(text: string, i: number): number {
  while (text.charCodeAt(i) === 32) i++;
  return i;
}

/** One key or value: quoted, or bare up to `stop`, `}` or a space. */
function readToken(text: string, start: number, stop: number): { text: string; end: number } | null {
  if (text.charCodeAt(start) === 34 /* " */) return readQuoted(text, start);
  let i = start;
  for (let c = text.charCodeAt(i); i < text.length && c !== stop && c !== 125 /* } */ && c !== 32; c = text.charCodeAt(++i));
  return i > start ? { text: text.slice(start, i), end: i } : null;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };
const HEX_DIGITS: Record<string, number> = { x: 2, u: 4, U: 8 };

/** A Go-quoted string starting at `text[start]` (the opening quote). */
function readQuoted(text: string, start: number): { text: string; end: number } | null {
  let out = '';
  let from = start + 1;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) return { text: out + text.slice(from, i), end: i + 1 };
    if (c !== 92 /* \ */) continue;
    out += text.slice(from, i);
    const kind = text[i + 1] ?? '';
    const simple = SIMPLE_ESCAPES[kind];
    const digits = HEX_DIGITS[kind];
    if (simple !== undefined) {
      out += simple;
      i += 1;
    } else if (digits !== undefined) {
      const hex = text.slice(i + 2, i + 2 + digits);
      if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) return null;
      const code = parseInt(hex, 16);
      out += kind === 'x' && code >= 0x80 ? '\uFFFD' : code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
      i += 1 + digits;
    } else if (kind >= '0' && kind <= '7') {
      const octal = text.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(octal)) return null;
      const code = parseInt(octal, 8);
      out += code >= 0x80 ? '\uFFFD' : String.fromCharCode(code);
      i += 3;
    } else {
      return null;
    }
    from = i + 1;
  }
  return null;
}
