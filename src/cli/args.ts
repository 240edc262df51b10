import { UsageError } from './command';
import { DEFAULT_MAX_BYTES } from '../pprof/sizeLimit';

export interface FlagSpec {
  /** Long name without dashes, e.g. `format`. */
  name: string;
  /** Single-letter alias without dash, e.g. `h`. */
  short?: string;
  takesValue: boolean;
}

export interface ParsedArgs {
  /** Values by flag name; flags without a value map to ['']; repeated flags accumulate. */
  flags: Map<string, string[]>;
  positionals: string[];
}

/**
 * Parses `--name value`, `--name=value`, `-x` and `--` (end of flags). Anything else starting
 * with `-` is an unknown flag: a UsageError, never a silent positional.
 */
export function parseArgs(args: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const flags = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const spec = specs.find((s) => name === `--${s.name}` || (s.short !== undefined && name === `-${s.short}`));
    if (!spec) throw new UsageError(`unknown flag ${name}`);
    let value = '';
    if (spec.takesValue) {
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < args.length) value = args[++i] as string;
      else throw new UsageError(`flag ${name} needs a value`);
    } else if (eq >= 0) {
      throw new UsageError(`flag ${name} takes no value`);
    }
    const list = flags.get(spec.name);
    if (list) list.push(value);
    else flags.set(spec.name, [value]);
  }
  return { flags, positionals };
}

/** The last value given for a flag, or undefined. */
export function lastValue(flags: ParsedArgs['flags'], name: string): string | undefined {
  return flags.get(name)?.at(-1);
}

/** `value` when it is one of `allowed`; a UsageError naming the flag and the choices otherwise. */
export function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`unknown ${flag} "${value}" (expected ${allowed.join(', ')})`);
  return value as T;
}

/** `--format` (last one wins) among `allowed`; `text` when not given. */
export function chooseFormat<T extends string>(flags: ParsedArgs['flags'], allowed: readonly T[]): T {
  return oneOf(lastValue(flags, 'format') ?? 'text', allowed, 'format');
}

/** `--max-size MB`: the size limit for what a command downloads and unpacks (sizeLimit.ts), as the extension's goroscope.transport.maxSizeMB. */
export const MAX_SIZE_FLAG: FlagSpec = { name: 'max-size', takesValue: true };

/** The size limit `--max-size` sets (megabytes, as the setting), or the default. */
export function sizeLimitOf(flags: ParsedArgs['flags']): { maxBytes: number; limitName: string } {
  const text = lastValue(flags, 'max-size');
  if (text === undefined) return { maxBytes: DEFAULT_MAX_BYTES, limitName: '--max-size' };
  const mb = Number(text);
  if (text.trim() === '' || !Number.isFinite(mb) || mb <= 0) throw new UsageError(`--max-size needs a number of megabytes above 0, not "${text}"`);
  return { maxBytes: Math.round(mb * 1024 * 1024), limitName: '--max-size' };
}
