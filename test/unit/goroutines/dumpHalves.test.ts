/**
 * A dump read in two halves (dumpHalves.ts, the worker of loadInTwoThreads.ts) gives the summary
 * loadGoroutineSummary gives for the whole, as JSON byte for byte: on every debug=2 fixture and on cut,
 * spliced, CRLF, log-interleaved and damaged variants of them, cut at every place cutPoint may choose.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { cutPoint, readPartGoroutines, summarizeHalves } from '../../../src/goroutines/dumpHalves';
import { loadGoroutineSummary } from '../../../src/goroutines/load';
import { DumpHalfWorker, readShared, TWO_THREADS_MIN_BYTES } from '../../../src/goroutines/loadInTwoThreads';
import { DumpParseError } from '../../../src/goroutines/parseDump';
import { repoRoot } from '../lint/fixtureHarness';

const dir = path.join(repoRoot, 'test', 'fixtures', 'goroutines');
const DEBUG2 = [
  'go1.27.3-stack.txt',
  'go1.27.3-sigquit.txt',
  'go1.27.3-synctest.txt',
  'go1.26.8-tracebacklabels=1.txt',
  'go1.26.8-tracebacklabels=0.txt',
  'leaky-service.debug2.txt',
  'leaky-service.goroutineleak.debug2.txt',
  'leaky-service.after-leak-pass.debug2.txt',
  'go1.19.8-leaky-service.debug2.txt',
  'handwritten.txt',
];

/** Places cutPoint may cut `bytes` (each header after a blank line): all of them, or 12 spread over the text. */
function cutPoints(bytes: Buffer): number[] {
  const cuts: number[] = [];
  for (let at = cutPoint(bytes, 1); at > 0; at = cutPoint(bytes, at + 1)) cuts.push(at);
  return cuts.length <= 12 ? cuts : Array.from({ length: 12 }, (_, i) => cuts[Math.floor((i * cuts.length) / 12)] as number);
}

/** The whole read at once, as JSON (what goroscope goroutines prints), or the error's message. */
function whole(bytes: Buffer): string {
  try {
    return JSON.stringify(loadGoroutineSummary(bytes), null, 2);
  } catch (err) {
    if (err instanceof DumpParseError) return `DumpParseError: ${err.message}`;
    throw err;
  }
}

async function halves(bytes: Buffer, cut: number): Promise<string> {
  // The second half crosses to the other thread as a structured clone.
  const second = structuredClone(readPartGoroutines(bytes.toString('utf8', cut)));
  return JSON.stringify(await summarizeHalves(bytes.toString('utf8', 0, cut), async () => second), null, 2);
}

function variants(name: string, text: string): Array<[string, string]> {
  let seed = 7;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const out: Array<[string, string]> = [
    [name, text],
    [`${name} CRLF`, text.replace(/\n/g, '\r\n')],
    [`${name} log lines`, text.split('\n').map((l, i) => (i % 37 === 5 ? `${l}\n2026/01/01 12:00:00 log line (x)` : i % 53 === 7 ? '\tindented log' : l)).join('\n')],
    [`${name} twice`, `${text}\n${text}`],
  ];
  for (let k = 0; k < 8; k++) out.push([`${name} cut ${k}`, text.slice(0, next(text.length))]);
  for (let k = 0; k < 8; k++) {
    const a = next(text.length);
    const b = next(text.length);
    out.push([`${name} spliced ${k}`, text.slice(0, Math.min(a, b)) + text.slice(Math.max(a, b))]);
  }
  for (let k = 0; k < 6; k++) {
    const lines = text.split('\n');
    lines.splice(next(lines.length), 1);
    out.push([`${name} line dropped ${k}`, lines.join('\n')]);
  }
  for (let k = 0; k < 6; k++) {
    const lines = text.split('\n');
    const i = next(lines.length);
    lines[i] = (lines[i] ?? '').slice(0, next((lines[i] ?? '').length + 1));
    out.push([`${name} line cut ${k}`, lines.join('\n')]);
  }
  return out;
}

test('read in two halves at a dozen cuts or every one: the JSON of the whole, on every fixture and its variants', async () => {
  let compared = 0;
  for (const name of DEBUG2) {
    for (const [what, text] of variants(name, readFileSync(path.join(dir, name), 'utf8'))) {
      const bytes = Buffer.from(text);
      const want = whole(bytes);
      for (const cut of cutPoints(bytes)) {
        assert.equal(await halves(bytes, cut), want, `${what}, cut at byte ${cut}`);
        compared++;
      }
    }
  }
  assert.ok(compared > 1500, `${compared} cuts compared`);
});

test('cutPoint: only at a goroutine header after a blank line, from the given offset on', () => {
  const text = 'goroutine 1 [running]:\nmain.main()\n\t/a.go:1 +0x1\n\ngoroutine 2 [select]:\nmain.f()\n\t/a.go:2\n\ngoroutine x [select]:\n\ngoroutine 3 [chan send]:\n';
  const bytes = Buffer.from(text);
  assert.equal(cutPoint(bytes, 0), text.indexOf('goroutine 2'));
  assert.equal(cutPoint(bytes, text.indexOf('goroutine 2') + 1), text.indexOf('goroutine 3'));
  // A header right after a frame (no blank line) is no place to cut: the goroutine before it has not ended.
  assert.equal(cutPoint(Buffer.from('goroutine 1 [running]:\nmain.main()\n\t/a.go:1\ngoroutine 2 [select]:\n'), 1), -1);
  assert.equal(cutPoint(Buffer.from(text.replace(/\n/g, '\r\n')), 1), text.replace(/\n/g, '\r\n').indexOf('goroutine 2'));
});

/** A dump past TWO_THREADS_MIN_BYTES from the fixtures, ids renumbered so that groups hold many goroutines. */
function largeDump(): string {
  const parts: string[] = [];
  let size = 0;
  for (let round = 0; size < TWO_THREADS_MIN_BYTES * 1.2; round++) {
    for (const name of DEBUG2) {
      const text = readFileSync(path.join(dir, name), 'utf8').replace(/^goroutine (\d+)/gm, (_, id: string) => `goroutine ${round * 100_000 + Number(id)}`);
      parts.push(text);
      size += text.length;
    }
  }
  return parts.join('\n');
}

test('DumpHalfWorker: the worker reads the second half of a large dump; the summary is the whole\'s; without a worker, this thread reads it', async (t) => {
  const file = path.join(repoRoot, 'out', 'test-large-dump.txt');
  const text = largeDump();
  writeFileSync(file, text);
  t.after(() => rmSync(file, { force: true }));
  const want = JSON.stringify(loadGoroutineSummary(Buffer.from(text)), null, 2);
  const bytes = readShared(file, Buffer.byteLength(text));
  const worker = new DumpHalfWorker(path.join(repoRoot, 'dist', 'dumpHalfWorker.js'));
  try {
    worker.warm();
    assert.equal(JSON.stringify(await worker.summarize(bytes), null, 2), want);
    assert.equal(worker.halvesReadByWorker, 1);
  } finally {
    worker.dispose();
  }
  const missing = new DumpHalfWorker(path.join(repoRoot, 'dist', 'no-such-worker.js'));
  try {
    assert.equal(JSON.stringify(await missing.summarize(bytes), null, 2), want);
    assert.equal(missing.halvesReadByWorker, 0);
  } finally {
    missing.dispose();
  }
});
