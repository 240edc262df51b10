/**
 * loadGoroutineSummary for `goroscope goroutines` on a large dump file, on two threads: a worker
 * (dist/dumpHalfWorker.js) reads the second half of a debug=2 dump while this thread reads the first
 * (dumpHalves.ts cuts it at a goroutine header), then both halves are grouped here in dump order. The CLI
 * starts the worker before it reads the file, so its start overlaps the read, and only when a core is free
 * (secondCoreFree). Anything else (a profile, a small dump, no place to cut, a worker that fails) is read
 * here as loadGoroutineSummary reads it: the summary is the same either way.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isGzip } from '../pprof/decode';
import type { SizeLimit } from '../pprof/sizeLimit';
import { dumpHalfWorker, dumpHalfWorkerHost } from '../protocol/dumpHalfWorker';
import { WorkerChannel } from '../protocol/workerThread';
import { cutPoint, readPartGoroutines, summarizeHalves } from './dumpHalves';
import { loadGoroutineSummary, looksLikeText } from './load';
import type { GoroutineSummary } from './model';
import { looksLikeGoroutineDump } from './parseDump';
import { looksLikeGoroutineProfileText } from './parseProfileText';

/** Smaller dumps are read on one thread: starting a worker (20–40 ms) costs more than half their reading. */
export const TWO_THREADS_MIN_BYTES = 4 * 1024 * 1024;

/**
 * Whether a second thread would get a core of its own: the worker costs ~100 ms of CPU more in all (its start,
 * both threads' JIT warm-up), which a free core hides and a busy machine pays (22 MB dump at load 7: 1.9x
 * gostackparse on two threads, 1.35x on one). The 1-minute load average is the machine's own measure.
 */
export function secondCoreFree(): boolean {
  const cores = os.availableParallelism();
  return cores >= 2 && (os.loadavg()[0] ?? 0) <= cores - 1;
}

/** A half of a 64 MB dump takes a second or two on a loaded machine; past this the worker is deemed stuck. */
const PART_TIMEOUT_MS = 60_000;

export class DumpHalfWorker {
  /** Second halves the worker read (not this thread): for tests and the bench. */
  halvesReadByWorker = 0;
  private readonly channel: WorkerChannel<typeof dumpHalfWorkerHost, typeof dumpHalfWorker>;

  constructor(script: string = path.join(__dirname, 'dumpHalfWorker.js')) {
    this.channel = new WorkerChannel({
      script,
      peer: 'the dump-half worker',
      host: dumpHalfWorkerHost,
      thread: dumpHalfWorker,
      requests: {},
      events: {},
      timeoutMs: PART_TIMEOUT_MS,
    });
  }

  /** Starts the worker thread now (before the file is read). */
  warm(): void {
    this.channel.warm();
  }

  /**
   * loadGoroutineSummary(bytes, limit). `bytes` on a SharedArrayBuffer (readShared) is seen by the worker
   * without a copy; other bytes are read on this thread.
   */
  async summarize(bytes: Uint8Array, limit: SizeLimit = {}): Promise<GoroutineSummary> {
    if (bytes.length < TWO_THREADS_MIN_BYTES || !(bytes.buffer instanceof SharedArrayBuffer) || isGzip(bytes) || !looksLikeText(bytes)) {
      return loadGoroutineSummary(bytes, limit);
    }
    const cut = cutPoint(bytes, bytes.length >>> 1);
    if (cut < 0) return loadGoroutineSummary(bytes, limit);
    const second = this.channel.request('readPart', { bytes, start: cut, end: bytes.length }).then((part) => {
      this.halvesReadByWorker++;
      return part;
    });
    // Awaited below, or dropped when this thread reads the whole after all.
    second.catch(() => undefined);
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const firstText = text.toString('utf8', 0, cut);
    // loadGoroutineSummary reads the whole as a debug=1 profile when its first 4 KB say so, and as a dump when
    // it has a header (the cut is at one, which cutPoint read as the reader does: the test agrees, or the whole decides).
    const lineEnd = text.indexOf(10, cut);
    const cutLine = text.toString('utf8', cut, lineEnd < 0 ? text.length : lineEnd + 1);
    if (looksLikeGoroutineProfileText(firstText) || !looksLikeGoroutineDump(cutLine)) return loadGoroutineSummary(bytes, limit);
    // A worker that cannot start or answer: this thread reads the second half too.
    return summarizeHalves(firstText, () => second.catch(() => readPartGoroutines(text.toString('utf8', cut))));
  }

  /** Stops the worker thread. */
  dispose(): void {
    this.channel.dispose();
  }
}

/** The first `size` bytes of a file (fewer if it is shorter now) on a SharedArrayBuffer, for DumpHalfWorker. */
export function readShared(file: string, size: number): Uint8Array {
  const bytes = new Uint8Array(new SharedArrayBuffer(size));
  const fd = openSync(file, 'r');
  try {
    let read = 0;
    while (read < size) {
      const n = readSync(fd, bytes, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return read === size ? bytes : bytes.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}
