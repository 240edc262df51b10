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
// The repositories the benchmark (and bench/judged/) was measured on: directory → GitHub repository and the
// commit judged. Bring each with the search tool's fetch (`github:<repo>`), then
//   git --git-dir <fetched> archive <commit> -- ':(glob)**/*.go' ':(glob)**/go.mod' | tar -x -C <dir>/<name>
// (only the Go files: some snapshots lack their large data files). Any other directory there is linted too.
const REPOSITORIES = {
  'argo-cd': ['argoproj/argo-cd', '37ee0097cf851bc2dd7665fc081bbce61a7e836e'],
  caddy: ['caddyserver/caddy', '0cf03d32f7d99cf160d5375e8a40fbe3d910d515'],
  cli: ['docker/cli', '28f756087eea5fa301f3fbf12b01ae62f91521c2'],
  'client-go': ['kubernetes/client-go', '32ce75a7d6bc6960fd048d3d1e3b34185418d8c8'],
  cometbft: ['cometbft/cometbft', '5bba72c14f2be2b06ac4d89dbdf6712e2e5e095c'],
  containerd: ['containerd/containerd', '301026e58c619e63d09c0ec411012e54c0124b03'],
  'controller-runtime': ['kubernetes-sigs/controller-runtime', '86a0d40e047cf6b7b18d1eb47d15639821863d05'],
  coredns: ['coredns/coredns', '4b26cced32717eac6dd725e308d7415c8b9db147'],
  dgraph: ['dgraph-io/dgraph', '64804bd2855465cdcb61aad52d27a9d793568aa1'],
  etcd: ['etcd-io/etcd', 'c34dc7ee0048fd2bcc44d50beff002e5e8069b69'],
  fabric: ['hyperledger/fabric', '0c423ac47fd87fc3d4084eb06d6589bc518ed1ff'],
  'go-ethereum': ['ethereum/go-ethereum', '02b73d4ea7181464175e0a6cbecc0a3a2655a562'],
  'go-libp2p': ['libp2p/go-libp2p', '0d90292576f8f68f54e3ef05ee688581ee4df913'],
  'grpc-go': ['grpc/grpc-go', '4793ad0474669eafbd5346c8a3d098fdfa542498'],
  hugo: ['gohugoio/hugo', '7b5199fdeff7d7682e9f979f468d55bc7b67b934'],
  jaeger: ['jaegertracing/jaeger', '8498073ff809b1a3923521920a9b1b017ea97ecf'],
  kubo: ['ipfs/kubo', '867cdc5d80d88f390f3ee2882ff50e056ffe3aad'],
  lnd: ['lightningnetwork/lnd', '90ea05d5a7f9239ede8eb4e2f36d9a66c39e67d5'],
  loki: ['grafana/loki', '65e30f8488e8a5ea2013c6881675f8103a8f6bc7'],
  minio: ['minio/minio', '7aac2a2c5b7c882e68c1ce017d8256be2feea27f'],
  moby: ['moby/moby', 'b985e2313a8676e18072b442911fc8f64f17d440'],
  'nats-server': ['nats-io/nats-server', '1787eee035cf0253c201fa0f05afad92b6f296dc'],
  'nats.go': ['nats-io/nats.go', '850f889cf3d63bfd1a549ab9af59f0145146fb41'],
  nomad: ['hashicorp/nomad', 'aa026cc99cfb74a77e519a1c1f0c78ba1b452705'],
  nsq: ['nsqio/nsq', '3103474b6c5afe8feca0a598797e82c06ed726e3'],
  'opentelemetry-collector': ['open-telemetry/opentelemetry-collector', '934999fbab274d10cbf18704b4594a6fb2049887'],
  podman: ['containers/podman', 'c6580b4a5219c9efb9ab79a540637d8a58b736f8'],
  prometheus: ['prometheus/prometheus', 'd15adb9ad7e5d9fbde3a9a8f30200593a5a14d86'],
  raft: ['hashicorp/raft', '1837036daf50bd973bcb0f3fc536b2d451cebf5d'],
  rclone: ['rclone/rclone', '64ab1ac32260238eefca3c61327f5faf1c6e106f'],
  syncthing: ['syncthing/syncthing', '328d910aee822178f55442c76bc7e35ce34d68cc'],
  tailscale: ['tailscale/tailscale', 'de9ec7ee25627e0e518f53c710a3fc3d947c86c1'],
  telegraf: ['influxdata/telegraf', 'b27263146617cefe16c0b300107b58b111a7fa57'],
  temporal: ['temporalio/temporal', '6805caea59e35d0611ed96be69641b8d86bff11c'],
  terraform: ['hashicorp/terraform', '883c7221ee2e0bc2fad6912fd4b3cc4b53a598a7'],
  thanos: ['thanos-io/thanos', 'e103a81bd5943697394afcb4fb592b6ffa806c30'],
  traefik: ['traefik/traefik', 'fd5a576df2e8aeb0bfc8a96b6ef6e60a61f7ec0a'],
};
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
for (const [name, [repo, commit]] of Object.entries(REPOSITORIES)) {
  if (!repos.includes(name)) console.log(`realCode: ${name} missing: fetch github:${repo}, then git archive ${commit} into ${path.join(reposDir, name)}`);
}
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
