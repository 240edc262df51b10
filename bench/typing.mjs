// Typing benchmark (`npm run bench`, or `node bench/typing.mjs` after `npm run build`): in onType mode, a
// one-character edit in net/http/server.go (of `go env GOROOT`, GOTOOLCHAIN=go1.27.3) to its published
// diagnostics, end to end as the user waits: didChange sent → publishDiagnostics of that version received,
// through a real server over stdio (its main thread, the analysis worker, the incremental parse and the
// re-analysis of the changed declarations). Beside it, in the same run and interleaved edit by edit, the
// anchor: a second server with GOROSCOPE_INCREMENTAL=0, which parses and analyzes the whole file on every
// change (what every save cost before). Both get the same edits and must publish the same diagnostics.
// Target: median 10 ms. Measures; asserts nothing but that agreement. Writes bench/results/typing.json.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-languageserver-protocol/node');
const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const goroot = spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: process.env.GOTOOLCHAIN || 'go1.27.3' } });
if (goroot.status !== 0) {
  console.error('bench/typing: go env GOROOT failed (Go must be on PATH)');
  process.exit(2);
}
const folder = realpathSync(path.join(goroot.stdout.trim(), 'src', 'net', 'http'));
const file = path.join(folder, 'server.go');
const uri = pathToFileURL(file).href;
const text = readFileSync(file, 'utf8');
const EDITS = Number(process.env.GOROSCOPE_BENCH_EDITS ?? 100);

/** A language server over stdio in onType mode, with net/http as its workspace folder (indexed before timing). */
async function startServer(incremental) {
  const child = spawn(process.execPath, [path.join(dist, 'server.js'), '--stdio'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, GOROSCOPE_INCREMENTAL: incremental ? '1' : '0' },
  });
  child.stdin.on('error', () => undefined);
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiters = [];
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    if (p.uri !== uri) return;
    const at = performance.now();
    for (const w of waiters.splice(0)) if (!w(p, at)) waiters.push(w);
  });
  let indexed;
  const indexedNow = new Promise((resolve) => (indexed = resolve));
  conn.onNotification('window/logMessage', (m) => {
    if (/indexed \d+ Go files/.test(m.message)) indexed();
  });
  conn.onRequest('workspace/configuration', (p) => p.items.map(() => ({ enable: true, run: 'onType', disabledRules: [] })));
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(folder).href,
    workspaceFolders: [{ uri: pathToFileURL(folder).href, name: 'http' }],
    capabilities: { workspace: { configuration: true } },
  });
  conn.sendNotification('initialized', {});
  await indexedNow;
  let version = 1;
  const published = (wanted) =>
    new Promise((resolve) => waiters.push((p, at) => (p.version === wanted ? (resolve({ p, at }), true) : false)));
  const opened = published(1);
  conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version, text } });
  await opened;
  return {
    /** Sends one change; resolves with the ms until its version's diagnostics arrived, and them. */
    async change(range, insert) {
      version++;
      const wait = published(version);
      const t0 = performance.now();
      conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text: insert }] });
      const { p, at } = await wait;
      return { ms: at - t0, diagnostics: p.diagnostics };
    },
    async stop() {
      await conn.sendRequest('shutdown').catch(() => undefined);
      conn.dispose();
      child.kill();
    },
  };
}

/** Places to type at: inside function bodies from the top, the middle and the end of the file. */
function typingPlaces() {
  const lines = text.split('\n');
  const places = [];
  for (let i = 0; i < lines.length && places.length < 20; i += Math.floor(lines.length / 20)) {
    // The next line inside a body that holds an identifier to type into.
    for (let j = i; j < lines.length; j++) {
      const m = /^\t+(\w+)/.exec(lines[j]);
      if (m) {
        places.push({ line: j, character: m.index + m[0].length - m[1].length + 1 });
        break;
      }
    }
  }
  return places;
}

const stats = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  const q = (p) => +sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(1);
  return { samples: sorted.length, medianMs: q(0.5), p90Ms: q(0.9), maxMs: q(1) };
};

const incremental = await startServer(true);
const full = await startServer(false);
const places = typingPlaces();
const times = { incremental: [], full: [] };
let disagreements = 0;
// Each step types one character into an identifier, the next deletes it: the text comes back every two edits.
for (let i = 0; i < EDITS; i++) {
  const place = places[Math.floor(i / 2) % places.length];
  const range = i % 2 === 0 ? { start: place, end: place } : { start: place, end: { line: place.line, character: place.character + 1 } };
  const insert = i % 2 === 0 ? 'x' : '';
  // Alternate which server goes first, so neither always follows the other's work.
  const order = i % 4 < 2 ? [incremental, full] : [full, incremental];
  const results = new Map();
  for (const server of order) results.set(server, await server.change(range, insert));
  times.incremental.push(results.get(incremental).ms);
  times.full.push(results.get(full).ms);
  if (JSON.stringify(results.get(incremental).diagnostics) !== JSON.stringify(results.get(full).diagnostics)) disagreements++;
}
await incremental.stop();
await full.stop();

const result = {
  machine: { cpus: os.availableParallelism(), node: process.version, loadavg: os.loadavg().map((l) => +l.toFixed(1)), date: new Date().toISOString() },
  file: 'net/http/server.go',
  lines: text.split('\n').length,
  incremental: stats(times.incremental),
  fullAnchor: stats(times.full),
  disagreements,
};
console.log(
  `typing in net/http/server.go (${result.lines} lines), didChange → publishDiagnostics, ${EDITS} one-character edits: ` +
    `incremental median ${result.incremental.medianMs} ms, p90 ${result.incremental.p90Ms} ms (target: median 10 ms); ` +
    `full parse and analysis (anchor, same run) median ${result.fullAnchor.medianMs} ms, p90 ${result.fullAnchor.p90Ms} ms; ` +
    `${disagreements === 0 ? 'same diagnostics from both' : `${disagreements} edits with different diagnostics!`}`,
);
mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
writeFileSync(path.join(root, 'bench', 'results', 'typing.json'), JSON.stringify(result, null, 2));
if (disagreements > 0) process.exit(1);
