/**
 * `goroscope report <file|url>… -o report.html`: one self-contained HTML file with the panel's
 * flame-graph UI (the webview bundle and its CSS inlined), one tab per input, for sharing a
 * snapshot with someone without VS Code. Works offline: the page makes no request at all (its
 * CSP says so). Each profile is embedded as its own bytes (base64 of the gzipped profile.proto, about
 * a third of the decoded model as JSON), which the page decodes with the same core, and its first view
 * (firstView.ts), which the page paints before decoding anything; profile strings are shown as text.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodePackedProfileStreamed } from '../../pprof/decode';
import { firstView, type FirstView } from '../../pprof/firstView';
import { TOP_ROWS } from '../../pprof/session';
import type { SizeLimit } from '../../pprof/sizeLimit';
import { kindFor, parsePprofUrl, profileUrl, PROFILE_KINDS } from '../../pprof/endpoints';
import { fetchProfile } from '../../pprof/fetch';
import { profileBytesElement, type ReportData } from '../../protocol/report';
import { MAX_SIZE_FLAG, parseArgs, sizeLimitOf } from '../args';
import { EXIT_OK, UsageError, type CliIO, type Command } from '../command';
import { distDir } from '../install';

export interface ReportInput {
  title: string;
  /** profile.proto bytes, gzipped or not, as captured. */
  bytes: Uint8Array;
  /** Its default view: absent, the page decodes the profile before it shows anything. */
  first?: FirstView;
}

