import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import { GoAnalyzer } from './analyzer';
import { compareStrings, type GoPackage } from './goFiles';
import { lintWorker, lintWorkerHost } from '../protocol/lintWorker';
import { RequestTimeoutError } from '../protocol/rpc';
import { WorkerChannel } from '../protocol/workerThread';
import type { Finding, LintOptions } from './types';

/** What linting one file produced: its findings, or why it could not be linted. */
export interface FileLintResult {
  file: string;
  findings: Finding[];
  /** Set when the file could not be read or linted; findings are then empty. */
  error?: string;
}

export interface LintPoolOptions {
  /** Folder with tree-sitter.wasm and tree-sitter-go.wasm. */
  wasmDir: string;
  /** The bundled worker (dist/lintWorker.js). */
  workerScript: string;
  lint?: LintOptions;
  /** Upper bound on worker threads; 0 lints in this thread. Default: os.availableParallelism(). */
  maxWorkers?: number;
  /** Inputs with fewer files than this are linted in this thread (starting workers costs more). */
  inProcessBelow?: number;
}

export interface LintRun {
  /** One entry per file, sorted by path; findings sorted by position. */
  results: FileLintResult[];
  /** Worker threads used (0 when linted in this thread). */
  workers: number;
}

/** Sent to a worker: lint one package. */
export interface LintJob {
  pkg: GoPackage;
  options: LintOptions;
}

/** A worker's reply to a job. */
export interface LintJobReply {
  results: FileLintResult[];
}

/** Data a worker starts with. */
export interface LintWorkerData {
  wasmDir: string;
}

export const DEFAULT_IN_PROCESS_BELOW = 64;

/**
 * Lints packages over worker threads (src/protocol/lintWorker.ts), one package per job so each worker
 * indexes every file of a package before linting it. Small inputs are linted in this thread. A worker
 * that crashes or takes too long gets its package's files reported as errors; the run always completes.
 */
export async function lintPackages(packages: readonly GoPackage[], options: LintPoolOptions): Promise<LintRun> {
  const fileCount = packages.reduce((n, p) => n + p.files.length, 0);
  const workerCount = Math.min(options.maxWorkers ?? os.availableParallelism(), packages.length);
  const lintOptions = options.lint ?? {};
  let results: FileLintResult[];
  let workers = 0;
  if (workerCount < 1 || fileCount < (options.inProcessBelow ?? DEFAULT_IN_PROCESS_BELOW)) {
    const linter = await PackageLinter.create(options.wasmDir);
    results = packages.flatMap((pkg) => linter.lint(pkg, lintOptions));
  } else {
    workers = workerCount;
    results = await lintInWorkers(packages, options.workerScript, { wasmDir: options.wasmDir }, lintOptions, workerCount);
  }
  return { results: sortResults(results), workers };
}

/**
 * Lints whole packages with one analyzer: reads, indexes, then lints every file of a package so
 * each file sees the complete package index. Never throws: failures become results.
 */
export class PackageLinter {
  private analyzer!: GoAnalyzer;

  static async create(wasmDir: string): Promise<PackageLinter> {
    const linter = new PackageLinter();
    linter.analyzer = await GoAnalyzer.create(wasmDir);
    return linter;
  }

  lint(pkg: GoPackage, options: LintOptions): FileLintResult[] {
    const results: FileLintResult[] = [];
    const sources: Array<{ file: string; source: string }> = [];
    for (const file of pkg.files) {
      try {
        sources.push({ file, source: readFileSync(file, 'utf8') });
      } catch (err) {
        results.push({ file, findings: [], error: `cannot read ${file}: ${describeFsError(err)}` });
      }
    }
    try {
      // Each file is parsed once: the whole package is indexed, then every file linted.
      for (const r of this.analyzer.lintPackage(sources, options)) {
        if (r.error !== undefined) results.push({ file: r.file, findings: [], error: `failed to lint ${r.file}: ${r.error}` });
        else if (r.ruleErrors.length > 0) results.push({ file: r.file, findings: r.findings, error: `${r.file}: ${r.ruleErrors.join('; ')}` });
        else results.push({ file: r.file, findings: r.findings });
      }
    } catch (err) {
      for (const { file } of sources) results.push({ file, findings: [], error: `failed to lint ${file}: ${errorMessage(err)}` });
    } finally {
      // Workers lint package after package: the index holds only what the current one needs.
      for (const { file } of sources) this.analyzer.removeFile(file);
    }
    return results;
  }
}

