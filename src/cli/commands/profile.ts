import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { decodePackedProfileStreamed } from '../../pprof/decode';
import { kindFor, parsePprofUrl, profileUrl, PROFILE_KINDS } from '../../pprof/endpoints';
import { ProfileError } from '../../pprof/errors';
import { fetchProfile } from '../../pprof/fetch';
import { foldedStacks } from '../../pprof/folded';
import type { SampleType, TopRow, ViewFilter } from '../../pprof/model';
import type { PackedProfile } from '../../pprof/packed';
import { resolveSampleIndex } from '../../pprof/sampleTypes';
import { topFunctions } from '../../pprof/top';
import { formatPercent, formatValue } from '../../pprof/units';
import { captureKind } from '../../services/captureKinds';
import { chooseFormat, MAX_SIZE_FLAG, oneOf, parseArgs, sizeLimitOf } from '../args';
import { EXIT_OK, UsageError, type CliIO, type Command } from '../command';

const FORMATS = ['text', 'json', 'folded'] as const;
const DEFAULT_TOP = 20;

/** What `--format json` prints: the contract other tools read. */
export interface ProfileJson {
  sampleType: SampleType;
  total: number;
  top: TopRow[];
}

export const profileCommand: Command = {
  name: 'profile',
  summary: 'summarise a pprof profile from a file or a running service',
  usage: `usage: goroscope profile <file|url> [--type KIND] [--sample-index NAME] [--seconds N]
                         [--top N] [--focus RE] [--ignore RE] [--hide RE] [--format text|json|folded]

Prints the functions with the largest flat value, as \`go tool pprof -top\` does, from a
profile file (.pb.gz, .pprof, .prof, gzipped or not) or a net/http/pprof URL. A URL may be
a full profile URL (http://host:6060/debug/pprof/heap) or a base URL, with --type naming the
profile to capture.

  --type KIND           ${PROFILE_KINDS.join('|')}; with a base URL, the profile to
                        capture; with a heap or allocs profile (file or capture), picks
                        inuse_space or alloc_space
  --sample-index NAME   sample type to show (default: the profile's default, as pprof picks it)
  --seconds N           CPU capture length (default 30), or a delta capture for the others
  --top N               functions to list (default ${DEFAULT_TOP}; 0 lists all)
  --focus RE            keep samples with a frame matching RE (function name or file; Go syntax)
  --ignore RE           drop samples with a frame matching RE
  --hide RE             remove frames matching RE from stacks, keeping the samples
  --format text|json|folded
                        text (default); json: {sampleType, total, top: [{function, file, flat, cum}]};
                        folded: Brendan Gregg's folded stacks, root;…;leaf value
  --max-size MB         largest profile accepted, downloaded or once unpacked (default 256)

Exit status: 0 on success, 2 on a usage, network or profile error.
`,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { flags, positionals } = parseArgs(args, [
      { name: 'type', takesValue: true },
      { name: 'sample-index', takesValue: true },
      { name: 'seconds', takesValue: true },
      { name: 'top', takesValue: true },
      { name: 'focus', takesValue: true },
      { name: 'ignore', takesValue: true },
      { name: 'hide', takesValue: true },
      { name: 'format', takesValue: true },
      MAX_SIZE_FLAG,
      { name: 'help', short: 'h', takesValue: false },
    ]);
    if (flags.has('help')) {
      io.stdout(this.usage);
      return EXIT_OK;
    }
    const last = (name: string): string | undefined => flags.get(name)?.at(-1);
    const format = chooseFormat(flags, FORMATS);
    const kind = last('type') === undefined ? undefined : oneOf(last('type') as string, PROFILE_KINDS, 'type');
    const top = wholeNumber(last('top'), '--top') ?? DEFAULT_TOP;
    const seconds = wholeNumber(last('seconds'), '--seconds');
    const limit = sizeLimitOf(flags);
    if (seconds === 0) throw new UsageError('--seconds must be at least 1');
    if (positionals.length !== 1) throw new UsageError('profile needs exactly one file or URL (see goroscope profile --help)');
    const source = positionals[0] as string;
    const filter: ViewFilter = {};
    for (const key of ['focus', 'ignore', 'hide'] as const) {
      const value = last(key);
      if (value !== undefined) filter[key] = value;
    }

    try {
      const isUrl = /^https?:\/\//i.test(source);
      const bytes = isUrl ? await fetchFromService(source, kind, seconds, limit.maxBytes) : readProfileFile(source, io.cwd, seconds);
      const profile = await decodePackedProfileStreamed(bytes, limit);
      const sampleIndex = resolveSampleIndex(profile, last('sample-index') ?? sampleTypeForKind(profile, kind, source));
      if (format === 'folded') {
        io.stdout(foldedStacks(profile, sampleIndex, filter));
        return EXIT_OK;
      }
      const result = topFunctions(profile, sampleIndex, filter, { limit: top });
      const json: ProfileJson = {
        sampleType: profile.sampleTypes[sampleIndex] as SampleType,
        total: result.total,
        top: result.rows,
      };
      io.stdout(format === 'json' ? `${JSON.stringify(json, null, 2)}\n` : formatTopText(json, result.functions));
      return EXIT_OK;
    } catch (err) {
      // Profile, transport and URL errors are the input's fault: one line, exit 2.
      if (err instanceof Error && ['ProfileError', 'TransportError', 'EndpointError'].includes(err.name)) {
        throw new UsageError(`${isUrlLike(source) ? '' : `${source}: `}${err.message}`);
      }
      throw err;
    }
  },
};