/** A profile as the report embeds it: decoded here (one clear error now rather than a report that cannot show it) for its first view. */
export async function reportInput(title: string, bytes: Uint8Array, limit: SizeLimit = {}): Promise<ReportInput> {
  return { title, bytes, first: firstView(await decodePackedProfileStreamed(bytes, limit), TOP_ROWS) };
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'write a self-contained HTML flame-graph report of profiles',
  usage: `usage: goroscope report <file|url>… -o report.html [--type KIND] [--seconds N]

Writes one HTML file with an interactive flame graph (search, zoom, focus/ignore/hide,
inverted view, sample types, top table, compare) for each profile, one tab per input. The
file works offline and makes no network requests: open it in any browser.

  -o, --output FILE   where to write the report (required)
  --type KIND         ${PROFILE_KINDS.join('|')}: the profile to capture from a base URL
  --seconds N         CPU capture length, or a delta capture for the others (URLs only)
  --max-size MB       largest profile accepted, downloaded or once unpacked (default 256);
                      the report's page unpacks within it too

Exit status: 0 on success, 2 on a usage, network or profile error.
`,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { flags, positionals } = parseArgs(args, [
      { name: 'output', short: 'o', takesValue: true },
      { name: 'type', takesValue: true },
      { name: 'seconds', takesValue: true },
      MAX_SIZE_FLAG,
      { name: 'help', short: 'h', takesValue: false },
    ]);
    if (flags.has('help')) {
      io.stdout(this.usage);
      return EXIT_OK;
    }
    const output = flags.get('output')?.at(-1);
    if (output === undefined || output === '') throw new UsageError('report needs -o FILE, the HTML file to write');
    if (positionals.length === 0) throw new UsageError('report needs at least one profile file or URL (see goroscope report --help)');
    const kind = flags.get('type')?.at(-1);
    if (kind !== undefined && !(PROFILE_KINDS as readonly string[]).includes(kind)) {
      throw new UsageError(`unknown type "${kind}" (expected ${PROFILE_KINDS.join(', ')})`);
    }
    const secondsText = flags.get('seconds')?.at(-1);
    if (secondsText !== undefined && !/^[1-9]\d*$/.test(secondsText)) throw new UsageError(`--seconds needs a whole number of at least 1, not "${secondsText}"`);
    const seconds = secondsText === undefined ? undefined : Number(secondsText);
    const limit = sizeLimitOf(flags);

    const inputs: ReportInput[] = [];
    for (const source of positionals) {
      try {
        const isUrl = /^https?:\/\//i.test(source);
        const bytes = isUrl ? await fetchInput(source, kind, seconds, limit.maxBytes) : readInput(source, io.cwd);
        inputs.push(await reportInput(isUrl ? urlTitle(source, kind) : path.basename(source), bytes, limit));
      } catch (err) {
        if (err instanceof Error && ['ProfileError', 'TransportError', 'EndpointError'].includes(err.name)) {
          throw new UsageError(`${source}: ${err.message}`);
        }
        throw err;
      }
    }
    const html = reportHtml(inputs, readAssets(), limit.maxBytes);
    const target = path.resolve(io.cwd, output);
    try {
      writeFileSync(target, html);
    } catch (err) {
      throw new UsageError(`cannot write ${output}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    io.stdout(`wrote ${output} (${inputs.length} profile${inputs.length === 1 ? '' : 's'}, ${formatSize(Buffer.byteLength(html))})\n`);
    return EXIT_OK;
  },
};

export interface ReportAssets {
  script: string;
  style: string;
}

/** The page's bundle for report.html (dist/report.js: the webview's, as one classic script) and its stylesheet. */
export function readAssets(dir = distDir()): ReportAssets {
  try {
    return {
      script: readFileSync(path.join(dir, 'report.js'), 'utf8'),
      style: readFileSync(path.join(dir, 'report.css'), 'utf8'),
    };
  } catch {
    throw new UsageError(`the flame-graph page is missing from ${dir} (run npm run build)`);
  }
}

/** JSON that is safe inside `<script type="application/json">`: nothing in it can close the element or start markup. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A script or stylesheet body that cannot end its element early (`</script`) or open an HTML comment state. */
function inlineSafe(code: string, tag: 'script' | 'style'): string {
  const withoutMap = code.replace(/\n?\/[/*]# sourceMappingURL=[^\n]*$/m, '');
  const closing = new RegExp(`</(${tag})`, 'gi');
  return tag === 'script'
    ? withoutMap.replace(closing, '\\x3C/$1').replace(/<!--/g, '\\x3C!--')
    : withoutMap.replace(closing, '\\3C/$1');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `maxBytes`: the size limit the page unpacks each profile within (the report command's --max-size). */
export function reportHtml(inputs: readonly ReportInput[], assets: ReportAssets, maxBytes?: number): string {
  const nonce = randomBytes(18).toString('base64url');
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'`;
  const data: ReportData = {
    version: 3,
    generatedAt: new Date().toISOString(),
    ...(maxBytes !== undefined ? { maxBytes } : {}),
    profiles: inputs.map((input, i) => ({ title: input.title, bytesElement: profileBytesElement(i), ...(input.first ? { first: input.first } : {}) })),
  };
  // Base64 has no character that could end the element or start markup.
  const bytes = inputs.map(
    (input, i) =>
      `<script type="application/octet-stream" id="${profileBytesElement(i)}">${Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength).toString('base64')}</script>`,
  );
  const title = `Goroscope report: ${inputs.map((i) => i.title).join(', ')}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="csp-nonce" content="${nonce}">
<meta name="generator" content="goroscope">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">
${inlineSafe(assets.style, 'style')}
</style>
</head>
<body class="report">
<main id="app" aria-label="Flame graph"></main>
<script type="application/json" id="goroscope-report">${jsonForScript(data)}</script>
<script nonce="${nonce}">
${inlineSafe(assets.script, 'script')}
</script>
${bytes.join('\n')}
</body>
</html>
`;
}

function readInput(file: string, cwd: string): Uint8Array {
  const full = path.resolve(cwd, file);
  try {
    if (statSync(full).isDirectory()) throw new UsageError(`${file} is a directory, not a profile`);
    return readFileSync(full);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${file}: no such file` : `${file}: ${(err as Error).message}`);
  }
}

async function fetchInput(url: string, kind: string | undefined, seconds: number | undefined, maxBytes: number): Promise<Uint8Array> {
  const target = parsePprofUrl(url);
  const profileKind = kind ?? (target.endpoint === undefined ? undefined : kindFor(target.endpoint));
  if (profileKind === undefined) throw new UsageError(`${url} is a pprof base URL: name the profile with --type (${PROFILE_KINDS.join(', ')})`);
  const full = profileUrl(url, profileKind, seconds === undefined ? {} : { seconds });
  const wait = new URL(full).searchParams.get('seconds');
  return fetchProfile(full, { maxBytes, ...(wait ? { waitMs: Number(wait) * 1000 } : {}) });
}

function urlTitle(url: string, kind: string | undefined): string {
  const target = parsePprofUrl(url);
  const host = new URL(target.base).host;
  return `${host} ${kind ?? target.endpoint ?? 'profile'}`;
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} kB`;
}
