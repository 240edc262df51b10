/**
 * The `go test` command line that profiles one test or benchmark, built the way the Go extension
 * (vscode-go) builds its test commands so that a workspace's `go.testFlags`, tags, timeout and test
 * environment apply here too, plus what profiling needs: both profiles and the test binary written
 * into a folder of ours (go test otherwise leaves `pkg.test` in the working directory), and `-json`
 * so the run is read from events rather than from text meant for people, `-fullpath` so failures
 * name files the output channel can link (Go 1.21 or later).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { goTestName, type GoTestDeclaration } from './model';
import { selectionFlags } from './runPattern';

/** What the workspace's settings say about running go test (goSettings.ts reads them). */
export interface GoTestSettings {
  /** The go command: `go` from PATH unless the Go extension's settings name another. */
  goCommand: string;
  /** Extra flags for go build and go test (`go.testFlags`, else `go.buildFlags`). */
  flags: string[];
  /** `-tags` value (`go.testTags`, else `go.buildTags`); ignored when `flags` already has -tags. */
  tags?: string;
  /** `-timeout` for tests (`go.testTimeout`); benchmarks get go's own default. */
  timeout?: string;
  /** Variables added to the environment (`go.toolsEnvVars`, `go.testEnvFile`, `go.testEnvVars`). */
  env: Record<string, string>;
  /** `-memprofilerate`; go's default (one sample per 512 KiB allocated) when unset. */
  memProfileRate?: number;
  /**
   * Also `-blockprofile` and `-mutexprofile` (go test then records every blocking event and every
   * contended unlock: their cost shows in the CPU profile, hence off unless asked for).
   */
  contentionProfiles?: boolean;
}

/** The profiles a run can write: CPU and memory always, blocking and mutex contention when asked. */
export type GoTestProfileKind = 'cpu' | 'mem' | 'block' | 'mutex';

export interface GoTestInvocation {
  command: string;
  args: string[];
  /** The module root (the folder of the nearest go.mod), or the package folder outside a module. */
  cwd: string;
  /** Only what the settings add; the caller merges it over its own environment. */
  env: Record<string, string>;
  /** Where the profiles will be, once the test binary exits. */
  profiles: { cpu: string; mem: string; block?: string; mutex?: string };
  /** The name go test reports the selected test under (`TestParse/empty_input`). */
  testName: string;
  /** The command as a person would type it, for the output channel. */
  display: string;
}

/** Flags of ours that a user's flags must not override: removed from theirs, with their values. */
const OWN_VALUE_FLAGS = new Set(['run', 'bench', 'cpuprofile', 'memprofile', 'blockprofile', 'mutexprofile', 'o', 'outputdir', 'memprofilerate']);
const OWN_BOOLEAN_FLAGS = new Set(['json', 'c', 'benchmem', 'fullpath']);

/**
 * The invocation that runs `test` from the package in `packageDir`, writing profiles and the test
 * binary into `outDir` (an empty folder the caller owns).
 */
export function goTestInvocation(test: Pick<GoTestDeclaration, 'kind' | 'path'>, packageDir: string, outDir: string, settings: GoTestSettings): GoTestInvocation {
  const moduleRoot = findModuleRoot(packageDir);
  const cwd = moduleRoot ?? packageDir;
  const relative = path.relative(cwd, packageDir).split(path.sep).join('/');
  const target = relative === '' ? '.' : `./${relative}`;

  const argsAt = settings.flags.indexOf('-args');
  const userFlags = withoutOwnFlags(argsAt < 0 ? settings.flags : settings.flags.slice(0, argsAt));
  const binaryArgs = argsAt < 0 ? [] : settings.flags.slice(argsAt);
  const profiles: GoTestInvocation['profiles'] = { cpu: path.join(outDir, 'cpu.pprof'), mem: path.join(outDir, 'mem.pprof') };
  if (settings.contentionProfiles) {
    profiles.block = path.join(outDir, 'block.pprof');
    profiles.mutex = path.join(outDir, 'mutex.pprof');
  }
  const binary = path.join(outDir, `${path.basename(packageDir) || 'package'}.test${process.platform === 'win32' ? '.exe' : ''}`);

  const args = ['test', '-json', '-fullpath', ...userFlags];
  if (settings.tags && !hasFlag(userFlags, 'tags')) args.push('-tags', settings.tags);
  if (test.kind === 'test' && settings.timeout && !hasFlag(userFlags, 'timeout')) args.push('-timeout', settings.timeout);
  args.push(...selectionFlags(test), '-cpuprofile', profiles.cpu, '-memprofile', profiles.mem);
  if (settings.memProfileRate !== undefined) args.push('-memprofilerate', String(settings.memProfileRate));
  // Their rates are go test's defaults when these are set (every event); a user's -blockprofilerate
  // or -mutexprofilefraction in go.testFlags is kept.
  if (profiles.block && profiles.mutex) args.push('-blockprofile', profiles.block, '-mutexprofile', profiles.mutex);
  args.push('-o', binary, target, ...binaryArgs);

  return {
    command: settings.goCommand,
    args,
    cwd,
    env: settings.env,
    profiles,
    testName: goTestName(test.path),
    display: [settings.goCommand, ...args].map(shellQuote).join(' '),
  };
}

/** The folder of the nearest go.mod at or above `dir`. */
export function findModuleRoot(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'go.mod'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** A flag's name without dashes or value: `--run=x` → `run`; `-test.run` → `run`; undefined for an argument. */
function flagName(arg: string): string | undefined {
  const m = /^--?([A-Za-z][\w.-]*)(=.*)?$/.exec(arg);
  if (!m?.[1]) return undefined;
  return m[1].startsWith('test.') ? m[1].slice('test.'.length) : m[1];
}

function hasFlag(flags: readonly string[], name: string): boolean {
  return flags.some((f) => flagName(f) === name);
}

function withoutOwnFlags(flags: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const arg = flags[i] as string;
    const name = flagName(arg);
    if (name !== undefined && OWN_VALUE_FLAGS.has(name)) {
      if (!arg.includes('=')) i++; // its value is the next argument
      continue;
    }
    if (name !== undefined && OWN_BOOLEAN_FLAGS.has(name)) continue;
    kept.push(arg);
  }
  return kept;
}

/** Single-quoted for a POSIX shell when it holds anything a shell would read. */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