function isUrlLike(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

async function fetchFromService(url: string, kind: string | undefined, seconds: number | undefined, maxBytes: number): Promise<Uint8Array> {
  const target = parsePprofUrl(url);
  const profileKind = kind ?? (target.endpoint === undefined ? undefined : kindFor(target.endpoint));
  if (profileKind === undefined) {
    throw new UsageError(`${url} is a pprof base URL: name the profile with --type (${PROFILE_KINDS.join(', ')})`);
  }
  const full = profileUrl(url, profileKind, seconds === undefined ? {} : { seconds });
  const wait = new URL(full).searchParams.get('seconds');
  return fetchProfile(full, { maxBytes, ...(wait ? { waitMs: Number(wait) * 1000 } : {}) });
}

function readProfileFile(file: string, cwd: string, seconds: number | undefined): Uint8Array {
  if (seconds !== undefined) throw new UsageError('--seconds applies to captures from a URL, not to a file');
  const full = path.resolve(cwd, file);
  let size: number;
  try {
    const st = statSync(full);
    if (st.isDirectory()) throw new UsageError(`${file} is a directory, not a profile`);
    size = st.size;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${file}: no such file` : `${file}: ${(err as Error).message}`);
  }
  if (size === 0) throw new ProfileError('empty input: there is no profile data (0 bytes)');
  return readFileSync(full);
}

/**
 * --type picks the kind's sample type (heap: inuse_space, allocs: alloc_space, as the capture-kinds table
 * says; a delta capture's profile names none) and catches a wrong file: one with none of the kind's
 * sample types.
 */
function sampleTypeForKind(profile: PackedProfile, kind: string | undefined, source: string): string | undefined {
  if (kind === undefined) return undefined;
  const names = new Set(profile.sampleTypes.map((t) => t.type));
  const declared = captureKind(kind);
  if (!declared?.sampleTypes.some((n) => names.has(n))) {
    throw new UsageError(`${source} is not a ${kind} profile (its sample types are ${[...names].join(', ')})`);
  }
  return names.has(declared.defaultSampleType) ? declared.defaultSampleType : undefined;
}

function formatTopText(json: ProfileJson, functionCount: number): string {
  const { sampleType, total, top } = json;
  const fmt = (v: number): string => formatValue(v, sampleType.unit);
  const lines = [
    `Type: ${clean(sampleType.type)} (${clean(sampleType.unit)})`,
    `Total: ${fmt(total)}`,
    `Showing ${top.length} of ${functionCount} functions`,
    `${'flat'.padStart(10)} ${'flat%'.padStart(6)} ${'sum%'.padStart(6)} ${'cum'.padStart(10)} ${'cum%'.padStart(6)}  function`,
  ];
  let sum = 0;
  for (const row of top) {
    sum += row.flat;
    lines.push(
      `${fmt(row.flat).padStart(10)} ${formatPercent(row.flat, total).padStart(6)} ${formatPercent(sum, total).padStart(6)} ` +
        `${fmt(row.cum).padStart(10)} ${formatPercent(row.cum, total).padStart(6)}  ${clean(row.function)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Names come from profiles of services we do not control: no terminal escape sequences on the way out. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\uFFFD');
}


function wholeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} needs a whole number, not "${value}"`);
  return Number(value);
}
