import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { decodePackedProfile, decodePackedProfileStreamed } from '../../../src/pprof/decode';
import { ProfileWorker } from '../../../src/pprof/decodeInWorker';
import { ProfileError } from '../../../src/pprof/errors';
import { ProfileTooLargeError } from '../../../src/pprof/sizeLimit';
import { CLI_JS, DIST } from '../../cli/cliRunner';
import { readFixture } from './fixtures';

const MiB = 1024 * 1024;
/** Unpacking stops at the limit; decoding while unpacking (the streamed path) stops when its arrays take twice the limit. */
const ONCE = 'once (unpacked \\(unpacking stopped there\\)|decoded \\(decoding stopped at twice the limit\\))';

/**
 * A gzip bomb: `gib` GiB of one-value Sample messages (valid profile.proto all the way, so nothing but the
 * size stops a decoder), as one gzip member of 1 MiB repeated (about 1 KiB each).
 */
function gzipBomb(gib: number): Buffer {
  const block = Buffer.alloc(MiB);
  for (let i = 0; i < MiB; i += 4) block.set([0x12, 0x02, 0x10, 0x01], i); // field 2 (sample): value 1
  const member = gzipSync(block, { level: 9 });
  return Buffer.concat(Array.from({ length: gib * 1024 }, () => member));
}

const tooLarge = (limitMiB: number, name?: string) => (err: unknown) => {
  assert.ok(err instanceof ProfileTooLargeError, `expected ProfileTooLargeError, got ${String(err)}`);
  assert.ok(err instanceof ProfileError);
  assert.match(err.message, new RegExp(`^the profile is larger than the size limit of ${limitMiB} MiB ${ONCE}; raise the limit${name ? ` \\(${name}\\)` : ''} to open it$`));
  return true;
};

describe('the size limit on what a profile unpacks to (gzip bombs)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'goroscope-bomb-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const bomb = gzipBomb(3);
  const bombFile = path.join(dir, 'bomb.pb.gz');
  writeFileSync(bombFile, bomb);

  test('the bomb is small and would unpack to 3 GiB', () => {
    assert.ok(bomb.length < 4 * MiB, `${bomb.length} bytes`);
    assert.equal(gunzipSync(bomb.subarray(0, bomb.length / 3072)).length, MiB);
  });

  test('decoding stops at the limit, whole or streamed, with one message naming it', async () => {
    const t0 = Date.now();
    assert.throws(() => decodePackedProfile(bomb, { maxBytes: 16 * MiB, limitName: '--max-size' }), tooLarge(16, '--max-size'));
    await assert.rejects(decodePackedProfileStreamed(bomb, { maxBytes: 16 * MiB }), tooLarge(16));
    assert.ok(Date.now() - t0 < 30_000, 'stopped early, not after 3 GiB');
  });

  test('an unpacked profile over the limit is refused the same way; one under it decodes', () => {
    const raw = gunzipSync(readFixture('heap-2'));
    assert.throws(() => decodePackedProfile(raw, { maxBytes: raw.length - 1 }), (err: unknown) => err instanceof ProfileTooLargeError && !/once unpacked/.test(err.message));
    assert.equal(decodePackedProfile(raw, { maxBytes: raw.length }).sampleTypes.length, 4);
    assert.equal(decodePackedProfile(readFixture('heap-2'), { maxBytes: raw.length }).sampleTypes.length, 4);
  });

  test("the pprof worker applies its owner's limit to every open", async () => {
    const worker = new ProfileWorker(path.join(DIST, 'pprofWorker.js'), () => ({ maxBytes: 8 * MiB, limitName: 'goroscope.transport.maxSizeMB' }));
    try {
      await assert.rejects(worker.open(bomb), (err: unknown) => err instanceof ProfileError && /size limit of 8 MiB once .*goroscope\.transport\.maxSizeMB/.test((err as Error).message));
      assert.equal((await worker.open(readFixture('heap-2'))).sampleTypes.length, 4, 'the worker still works');
    } finally {
      worker.dispose();
    }
  });

  // The whole command as a user runs it, in a fresh process whose peak memory is its own.
  const peakRss = (args: string[]): { status: number | null; stderr: string; peakMiB: number; ms: number } => {
    const probe = path.join(dir, 'peak.cjs');
    writeFileSync(probe, "process.on('exit', () => process.stderr.write(`peak-rss ${process.resourceUsage().maxRSS}\\n`));\n");
    const t0 = Date.now();
    const run = spawnSync(process.execPath, ['--require', probe, CLI_JS, ...args], { encoding: 'utf8', timeout: 120_000 });
    const peak = /peak-rss (\d+)/.exec(run.stderr);
    return { status: run.status, stderr: run.stderr.replace(/peak-rss \d+\n/, ''), peakMiB: peak ? Number(peak[1]) / 1024 : NaN, ms: Date.now() - t0 };
  };

  test('goroscope profile on the bomb: exit 2, one line, bounded time and memory (default limit and --max-size)', () => {
    const byDefault = peakRss(['profile', bombFile]);
    assert.equal(byDefault.status, 2);
    assert.match(byDefault.stderr, new RegExp(`^goroscope: .*bomb\\.pb\\.gz: the profile is larger than the size limit of 256 MiB ${ONCE}; raise the limit \\(--max-size\\) to open it\n$`));
    // At most twice the limit in decoded arrays, and a chunk of unpacked bytes: a small multiple, not 3 GiB.
    assert.ok(byDefault.peakMiB < 256 * 3 + 150, `peak RSS ${byDefault.peakMiB.toFixed(0)} MiB`);
    const small = peakRss(['profile', bombFile, '--max-size', '16']);
    assert.equal(small.status, 2);
    assert.match(small.stderr, new RegExp(`size limit of 16 MiB ${ONCE}`));
    assert.ok(small.peakMiB < 16 * 3 + 150, `peak RSS ${small.peakMiB.toFixed(0)} MiB with --max-size 16`);
    assert.ok(small.ms < 60_000, `${small.ms} ms`);
  });

  test('goroscope goroutines on the bomb (a debug=0 profile as far as it can tell): exit 2, one line, bounded memory', () => {
    const run = peakRss(['goroutines', bombFile, '--max-size', '16']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, new RegExp(`^goroscope: .*bomb\\.pb\\.gz: the profile is larger than the size limit of 16 MiB ${ONCE}; raise the limit \\(--max-size\\) to open it\n$`));
    assert.ok(run.peakMiB < 16 * 3 + 150, `peak RSS ${run.peakMiB.toFixed(0)} MiB with --max-size 16`);
    // A dump file larger than the limit is not read at all.
    const big = path.join(dir, 'big.txt');
    writeFileSync(big, Buffer.alloc(2 * MiB, 'goroutine 1 [running]:\n'));
    const refused = peakRss(['goroutines', big, '--max-size', '1']);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /^goroscope: .*big\.txt: the file is larger than the size limit of 1 MiB; raise the limit \(--max-size\) to read it\n$/);
  });

  test('goroscope report refuses the bomb before writing anything; --max-size must be a positive number', () => {
    const out = path.join(dir, 'report.html');
    const run = peakRss(['report', bombFile, '-o', out, '--max-size', '16']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, new RegExp(`size limit of 16 MiB ${ONCE}`));
    assert.equal(peakRss(['profile', bombFile, '--max-size', 'lots']).stderr, 'goroscope: --max-size needs a number of megabytes above 0, not "lots"\n');
  });
});
