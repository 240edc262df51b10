/** Protobuf by hand, for shapes pprof-format's encoder never writes (duplicate strings, sparse ids, unknown fields). */
export function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, BigInt(n));
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? b | 0x80 : b);
  } while (v > 0n);
  return out;
}
export const tag = (field: number, wire: number): number[] => varint(field * 8 + wire);
export const bytesField = (field: number, payload: number[]): number[] => [...tag(field, 2), ...varint(payload.length), ...payload];
export const varintField = (field: number, n: number): number[] => [...tag(field, 0), ...varint(n)];
export const text = (s: string): number[] => [...new TextEncoder().encode(s)];
