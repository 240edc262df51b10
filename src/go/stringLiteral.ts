import type { SyntaxNode } from './parser';

/**
 * The value of a Go string literal node as the compiler reads it: escapes of interpreted literals
 * (`\n`, `\x41`, `\101`, `\u00e9`, `\U0001F600`, …) decoded, carriage returns dropped from raw ones.
 * Undefined for anything else (a constant, a concatenation, a call), and for an escape Go rejects.
 */
export function stringLiteralValue(node: SyntaxNode): string | undefined {
  if (node.type === 'raw_string_literal') return node.text.slice(1, -1).replace(/\r/g, '');
  if (node.type === 'interpreted_string_literal') return decodeInterpreted(node.text);
  return undefined;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
};

/**
 * `"…"` with its quotes. Byte escapes (`\x`, octal) build UTF-8 bytes, as in Go, so `"\xc3\xa9"` is é;
 * bytes that are not valid UTF-8 become U+FFFD, as Go's conversion to runes prints them.
 */
export function decodeInterpreted(text: string): string | undefined {
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return undefined;
  const body = text.slice(1, -1);
  let out = '';
  let bytes: number[] = [];
  const flushBytes = () => {
    if (bytes.length > 0) out += Buffer.from(bytes).toString('utf8');
    bytes = [];
  };
  for (let i = 0; i < body.length; ) {
    const c = body[i] as string;
    if (c !== '\\') {
      flushBytes();
      out += c;
      i++;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) return undefined;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      flushBytes();
      out += simple;
      i += 2;
    } else if (e === 'x') {
      const hex = body.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 4;
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) return undefined;
      bytes.push(parseInt(oct, 8));
      i += 4;
    } else if (e === 'u' || e === 'U') {
      const digits = e === 'u' ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + digits);
      if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) return undefined;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
      flushBytes();
      out += String.fromCodePoint(code);
      i += 2 + digits;
    } else {
      return undefined;
    }
  }
  flushBytes();
  return out;
}