/** One package may take this long on a worker, from when it is sent (the largest of the standard library takes seconds). */
const PACKAGE_TIMEOUT_MS = 10 * 60_000;

async function lintInWorkers(
  packages: readonly GoPackage[],
  workerScript: string,
  workerData: LintWorkerData,
  options: LintOptions,
  workerCount: number,
): Promise<FileLintResult[]> {
  // Biggest packages first (by bytes: one generated file can outweigh a hundred small ones) so no
  // worker is left alone with a large one at the end.
  const weight = new Map(packages.map((p) => [p, p.files.reduce((n, f) => n + sizeOf(f), 0)]));
  const queue = [...packages].sort((a, b) => (weight.get(b) ?? 0) - (weight.get(a) ?? 0));
  const results: FileLintResult[] = [];
  const newChannel = () =>
    new WorkerChannel({ script: workerScript, workerData, peer: 'the lint worker', host: lintWorkerHost, thread: lintWorker, requests: {}, events: {}, timeoutMs: PACKAGE_TIMEOUT_MS });
  let running = 0;
  const runWorker = async (): Promise<void> => {
    running++;
    let channel = newChannel();
    let completed = 0;
    // Two packages out per worker: the next one already waits in the worker's queue when it finishes one, so
    // it never idles while this thread (busy with replies, or not scheduled on a loaded machine) sends more.
    const sent: Array<{ pkg: GoPackage; reply: Promise<LintJobReply> }> = [];
    const send = (): void => {
      const pkg = queue.shift();
      if (!pkg) return;
      const reply = channel.request('lintPackage', { pkg, options });
      reply.catch(() => undefined); // awaited in order below
      sent.push({ pkg, reply });
    };
    try {
      send();
      send();
      for (let job = sent.shift(); job; job = sent.shift()) {
        try {
          results.push(...(await job.reply).results);
          completed++;
          send();
        } catch (err) {
          const reason = err instanceof RequestTimeoutError ? `lint worker gave up: ${err.message}` : `lint worker crashed: ${errorMessage(err)}`;
          results.push(...failedPackage(job.pkg, reason));
          // The package sent after it did not fail on its own: it goes back to the queue, first.
          for (const waiting of sent.splice(0).reverse()) queue.unshift(waiting.pkg);
          // A worker that never finished a job would fail again (bad script, wasm that will not load):
          // it stops, and the last one reports the rest instead of starting one worker per package.
          if (completed === 0) {
            if (running === 1) for (const rest of queue.splice(0)) results.push(...failedPackage(rest, reason));
            return;
          }
          // A fresh thread for the next packages: a timed-out one may still be busy with this one.
          channel.dispose();
          channel = newChannel();
          send();
          send();
        }
      }
    } finally {
      running--;
      channel.dispose();
    }
  };
  await Promise.all(Array.from({ length: Math.min(workerCount, queue.length) }, runWorker));
  return results;
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function failedPackage(pkg: GoPackage, reason: string): FileLintResult[] {
  return pkg.files.map((file) => ({ file, findings: [], error: reason }));
}

function sortResults(results: FileLintResult[]): FileLintResult[] {
  for (const result of results) result.findings.sort(compareFindings);
  return results.sort((a, b) => compareStrings(a.file, b.file));
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    a.range.end.line - b.range.end.line ||
    a.range.end.character - b.range.end.character ||
    compareStrings(a.rule, b.rule) ||
    compareStrings(a.message, b.message)
  );
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return errorMessage(err);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
