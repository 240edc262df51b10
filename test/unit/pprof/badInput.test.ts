import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { decodeProfile } from '../../../src/pprof/decode';
import { ProfileError } from '../../../src/pprof/errors';
import { readFixture } from './fixtures';

/** Decoding must throw exactly one ProfileError with a one-line message matching `expected`. */
function rejects(bytes: Uint8Array, expected: RegExp): void {
  assert.throws(
    () => decodeProfile(bytes),
    (err: unknown) => {
      assert.ok(err instanceof ProfileError, `expected a ProfileError, got ${String(err)}`);
      assert.doesNotMatch(err.message, /\n/, 'one line');
      assert.match(err.message, expected);
      return true;
    },
  );
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('bad input gives one clear ProfileError', () => {
  test('an empty file', () => rejects(new Uint8Array(0), /^empty input: there is no profile data \(0 bytes\)$/));

  test('gzip of nothing', () => rejects(gzipSync(new Uint8Array(0)), /^empty input/));

  test('truncated gzip (a download cut off)', () => {
    const gz = readFixture('heap-2');
    rejects(gz.subarray(0, Math.floor(gz.length / 2)), /^truncated gzip data: the profile is incomplete/);
    rejects(gz.subarray(0, 12), /^truncated gzip data/);
  });

  test('gzip with a corrupt body', () => {
    const gz = new Uint8Array(readFixture('heap-2'));
    for (let i = 20; i < 60; i++) gz[i] = 0xff;
    rejects(gz, /^(corrupt|truncated) gzip data/);
  });

  test('random bytes, many seeds', () => {
    for (let i = 0; i < 200; i++) {
      const bytes = randomBytes(16 + (i % 64) * 37);
      bytes[0] = bytes[0] === 0x1f ? 0x20 : (bytes[0] as number);
      assert.throws(
        () => decodeProfile(bytes),
        (err: unknown) => err instanceof ProfileError && !err.message.includes('\n') && /profile|text/.test(err.message),
        `random input #${i}`,
      );
    }
  });

  test('an HTML page where a profile should be (a 404 page, a login page), gzipped or not', () => {
    const page = '<!DOCTYPE html>\n<html><head><title>404 page not found</title></head><body>not found</body></html>';
    rejects(text(page), /^got an HTML page, not a profile/);
    rejects(text(`\n  ${page}`), /^got an HTML page/);
    rejects(gzipSync(text(page)), /^got an HTML page/);
  });

  test('legacy text formats (debug=1, debug=2) are named', () => {
    rejects(text('heap profile: 3: 1024 [10: 4096] @ heap/1048576\n'), /legacy text profile \(debug=1\)/);
    rejects(text('goroutine profile: total 4\n1 @ 0x1 0x2\n'), /legacy text profile/);
    rejects(text('goroutine 1 [running]:\nmain.main()\n\t/app/main.go:5 +0x1d\n'), /goroutine stack dump \(debug=2/);
  });

  test('a legacy binary CPU profile (Go before 1.9, gperftools, Java) is named, with how to convert it', () => {
    // Header words 0, 3, 0, sampling period in microseconds, 0; then samples (count, depth, pcs).
    const words = [0, 3, 0, 10000, 0, 1, 2, 0x401000, 0x402000, 0, 1, 0];
    const as64le = new Uint8Array(new BigUint64Array(words.map(BigInt)).buffer);
    const as32be = new Uint8Array(words.length * 4);
    words.forEach((w, i) => new DataView(as32be.buffer).setUint32(i * 4, w, false));
    const java = new Uint8Array(new Uint32Array([0, 3, 1, 10000, 0, 1, 1, 0x1000]).buffer); // Java writes version 1
    for (const bytes of [as64le, as32be, gzipSync(as64le), java]) {
      rejects(bytes, /^this is a legacy binary CPU profile \(Go before 1\.9, gperftools or Java\); convert it with `go tool pprof -proto FILE > FILE\.pb\.gz`/);
    }
  });

  test('other text is quoted briefly, without control characters', () => {
    rejects(text('404 page not found\n\x1b[31mred'), /^got text, not a pprof profile: "404 page not found \[31mred"$/);
  });

  test('a profile cut short before its strings is reported, not half-decoded', async () => {
    const { gunzipSync } = await import('node:zlib');
    const raw = gunzipSync(readFixture('heap-2'));
    rejects(raw.subarray(0, Math.floor(raw.length * 0.6)), /^(invalid profile|not a pprof profile)/);
  });
});
