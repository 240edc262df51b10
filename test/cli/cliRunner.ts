import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = findRepoRoot(__dirname);
export const DIST = path.join(REPO_ROOT, 'dist');
export const CLI_JS = path.join(DIST, 'cli.js');
export const CLI_TREE = path.join(REPO_ROOT, 'test', 'fixtures', 'cli', 'tree');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli.js …` as a user would. */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliRun {
  if (!existsSync(CLI_JS)) throw new Error(`${CLI_JS} is missing: run npm run build first`);
  const env = { ...process.env, ...options.env };
  if (!options.env || !('GOROSCOPE_LINT_WORKERS' in options.env)) delete env.GOROSCOPE_LINT_WORKERS;
  const result = spawnSync(process.execPath, [CLI_JS, ...args], {
    cwd: options.cwd ?? CLI_TREE,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `runCli` without blocking this process: for a test whose own servers must answer the CLI. */
export function runCliAsync(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  if (!existsSync(CLI_JS)) throw new Error(`${CLI_JS} is missing: run npm run build first`);
  const env = { ...process.env, ...options.env };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI_JS, ...args],
      { cwd: options.cwd ?? CLI_TREE, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (err, stdout, stderr) => {
        const status = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null) : 0;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

/** 1-based line and column of the first occurrence of `needle` in `text`. */
export function lineColOf(text: string, needle: string): { line: number; column: number } {
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`fixture does not contain ${JSON.stringify(needle)}`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1) ?? '').length + 1 };
}

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'scripts', 'build.mjs'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no repository root above ${start}`);
  }
}
