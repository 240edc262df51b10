/**
 * Runs one profiling `go test` invocation to its end: streams what it prints (as a person would read
 * it) to `onOutput`, reports the phase, and on abort stops the whole process group — the go command,
 * the compiler it started and the test binary — not only the go command. Resolves with the verdict,
 * the benchmark results and the profiles that were written. Never rejects for what the test does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { GoTestInvocation, GoTestProfileKind } from './command';
import { GoTestOutputReader, type BenchmarkResult, type GoTestOutcome } from './testOutput';

export interface RunGoTestOptions {
  invocation: GoTestInvocation;
  /** The environment the settings' variables are added to (the extension host's). */
  baseEnv: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onOutput(line: string): void;
  onPhase?(phase: 'building' | 'running'): void;
}

export interface GoTestRun {
  outcome: GoTestOutcome | { kind: 'cancelled' };
  benchmarks: BenchmarkResult[];
  /** The profiles the test binary wrote (non-empty files); a crashed binary may have written none. */
  profiles: Partial<Record<GoTestProfileKind, string>>;
  exitCode: number | null;
  durationMs: number;
}

/** How long a stopped group gets to exit after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 2000;
/** A line longer than this (no newline in sight) is cut and shown in pieces. */
const MAX_PENDING_CHARS = 1 << 20;

export function runGoTest(options: RunGoTestOptions): Promise<GoTestRun> {
  const { invocation, signal } = options;
  const started = Date.now();
  const reader = new GoTestOutputReader(invocation.testName, invocation.cwd);
  return new Promise<GoTestRun>((resolve) => {
    if (signal?.aborted) {
      resolve({ outcome: { kind: 'cancelled' }, benchmarks: [], profiles: {}, exitCode: null, durationMs: 0 });
      return;
    }
    let child: ChildProcess;
    try {
      child = spawn(invocation.command, invocation.args, {
        cwd: invocation.cwd,
        env: { ...options.baseEnv, ...invocation.env },
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, so that stopping it stops the compiler and the test binary too.
        detached: process.platform !== 'win32',
        windowsHide: true,
      });
    } catch (err) {
      resolve(failedToStart(invocation, err, started));
      return;
    }
    let phase = reader.phase;
    const stdout = lines((line) => {
      const shown = reader.stdoutLine(line);
      if (shown !== undefined) options.onOutput(shown);
      if (reader.phase !== phase) {
        phase = reader.phase;
        options.onPhase?.(phase);
      }
    });
    const stderr = lines((line) => options.onOutput(reader.stderrLine(line)));
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));

    let cancelled = false;
    const stop = () => {
      cancelled = true;
      stopGroup(child);
    };
    signal?.addEventListener('abort', stop, { once: true });
    let settled = false;
    const settle = (run: GoTestRun) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', stop);
      resolve(run);
    };
    child.on('error', (err) => {
      // No process came to be (go not found): there will be nothing to close.
      if (child.pid === undefined) settle(failedToStart(invocation, err, started));
    });
    child.on('close', (code) => {
      stdout.end();
      stderr.end();
      const outcome = cancelled ? { kind: 'cancelled' as const } : reader.finish(code);
      settle({ outcome, benchmarks: reader.benchmarks, profiles: writtenProfiles(invocation), exitCode: code, durationMs: Date.now() - started });
    });
  });
}

/** Stops a child started in its own process group: SIGTERM to the group, SIGKILL if it lingers. */
export function stopGroup(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  if (process.platform === 'win32') {
    spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => child.kill());
    return;
  }
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // The group is gone already.
    }
  };
  signalGroup('SIGTERM');
  const timer = setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS);
  timer.unref();
  child.once('close', () => {
    clearTimeout(timer);
    // Whatever the go command left behind in the group (a test binary still running) goes too.
    signalGroup('SIGKILL');
  });
}

function failedToStart(invocation: GoTestInvocation, err: unknown, started: number): GoTestRun {
  const code = (err as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? `${invocation.command} was not found: install Go (https://go.dev/dl) or point go.alternateTools / go.goroot at it`
      : `${invocation.command} could not start: ${err instanceof Error ? err.message : String(err)}`;
  return { outcome: { kind: 'go-failed', reason }, benchmarks: [], profiles: {}, exitCode: null, durationMs: Date.now() - started };
}

function writtenProfiles(invocation: GoTestInvocation): GoTestRun['profiles'] {
  const found: GoTestRun['profiles'] = {};
  for (const kind of ['cpu', 'mem', 'block', 'mutex'] as const) {
    const file = invocation.profiles[kind];
    if (file === undefined) continue;
    try {
      if (statSync(file).size > 0) found[kind] = file;
    } catch {
      // Not written: the binary did not get to write it.
    }
  }
  return found;
}

/** Splits a byte stream into lines (UTF-8 across chunk boundaries, CR LF too), with a bound on one line. */
function lines(onLine: (line: string) => void): { push(chunk: Buffer): void; end(): void } {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const drain = (text: string) => {
    pending += text;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      onLine(pending.slice(0, newline).replace(/\r$/, ''));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
    if (pending.length > MAX_PENDING_CHARS) {
      onLine(pending);
      pending = '';
    }
  };
  return {
    push: (chunk) => drain(decoder.write(chunk)),
    end: () => {
      drain(decoder.end());
      if (pending !== '') onLine(pending);
      pending = '';
    },
  };
}
