import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { joinLabels } from '../../goroutines/cluster';
import { loadGoroutines, loadGoroutineSummary } from '../../goroutines/load';
import type { GoroutineGroup, GoroutineSummary } from '../../goroutines/model';
import { DumpParseError } from '../../goroutines/parseDump';
import { formatBytes, type SizeLimit } from '../../pprof/sizeLimit';
import { chooseFormat, MAX_SIZE_FLAG, parseArgs, sizeLimitOf } from '../args';
import { EXIT_OK, UsageError, type CliIO, type Command } from '../command';

export const goroutinesCommand: Command = {
  name: 'goroutines',
  summary: 'group the goroutines of a dump or a live service by state and stack',
  usage: `usage: goroscope goroutines [--format text|json] <file|url>

Reads a goroutine dump (debug=2 text, runtime.Stack or crash/SIGQUIT output, a debug=1 or
debug=0 goroutine profile, a goroutineleak profile in any of its three forms) from a file, or
fetches it from a service: a pprof base URL (http://host:6060/debug/pprof/, read as
goroutine?debug=2) or a full goroutine or goroutineleak URL (goroutineleak?debug=2 has Go prove
which goroutines leaked: it runs a GC pass first). Groups goroutines that share a state and a stack:
the ones Go proved leaked first, then largest first. Labels come from the dump's headers (Go 1.27);
for a live service whose dump prints none, from debug=1 of the same moment.

  --format text|json   output format (default: text)
  --max-size MB        largest dump accepted, read, downloaded or once unpacked (default 256)
`,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { flags, positionals } = parseArgs(args, [
      { name: 'format', takesValue: true },
      MAX_SIZE_FLAG,
      { name: 'help', short: 'h', takesValue: false },
    ]);
    if (flags.has('help')) {
      io.stdout(this.usage);
      return EXIT_OK;
    }
    const format = chooseFormat(flags, ['text', 'json'] as const);
    if (positionals.length !== 1) throw new UsageError('goroutines takes one file or URL (see goroscope goroutines --help)');
    const input = positionals[0] as string;
    const limit = sizeLimitOf(flags);
    const summary = /^https?:\/\//i.test(input) ? await fromService(input, limit) : fromFile(path.resolve(io.cwd, input), limit);
    io.stdout(format === 'json' ? `${JSON.stringify(summary, null, 2)}\n` : formatText(summary));
    return EXIT_OK;
  },
};

function fromFile(file: string, limit: Required<SizeLimit>): GoroutineSummary {
  let bytes: Uint8Array;
  try {
    const size = statSync(file).size;
    if (size > limit.maxBytes) throw new UsageError(`${file}: the file is larger than the size limit of ${formatBytes(limit.maxBytes)}; raise the limit (${limit.limitName}) to read it`);
    bytes = readFileSync(file);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  try {
    return loadGoroutineSummary(bytes, limit);
  } catch (err) {
    if (err instanceof DumpParseError) throw new UsageError(`${file}: ${err.message}`);
    throw err;
  }
}

async function fromService(input: string, limit: Required<SizeLimit>): Promise<GoroutineSummary> {
  // HTTP is loaded for a URL only: reading a file starts sooner without it.
  const [{ profileUrl, parsePprofUrl, EndpointError }, { fetchRaw, TransportError }] = await Promise.all([import('../../pprof/endpoints'), import('../../pprof/fetch')]);
  try {
    const target = parsePprofUrl(input);
    const asGiven = target.endpoint === 'goroutineleak' || (target.endpoint === 'goroutine' && target.query.has('debug'));
    const full = asGiven ? input : profileUrl(target.base, 'goroutine', { debug: 2 });
    const dump = await fetchRaw(full, { maxBytes: limit.maxBytes }, 'text');
    const summary = loadGoroutineSummary(dump.body, limit);
    if (summary.groups.some((g) => g.state !== 'unknown') && !summary.groups.some((g) => g.labels)) {
      // A dump that prints no labels (before Go 1.27, or tracebacklabels=0): join them from debug=1 of the same moment, by stack.
      const labelled = await fetchRaw(profileUrl(target.base, 'goroutine', { debug: 1 }), { maxBytes: limit.maxBytes }, 'text').catch(() => null);
      if (labelled) joinLabels(summary, loadGoroutines(labelled.body, limit));
    }
    return summary;
  } catch (err) {
    if (err instanceof TransportError || err instanceof EndpointError || err instanceof DumpParseError) throw new UsageError(err.message);
    throw err;
  }
}

function formatText(s: GoroutineSummary): string {
  const lines: string[] = [];
  lines.push(`${plural(s.total, 'goroutine')} in ${plural(s.groups.length, 'group')}${s.truncated ? ' (the dump was cut off: these are the ones it holds)' : ''}`);
  if (s.leaked > 0) lines.push(`${s.leaked} proven leaked by the Go runtime`);
  const states = Object.entries(s.states).sort((a, b) => b[1] - a[1]);
  lines.push(`states: ${states.map(([k, v]) => `${k} ${v}`).join(', ')}`, '');
  for (const g of s.groups) lines.push(...formatGroup(g), '');
  return `${lines.join('\n')}`;
}

function formatGroup(g: GoroutineGroup): string[] {
  const wait = !g.maxWaitMinutes
    ? ''
    : g.minWaitMinutes === g.maxWaitMinutes
      ? `, ${plural(g.maxWaitMinutes, 'minute')}`
      : `, ${g.minWaitMinutes}–${g.maxWaitMinutes} minutes`;
  const leaked = g.leaked === 0 ? '' : g.leaked === g.count ? '  proven leaked by the Go runtime' : `  ${g.leaked} of them proven leaked by the Go runtime`;
  const out = [`${g.count} × [${g.state}${wait}${g.lockedToThread ? ', locked to thread' : ''}]${leaked}`];
  if (g.labels) out.push(`  labels: ${Object.entries(g.labels).map(([k, v]) => `${labelText(k)}=${labelText(v)}`).join(' ')}`);
  for (const f of g.frames) out.push(`  ${f.function}`, `      ${f.file}:${f.line}`);
  if (g.createdBy) {
    out.push(`  created by ${g.createdBy.function}${g.createdBy.goroutine !== null ? ` in goroutine ${g.createdBy.goroutine}` : ''}`, `      ${g.createdBy.file}:${g.createdBy.line}`);
  }
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A label key or value for a terminal: quoted (JSON escapes) when it holds spaces, quotes, `=` or control characters. */
function labelText(text: string): string {
  return /[\s"\\=\p{C}]/u.test(text) ? JSON.stringify(text) : text;
}
