/**
 * The Go extension's settings (the `go` section of vscode-go) read into what `go test` needs, the way
 * vscode-go reads them for its own test runs: `go.testFlags` (else `go.buildFlags`), `go.testTags`
 * (else `go.buildTags`), `go.testTimeout`, the environment from `go.toolsEnvVars`, `go.testEnvFile`
 * and `go.testEnvVars` (later ones win), and the go command from `go.alternateTools` or `go.goroot`.
 * `${workspaceFolder}`, `${env:NAME}` and a leading `~` are expanded as vscode-go expands them.
 * Without the Go extension none of these exist and go test runs with go's defaults.
 */
import path from 'node:path';
import type { GoTestSettings } from './command';

/** The raw values of the `go` section; anything may be missing or of the wrong type. */
export type GoSection = Partial<Record<
  'testFlags' | 'buildFlags' | 'testTags' | 'buildTags' | 'testTimeout' | 'toolsEnvVars' | 'testEnvVars' | 'testEnvFile' | 'goroot' | 'gopath' | 'alternateTools',
  unknown
>>;

export interface SettingsContext {
  /** The workspace folder the test belongs to, for `${workspaceFolder}`. */
  workspaceFolder?: string;
  /** The extension host's environment, for `${env:NAME}` and the env file's references. */
  env: NodeJS.ProcessEnv;
  home: string;
  /** Reads `go.testEnvFile`; throws when it cannot. */
  readFile(file: string): string;
}

/** Settings plus what was wrong with them (said once in the output, never fatal). */
export function readGoTestSettings(go: GoSection, memProfileRate: unknown, ctx: SettingsContext): { settings: GoTestSettings; warnings: string[] } {
  const warnings: string[] = [];
  const resolve = (value: string) => resolveVariables(value, ctx);

  // As in vscode-go, an empty go.testFlags is a choice (no flags); only an unset one falls back.
  const flags = stringArray(go.testFlags, 'go.testFlags', warnings) ?? stringArray(go.buildFlags, 'go.buildFlags', warnings) ?? [];
  const testTags = nonEmptyString(go.testTags);
  const tags = testTags ?? nonEmptyString(go.buildTags);
  const timeout = nonEmptyString(go.testTimeout);
  if (timeout !== undefined && !/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$|^0$/.test(timeout)) {
    warnings.push(`go.testTimeout "${timeout}" is not a Go duration (such as 30s or 10m); using go's default`);
  }

  const env: Record<string, string> = {};
  const goroot = nonEmptyString(go.goroot);
  const gopath = nonEmptyString(go.gopath);
  if (goroot) env.GOROOT = resolve(goroot);
  if (gopath) env.GOPATH = resolve(gopath);
  Object.assign(env, stringRecord(go.toolsEnvVars, 'go.toolsEnvVars', warnings, resolve));
  const envFile = nonEmptyString(go.testEnvFile);
  if (envFile) {
    const file = resolve(envFile);
    try {
      Object.assign(env, parseEnvFile(ctx.readFile(file), { ...ctx.env, ...env }));
    } catch (err) {
      warnings.push(`go.testEnvFile ${file} cannot be read: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  Object.assign(env, stringRecord(go.testEnvVars, 'go.testEnvVars', warnings, resolve));

  const settings: GoTestSettings = { goCommand: goCommand(go, goroot ? env.GOROOT : undefined, resolve), flags: flags.map(resolve), env };
  if (tags !== undefined) settings.tags = tags;
  if (timeout !== undefined && !warnings.some((w) => w.startsWith('go.testTimeout'))) settings.timeout = timeout;
  if (memProfileRate !== undefined && memProfileRate !== null) {
    if (typeof memProfileRate === 'number' && Number.isInteger(memProfileRate) && memProfileRate > 0) settings.memProfileRate = memProfileRate;
    else if (memProfileRate !== 0) warnings.push(`goroscope.tests.memProfileRate must be a whole number of bytes (1 records every allocation); using go's default`);
  }
  return { settings, warnings };
}

/** `go.alternateTools.go` when set (a path or a command name), else GOROOT's go, else `go` from PATH. */
function goCommand(go: GoSection, goroot: string | undefined, resolve: (v: string) => string): string {
  const alternate = typeof go.alternateTools === 'object' && go.alternateTools !== null ? (go.alternateTools as Record<string, unknown>).go : undefined;
  if (typeof alternate === 'string' && alternate.trim() !== '') return resolve(alternate.trim());
  if (goroot) return path.join(goroot, 'bin', process.platform === 'win32' ? 'go.exe' : 'go');
  return 'go';
}

/** `${workspaceFolder}` / `${workspaceRoot}`, `${env:NAME}` and a leading `~` expanded. */
export function resolveVariables(value: string, ctx: Pick<SettingsContext, 'workspaceFolder' | 'env' | 'home'>): string {
  let out = value.replace(/\$\{(workspaceFolder|workspaceRoot|env:([A-Za-z_][A-Za-z0-9_]*))\}/g, (whole, _name: string, envName?: string) => {
    if (envName !== undefined) return ctx.env[envName] ?? '';
    return ctx.workspaceFolder ?? whole;
  });
  if (out === '~' || out.startsWith('~/') || out.startsWith(`~${path.sep}`)) out = ctx.home + out.slice(1);
  return out;
}

/**
 * A dotenv file as vscode-go reads `go.testEnvFile`: `KEY=VALUE` lines (an `export ` prefix allowed),
 * `#` comments, values in single quotes taken as they are, in double quotes with `\n` read as a newline,
 * and `${NAME}` replaced by an earlier line's value or the environment's.
 */
export function parseEnvFile(text: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new Error(`line "${line.slice(0, 80)}" is not KEY=VALUE`);
    const [, key, rest] = m as unknown as [string, string, string];
    let value: string;
    if (rest.startsWith("'")) {
      value = rest.slice(1, rest.lastIndexOf("'") > 0 ? rest.lastIndexOf("'") : undefined);
    } else {
      const quoted = rest.startsWith('"');
      value = quoted ? rest.slice(1, rest.lastIndexOf('"') > 0 ? rest.lastIndexOf('"') : undefined).replace(/\\n/g, '\n') : rest.replace(/\s+#.*$/, '');
      value = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => out[name] ?? env[name] ?? '');
    }
    out[key] = value;
  }
  return out;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function stringArray(value: unknown, name: string, warnings: string[]): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  warnings.push(`${name} is not a list of strings; ignored`);
  return undefined;
}

function stringRecord(value: unknown, name: string, warnings: string[], resolve: (v: string) => string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    warnings.push(`${name} is not an object of variables; ignored`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string') out[key] = resolve(v);
    else if (typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
    else warnings.push(`${name}.${key} is not a string; ignored`);
  }
  return out;
}
