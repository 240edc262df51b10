// Recall of every rule on real concurrency bugs (`npm run bench`; measures, asserts nothing).
// GoBench's GoKer (timmyyuan/gobench) keeps 68 blocking bugs of kubernetes, etcd, grpc, moby, cockroach,
// istio, hugo, serving and syncthing as small kernels, each a _test.go file whose README names the bug.
// This lints the kernels with every rule and prints, per rule, the bugs of its class it reports (a finding
// on the line the bug is judged to be at), the ones it misses, and its false reports (a finding on a
// kernel line that is not a judged bug). The class of each kernel was judged by hand, kernel by kernel
// (bench/judged/gobench.md says why for each); the tables below are that judgement.
// GoBench is not in the repository: it is extracted into $GOROSCOPE_GOBENCH (default
// ~/.cache/goroscope-bench/gobench) from the git directory $GOROSCOPE_GOBENCH_GIT (the search tool's fetch of
// github:timmyyuan/gobench), `git archive HEAD | tar -x`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'dist', 'cli.js');
const cache = process.env.GOROSCOPE_GOBENCH ?? path.join(os.homedir(), '.cache', 'goroscope-bench', 'gobench');
const gitDir = process.env.GOROSCOPE_GOBENCH_GIT ?? '/work/.mirror/timmyyuan+gobench/repo';
const RULES = ['defer-in-loop', 'select-without-ctx-done', 'http-body-not-closed', 'goroutine-stuck-on-channel'];

/**
 * The kernels of each rule's class and the line of the kernel's file where the rule should speak: the
 * `select` for select-without-ctx-done, the `go` statement that starts the stuck goroutine for
 * goroutine-stuck-on-channel. `scope: 'documented'`: the shape the rule's docs say it reports;
 * `'beyond'`: the same class of bug, but the channel is a struct field, made by another function, or
 * handed out, which the rule's docs leave out. A rule absent here has no kernel of its class in GoKer.
 */
const CLASS = {
  'select-without-ctx-done': {
    // A one-case select on a channel nobody sends to once the stream is closed; no context in reach, which
    // the rule leaves out by design (there is nothing to watch).
    grpc_1275: { at: 39, scope: 'beyond' },
  },
  'goroutine-stuck-on-channel': {
    grpc_660: { at: 24, scope: 'documented' },
    kubernetes_5316: { at: 25, scope: 'documented' },
    moby_33781: { at: 32, scope: 'documented' },
    cockroach_18101: { at: 25, scope: 'documented' },
    moby_4395: { at: 21, scope: 'beyond' },
    kubernetes_38669: { at: 55, scope: 'beyond' },
    grpc_1275: { at: 75, scope: 'beyond' },
    istio_17860: { at: 66, scope: 'beyond' },
    istio_18454: { at: 20, scope: 'beyond' },
    kubernetes_25331: { at: 67, scope: 'beyond' },
    cockroach_10790: { at: 60, scope: 'beyond' },
    etcd_6857: { at: 75, scope: 'beyond' },
    moby_21233: { at: 75, scope: 'beyond' },
  },
};

const goker = path.join(cache, 'gobench', 'goker', 'blocking');
if (!existsSync(goker)) {
  if (!existsSync(gitDir)) {
    console.log(`gobench: GoBench missing: fetch github:timmyyuan/gobench, then git --git-dir <fetched> archive HEAD | tar -x -C ${cache} (or set GOROSCOPE_GOBENCH_GIT)`);
    process.exit(0);
  }
  mkdirSync(cache, { recursive: true });
  execFileSync('bash', ['-c', 'git --git-dir "$1" archive HEAD | tar -x -C "$2"', 'extract', gitDir, cache], { stdio: 'inherit' });
}
const kinds = JSON.parse(readFileSync(path.join(cache, 'gobench', 'configures', 'goker', 'blocking.json'), 'utf8'));

const r = spawnSync(process.execPath, [cli, 'lint', '--format', 'json', realpathSync(goker)], { encoding: 'utf8', maxBuffer: 1 << 28 });
if (r.status !== 0 && r.status !== 1) {
  console.error(`gobench: goroscope lint failed (exit ${r.status}): ${r.stderr}`);
  process.exit(1);
}
// goker/blocking/<project>/<number>/<file>_test.go → kernel `<project>_<number>` (blocking.json's key).
const kernelOf = (file) => path.relative(realpathSync(goker), file).split(path.sep).slice(0, 2).join('_');
const findings = JSON.parse(r.stdout).map((f) => ({ rule: f.rule, kernel: kernelOf(f.file), line: f.line }));

const results = { kernels: Object.keys(kinds).length, findings: findings.length, perRule: {} };
console.log(`GoBench GoKer: ${results.kernels} blocking bugs, ${findings.length} findings of all rules`);
for (const rule of RULES) {
  const inClass = CLASS[rule] ?? {};
  const mine = findings.filter((f) => f.rule === rule);
  const hit = (k) => mine.some((f) => f.kernel === k && f.line === inClass[k].at);
  const row = { documented: { inClass: [], reported: [] }, beyond: { inClass: [], reported: [] }, falseReports: [] };
  for (const k of Object.keys(inClass)) {
    const scope = row[inClass[k].scope];
    scope.inClass.push(k);
    if (hit(k)) scope.reported.push(k);
  }
  row.falseReports = mine.filter((f) => inClass[f.kernel]?.at !== f.line).map((f) => `${f.kernel}:${f.line}`);
  results.perRule[rule] = row;
  const { documented: d, beyond: b } = row;
  console.log(`${rule}: ${d.reported.length} of ${d.inClass.length} bugs of its class in the shape its docs cover, ${b.reported.length} of ${b.inClass.length} beyond it; ${row.falseReports.length} false reports`);
  for (const k of [...d.inClass, ...b.inClass]) {
    const kind = kinds[k] ? `${kinds[k].type} / ${kinds[k].subtype}` : '?';
    console.log(`  ${hit(k) ? 'reported' : 'missed  '} ${k} (${inClass[k].scope}; ${kind})`);
  }
  for (const at of row.falseReports) console.log(`  false    ${at}`);
}

mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
writeFileSync(path.join(root, 'bench', 'results', 'gobench.json'), JSON.stringify(results, null, 2));
console.log('written to bench/results/gobench.json');
