// The analyzer on real code (issue 14 point 4; issue 11 point 5): measures, asserts nothing.
//  1. `goroscope lint` over well-known Go repositories nobody here wrote: findings per rule per 10,000 lines
//     of Go, and a fixed sample of each rule's findings (bench/results/realcode-samples.json) to judge by hand.
//  2. timakin's bodyclose beside http-body-not-closed on the same inputs (examples/ and the Go source tree):
//     the findings of each and where they differ. bodyclose is built from the Go module proxy into
//     ~/.cache/goroscope-bench (bench/bodyclose) by this script.
// The repositories are not in the repository: bring them into $GOROSCOPE_BENCH_REPOS (default
// ~/.cache/goroscope-bench/repos), one directory each (the search tool's fetch, then git archive); the
// benchmark lints whichever are there.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { goFiles } from './goFiles.mjs';

const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'dist', 'cli.js');
const cache = path.join(os.homedir(), '.cache', 'goroscope-bench');
const reposDir = process.env.GOROSCOPE_BENCH_REPOS ?? path.join(cache, 'repos');
const goEnv = { ...process.env, GOTOOLCHAIN: process.env.GOTOOLCHAIN || 'go1.27.3' };
const goSrc = process.env.GOROSCOPE_BENCH_GOSRC ?? path.join(execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8', env: goEnv }).trim(), 'src');
const RULES = ['defer-in-loop', 'select-without-ctx-done', 'http-body-not-closed', 'goroutine-stuck-on-channel'];
const SAMPLE = 25;
const results = { machine: { cpus: os.availableParallelism(), load: os.loadavg()[0], date: new Date().toISOString() }, repositories: {}, perRule: {}, bodyclose: {} };

/** goroscope lint --format json over `dirs`: its findings, and how long it took. */
function lint(dirs, extra = []) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, 'lint', '--format', 'json', ...extra, ...dirs], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`goroscope lint ${dirs.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  return { findings: JSON.parse(r.stdout), ms: performance.now() - t0 };
}

function linesOf(files) {
  let lines = 0;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  }
  return lines;
}

/** A deterministic shuffle (the sample must be the same on every run to be judged once). */
function sampleOf(items, n, seed) {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, n);
}

// 1. Real repositories.
const repos = existsSync(reposDir) ? readdirSync(reposDir).filter((n) => existsSync(path.join(reposDir, n))).sort() : [];
if (repos.length === 0) console.log(`realCode: no repositories under ${reposDir} (see the comment at the top of bench/realCode.mjs)`);
const all = [];
let totalLines = 0;
for (const name of repos) {
  const dir = realpathSync(path.join(reposDir, name));
  const files = goFiles(dir);
  const lines = linesOf(files);
  totalLines += lines;
  const { findings, ms } = lint([dir]);
  const byRule = Object.fromEntries(RULES.map((r) => [r, findings.filter((f) => f.rule === r).length]));
  results.repositories[name] = { files: files.length, lines, lintMs: Math.round(ms), findings: byRule };
  for (const f of findings) all.push({ ...f, repo: name, file: path.relative(dir, f.file) });
  console.log(`${name}: ${files.length} files, ${lines} lines, ${Math.round(ms)} ms: ${RULES.map((r) => `${r} ${byRule[r]}`).join(', ')}`);
}
const samples = {};
for (const rule of RULES) {
  const of = all.filter((f) => f.rule === rule);
  results.perRule[rule] = { findings: of.length, per10kLines: totalLines ? +((of.length * 10_000) / totalLines).toFixed(2) : 0 };
  samples[rule] = sampleOf(of, SAMPLE, 14).map((f) => ({ repo: f.repo, at: `${f.file}:${f.line}`, message: f.message }));
  console.log(`${rule}: ${of.length} findings in ${totalLines} lines of ${repos.length} repositories, ${results.perRule[rule].per10kLines} per 10k lines`);
}

// 2. bodyclose beside http-body-not-closed: examples/ (each a module) and the Go source tree (modules std and cmd).
const bodyclose = path.join(cache, 'bodyclose');
mkdirSync(cache, { recursive: true });
execFileSync('go', ['build', '-o', bodyclose, '.'], { cwd: path.join(root, 'bench', 'bodyclose'), stdio: 'inherit', env: goEnv });

/** bodyclose -json ./... in a module directory: `file:line` of each report (tests included, as ours). */
function runBodyclose(moduleDir) {
  const t0 = performance.now();
  const r = spawnSync(bodyclose, ['-json', './...'], { cwd: moduleDir, encoding: 'utf8', env: goEnv, maxBuffer: 1 << 28 });
  const ms = performance.now() - t0;
  const at = [];
  // -json prints one object per package list; a package that fails to load prints an error entry instead.
  const text = r.stdout.trim();
  if (text) {
    const walk = (v) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        if (typeof v.posn === 'string') at.push(v.posn.replace(/:\d+$/, ''));
        else Object.values(v).forEach(walk);
      }
    };
    for (const chunk of text.split(/\n(?=\{)/)) walk(JSON.parse(chunk));
  }
  return { at: [...new Set(at)].sort(), ms, loadErrors: (r.stderr.match(/\n/g) ?? []).length };
}

const inputs = [
  ...readdirSync(path.join(root, 'examples')).map((n) => ({ name: `examples/${n}`, dirs: [path.join(root, 'examples', n)] })),
  { name: 'Go source tree', dirs: [path.join(goSrc), path.join(goSrc, 'cmd')] },
];
for (const input of inputs) {
  const theirs = input.dirs.flatMap((d) => runBodyclose(d).at);
  const { findings, ms } = lint([input.dirs[0]], ['--rule', 'http-body-not-closed']);
  const ours = [...new Set(findings.map((f) => `${f.file}:${f.line}`))].sort();
  // testdata/ and vendor/ are skipped by both (./... and the go tool's walk).
  const both = ours.filter((a) => theirs.includes(a));
  const onlyOurs = ours.filter((a) => !theirs.includes(a));
  const onlyTheirs = theirs.filter((a) => !ours.includes(a));
  const rel = (a) => path.relative(input.dirs[0], a);
  results.bodyclose[input.name] = { ours: ours.length, bodyclose: theirs.length, both: both.length, onlyOurs: onlyOurs.map(rel), onlyBodyclose: onlyTheirs.map(rel), oursMs: Math.round(ms) };
  console.log(`${input.name}: http-body-not-closed ${ours.length}, bodyclose ${theirs.length}, both ${both.length}; only ours ${onlyOurs.length}, only bodyclose ${onlyTheirs.length}`);
  for (const a of onlyOurs) console.log(`  only ours:      ${rel(a)}`);
  for (const a of onlyTheirs) console.log(`  only bodyclose: ${rel(a)}`);
}

mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
writeFileSync(path.join(root, 'bench', 'results', 'realcode.json'), JSON.stringify(results, null, 2));
writeFileSync(path.join(root, 'bench', 'results', 'realcode-samples.json'), JSON.stringify(samples, null, 2));
console.log('written to bench/results/realcode.json and realcode-samples.json');
