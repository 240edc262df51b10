/**
 * examples/leaky-service as a real process for integration tests: built with Go 1.27.3 (../goToolchain),
 * started on a free loopback port, stopped (killed by its pid) when the test ends or the test process exits.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { goEnv, GO_TOOLCHAIN } from '../goToolchain';

const run = promisify(execFile);
const SOURCE = path.resolve('examples/leaky-service');

export interface LeakyService {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `http://127.0.0.1:PORT/debug/pprof/` */
  pprof: string;
  /** What the service wrote to stderr so far (its log), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** Build the service; fails with one clear message when Go is missing or the build breaks. */
export async function buildLeakyService(): Promise<{ binary: string; cleanup(): void }> {
  const env = goEnv();
  try {
    await run('go', ['version'], { env, timeout: 300_000 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? 'go is not installed: the integration tests need Go 1.21 or later on PATH (https://go.dev/dl), which fetches Go 1.27.3 itself'
        : `go version with GOTOOLCHAIN=${GO_TOOLCHAIN} failed (is the Go module proxy reachable?): ${(err as Error).message}`,
    );
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'goroscope-leaky-'));
  const binary = path.join(dir, 'leaky-service');
  try {
    await run('go', ['build', '-o', binary, '.'], { cwd: SOURCE, env, timeout: 180_000 });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`go build of examples/leaky-service failed:\n${stderr || (err as Error).message}`);
  }
  return { binary, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Start the service on 127.0.0.1:0 and wait for its `listening on http://…` line (10 s at most). */
export async function startLeakyService(binary: string, args: string[] = []): Promise<LeakyService> {
  const child: ChildProcess = spawn(binary, ['-addr', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-20_000);
  });
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', kill);

  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`leaky-service did not print "listening on" within 10 s; its log:\n${stderr}`));
    }, 10_000);
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`leaky-service exited early (${signal ?? code}); its log:\n${stderr}`));
    });
  });

  return {
    url,
    pprof: `${url}/debug/pprof/`,
    log: () => stderr,
    async stop() {
      process.removeListener('exit', kill);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      // Leaked connections keep Shutdown waiting (2 s in the service): don't wait longer than that.
      const timer = setTimeout(kill, 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A loopback port free now: for a service that must come back on the same address after a restart. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
