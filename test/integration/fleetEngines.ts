/**
 * The real engines of the fleet tests, on loopback: instances of test/fixtures/fleet-instance (a Go
 * process built with Go 1.27.3 that exports client_golang's metrics and leaks at the rates it is given),
 * and Prometheus from Debian's package scraping them every second. Every process is killed by its pid
 * when the test ends or the test process exits.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { goEnv } from '../goToolchain';
import { freePort } from './leakyService';

const run = promisify(execFile);
const SOURCE = path.resolve('test/fixtures/fleet-instance');
export const PROMETHEUS = process.env.GOROSCOPE_PROMETHEUS ?? '/usr/bin/prometheus';

export interface FleetInstanceOptions {
  /** Goroutines leaked per second. */
  leakGoroutines?: number;
  /** Heap bytes retained per second. */
  leakHeap?: number;
  /** Listen on this port (a restarted instance keeps its address, so Prometheus sees the same target). */
  port?: number;
}

export interface FleetInstance {
  /** `127.0.0.1:PORT`: the target, and the `instance` label Prometheus gives its series. */
  address: string;
  port: number;
  stop(): Promise<void>;
}

/** Build the fleet fixture once per call; the binary lives in a temporary folder removed by cleanup(). */
export async function buildFleetInstance(): Promise<{ binary: string; cleanup(): void }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'goroscope-fleet-'));
  const binary = path.join(dir, 'fleet-instance');
  try {
    await run('go', ['build', '-o', binary, '.'], { cwd: SOURCE, env: goEnv(), timeout: 300_000 });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`go build of test/fixtures/fleet-instance failed:\n${(err as { stderr?: string }).stderr || (err as Error).message}`);
  }
  return { binary, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Start one instance and wait for its `listening on` line. */
export async function startFleetInstance(binary: string, options: FleetInstanceOptions = {}): Promise<FleetInstance> {
  const args = ['-addr', `127.0.0.1:${options.port ?? 0}`, '-leak-goroutines', String(options.leakGoroutines ?? 0), '-leak-heap', String(options.leakHeap ?? 0)];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const address = await waitForLine(child, /^listening on http:\/\/(127\.0\.0\.1:\d+)$/m, 'fleet-instance', 10_000);
  const port = Number(address.split(':')[1]);
  return { address, port, stop: () => stopProcess(child, 3000) };
}

export interface Prometheus {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  dataDir: string;
  /** What it wrote to stderr so far (its log), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  /** `host:port` targets of job `fleet`, scraped every second. */
  targets?: string[];
  /** An existing TSDB folder (blocks written by promtool's backfill). Removed on stop only when ours. */
  dataDir?: string;
  /** Extra command-line flags. */
  flags?: string[];
}

/** Start Prometheus on a free loopback port and wait until it is ready. */
export async function startPrometheus(options: PrometheusOptions = {}): Promise<Prometheus> {
  if (!existsSync(PROMETHEUS)) throw new Error(`${PROMETHEUS} is missing: apt-get install prometheus (Debian's package; .ci/run installs it)`);
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'goroscope-prom-'));
  const config = path.join(dataDir, 'prometheus.yml');
  const targets = options.targets ?? [];
  writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: fleet',
      '    static_configs:',
      `      - targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]`,
      '',
    ].join('\n'),
  );
  // A port free a moment ago can be taken before Prometheus binds it: try a few.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      PROMETHEUS,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${path.join(dataDir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        ...((options.flags ?? []).some((f) => f.startsWith('--storage.tsdb.retention.time')) ? [] : ['--storage.tsdb.retention.time=30d']),
        ...(options.flags ?? []),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-50_000);
    });
    const kill = (): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    process.once('exit', kill);
    const url = `http://127.0.0.1:${port}/`;
    try {
      await waitFor(async () => (await fetch(`${url}-/ready`)).ok, 60_000, () => `Prometheus was not ready within 60 s; its log:\n${stderr}`, child);
    } catch (err) {
      kill();
      process.removeListener('exit', kill);
      if (attempt < 3 && /address already in use/.test(stderr)) continue;
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
      throw err;
    }
    return {
      url,
      dataDir,
      log: () => stderr,
      async stop() {
        process.removeListener('exit', kill);
        await stopProcess(child, 10_000);
        if (ownDir) rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
}

/** An instant query's first value, straight from Prometheus's API (for waiting on conditions). */
export async function instantValue(prometheusUrl: string, query: string): Promise<number> {
  const res = await fetch(`${prometheusUrl}api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await res.json()) as { data?: { result?: Array<{ value: [number, string] }> } };
  const first = body.data?.result?.[0];
  return first ? Number(first.value[1]) : 0;
}

/** Poll `check` every 250 ms until it is true; a clear error after `ms`, or when `child` exits. */
export async function waitFor(check: () => Promise<boolean>, ms: number, message: () => string, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) throw new Error(message());
    try {
      if (await check()) return;
    } catch {
      // Not up yet.
    }
    if (Date.now() > deadline) throw new Error(message());
    await new Promise((r) => setTimeout(r, 250));
  }
}

function waitForLine(child: ChildProcess, pattern: RegExp, name: string, ms: number): Promise<string> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-20_000);
  });
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', kill);
  child.once('exit', () => process.removeListener('exit', kill));
  return new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`${name} did not print its address within ${ms / 1000} s; its log:\n${stderr}`));
    }, ms);
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = pattern.exec(stdout);
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
}

async function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
