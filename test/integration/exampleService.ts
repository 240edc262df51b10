/**
 * An example Go service of examples/ (leaky-service, framework-service) as a real process for
 * integration tests: built with Go 1.27.3 (../goToolchain), started on a free loopback port, stopped
 * (killed by its pid) when the test ends or the test process exits. Every example prints exactly
 * `listening on http://…` on stdout and logs to stderr.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { goEnv, GO_TOOLCHAIN } from '../goToolchain';

const run = promisify(execFile);

export interface ExampleService {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `http://127.0.0.1:PORT/debug/pprof/` */
  pprof: string;
  /** What the service wrote to stderr so far (its log), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export function exampleDir(name: string): string {
  return path.resolve('examples', name);
}

/**
 * Builds examples/<name>; fails with one clear message when Go is missing or the build breaks. A first
 * build of framework-service downloads and compiles its modules (gin, echo, chi, fiber, client_golang):
 * minutes on a loaded machine, seconds once Go's build cache has them.
 */
export async function buildExample(name: string): Promise<{ binary: string; cleanup(): void }> {
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
  const dir = mkdtempSync(path.join(tmpdir(), `goroscope-${name}-`));
  const binary = path.join(dir, name);
  try {
    await run('go', ['build', '-o', binary, '.'], { cwd: exampleDir(name), env, timeout: 600_000 });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`go build of examples/${name} failed:\n${stderr || (err as Error).message}`);
  }
  return { binary, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts a built example on 127.0.0.1:0 and waits for its `listening on http://…` line (10 s at most). */
export async function startExample(name: string, binary: string, args: string[] = []): Promise<ExampleService> {
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
      reject(new Error(`${name} did not print "listening on" within 10 s; its log:\n${stderr}`));
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
      reject(new Error(`${name} exited early (${signal ?? code}); its log:\n${stderr}`));
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
      // Leaked connections keep Shutdown waiting (2 s in the services): don't wait longer than that.
      const timer = setTimeout(kill, 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
