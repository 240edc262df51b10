// Benchmarks for the Foundation issue (`npm run bench`). Measures; asserts nothing.
//  1. `goroscope lint` over Go's standard library source vs. a bare single-thread tree-sitter parse.
//  2. didSave → publishDiagnostics on net/http/server.go through a real LSP connection (the text is unchanged
//     between saves: since incremental analysis this is the round trip, nothing is parsed again; typing.mjs
//     measures edits, beside a full parse).
// Results are printed and written to bench/results/foundation.json.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { goFiles } from './goFiles.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
// Go's standard library source, of the toolchain `go env GOROOT` names (GOTOOLCHAIN=go1.27.3 unless set).
const goSrc = process.env.GOROSCOPE_BENCH_GOSRC ?? goRootSrc();
function goRootSrc() {
  const run = spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: process.env.GOTOOLCHAIN || 'go1.27.3' } });
  return run.status === 0 ? path.join(run.stdout.trim(), 'src') : '(go env GOROOT failed)';
}
if (!existsSync(goSrc)) {
  console.error(`bench: ${goSrc} not found (Go must be on PATH, or set GOROSCOPE_BENCH_GOSRC)`);
  process.exit(2);
}
const results = { machine: { cpus: os.availableParallelism(), node: process.version, date: new Date().toISOString() } };

// 1a. Bare parse, one thread, same files as the lint walks.
{
  const { Parser, Language } = require('web-tree-sitter');
  await Parser.init({ locateFile: (n) => path.join(dist, n) });
  const go = await Language.load(path.join(dist, 'tree-sitter-go.wasm'));
  const parser = new Parser();
  parser.setLanguage(go);
  const files = goFiles(realpathSync(goSrc));
  let bytes = 0;
  const t0 = performance.now();
  let parseMs = 0;
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    bytes += src.length;
    const p0 = performance.now();
    parser.parse(src).delete();
    parseMs += performance.now() - p0;
  }
  const wallMs = performance.now() - t0;
  results.bareParse = { files: files.length, megabytes: +(bytes / 1e6).toFixed(1), parseMs: Math.round(parseMs), wallMsWithReads: Math.round(wallMs) };
  console.log(`bare tree-sitter parse, 1 thread: ${files.length} files, ${results.bareParse.megabytes} MB: ${Math.round(parseMs)} ms parsing, ${Math.round(wallMs)} ms with reads`);
}

// 1b. The CLI over the same tree (workers), best of 3 runs.
{
  const hasTime = existsSync('/usr/bin/time');
  const runs = [];
  let count = 0;
  let peakKb = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const cmd = [process.execPath, path.join(dist, 'cli.js'), 'lint', '--format', 'json', goSrc];
    // GNU time reports the main process's peak RSS when it is installed (Debian package `time`).
    const r = spawnSync(hasTime ? '/usr/bin/time' : cmd[0], hasTime ? ['-f', '%M', ...cmd] : cmd.slice(1), {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    runs.push(performance.now() - t0);
    if (r.status !== 0 && r.status !== 1) {
      console.error(`lint failed (exit ${r.status}): ${r.stderr}`);
      process.exit(1);
    }
    count = JSON.parse(r.stdout).length;
    peakKb = Math.max(peakKb, Number(r.stderr.trim().split('\n').pop()) || 0);
  }
  const best = Math.min(...runs);
  results.lint = { runsMs: runs.map(Math.round), bestMs: Math.round(best), findings: count, peakRssMbMainProcess: Math.round(peakKb / 1024) };
  console.log(`goroscope lint ${goSrc}: best ${Math.round(best)} ms of ${runs.map(Math.round).join(', ')} ms; ${count} findings; peak RSS of the main process ${Math.round(peakKb / 1024)} MB`);
  console.log(`  target: at most the bare single-thread parse time (${results.bareParse.parseMs} ms parsing, ${results.bareParse.wallMsWithReads} ms with reads)`);
}

// 2. didSave → publishDiagnostics latency over LSP.
{
  const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-languageserver-protocol/node');
  const file = path.join(realpathSync(goSrc), 'net', 'http', 'server.go');
  const uri = pathToFileURL(file).href;
  const child = spawn(process.execPath, [path.join(dist, 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  // The server closes its end on `exit`; a late write from the connection must not end the benchmark.
  child.stdin.on('error', () => undefined);
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  let waiting = null;
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    if (p.uri === uri && waiting) waiting(p);
  });
  conn.onRequest('workspace/configuration', (p) => p.items.map(() => ({ enable: true, run: 'onSave', disabledRules: [] })));
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: { workspace: { configuration: true } } });
  conn.sendNotification('initialized', {});
  const text = readFileSync(file, 'utf8');
  const next = () => new Promise((resolve) => (waiting = resolve));
  let published = next();
  conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text } });
  await published;
  const times = [];
  for (let i = 0; i < 40; i++) {
    published = next();
    const t0 = performance.now();
    conn.sendNotification('textDocument/didSave', { textDocument: { uri } });
    await published;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const q = (p) => +times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(1);
  results.didSave = { file: 'net/http/server.go', lines: text.split('\n').length, samples: times.length, medianMs: q(0.5), p90Ms: q(0.9), maxMs: q(1) };
  console.log(`didSave of unchanged text → publishDiagnostics, net/http/server.go (${results.didSave.lines} lines), ${times.length} saves: median ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${q(1)} ms (target: median 30 ms)`);
  await conn.sendRequest('shutdown');
  // Stop the server by its pid rather than `exit`: nothing more is written to a closing pipe.
  conn.dispose();
  child.kill();
}

mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
writeFileSync(path.join(root, 'bench', 'results', 'foundation.json'), JSON.stringify(results, null, 2));
console.log('written to bench/results/foundation.json');

// The benchmarks below each run in a fresh Node process, one after another: none measures while the one
// before still holds its memory or runs its collector (a 500,000-sample profile leaves gigabytes to free,
// and on two cores that collector competes with the browser the next benchmark times).
const benchmark = (file) => {
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(import.meta.dirname, file)], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`bench: ${file} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
};

// 3. pprof: a 500,000-sample heap profile, goroscope profile vs go tool pprof -top, and the worker path
//    (bench/pprof.mjs; its figures go to bench/results/pprof.json).
benchmark('pprof.mjs');

// 4. First paint of that profile's flame graph in Chromium (bench/flamePaint.mjs).
benchmark('flamePaint.mjs');

// 4a. Open → first paint, decode included, for the panel and report.html, beside go tool pprof -top
//     (bench/openProfile.mjs).
benchmark('openProfile.mjs');

// 4b. Peak memory of the extension host while the panel opens that profile (bench/hostMemory.mjs).
benchmark('hostMemory.mjs');

// 4c. A profile of a million distinct functions: time and peak memory beside pprof's (bench/bigProfile.mjs).
benchmark('bigProfile.mjs');

// 5. Parse and cluster a 100,000-goroutine dump (bench/goroutines.mjs).
benchmark('goroutines.mjs');

// 6. Typing in onType mode: a one-character edit in net/http/server.go to its diagnostics, incremental
//    beside the full-parse anchor in the same run (bench/typing.mjs).
benchmark('typing.mjs');

// 6. Fleet ranking from a real Prometheus: 20 scraped instances, and 500 synthetic ones over 7 days (bench/fleet.mjs).
benchmark('fleet.mjs');

// 7. The analyzer on real code: findings per rule per 10k lines of well-known repositories (brought into
//    ~/.cache/goroscope-bench/repos), a fixed sample of each rule's findings to judge by hand, and timakin's
//    bodyclose beside http-body-not-closed on examples/ and the Go source tree (bench/realCode.mjs).
benchmark('realCode.mjs');

// 8. Recall of every rule on GoBench's real blocking bugs (GoKer kernels, extracted into
//    ~/.cache/goroscope-bench/gobench; the classes judged in bench/judged/gobench.md) (bench/gobench.mjs).
benchmark('gobench.mjs');
