/**
 * The language server under hostile documents: a 5 MB Go file, 50,000 nested braces (and parentheses), a
 * storm of 1,000 changes a second. Through all of them its message loop keeps answering (a code action
 * for another document, answered from what was linted, within a second), its memory stays bounded, and
 * every document ends with the diagnostics of its last version.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, describe, test } from 'node:test';
import { CodeActionRequest, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { handlersRequest } from '../../src/protocol/lsp';
import { goSrc } from '../goToolchain';
import { copyFixtureModule, positionOf } from './fixtureWorkspace';
import { LspSession, uriOf, type LintSettingsForTest } from './lspSession';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The message loop answers 9 requests in 10 within this while the worker is busy (generous for a loaded machine). */
const RESPONSIVE_MS = 1_000;

async function start(settings: Partial<LintSettingsForTest> = {}) {
  const ws = copyFixtureModule();
  cleanups.push(ws.dispose);
  const lsp = await LspSession.start({ workspaceFolder: ws.dir, settings });
  cleanups.push(() => lsp.stop());
  await lsp.logMessage((l) => /indexed \d+ Go files/.test(l.message), 30_000);
  // A small document with a finding, linted first: code actions on it are answered by the main thread.
  const leaky = ws.file('leaky.go');
  const opened = lsp.nextDiagnostics(uriOf(leaky));
  await lsp.open(leaky, ws.read('leaky.go'));
  const { diagnostics } = await opened;
  assert.equal(diagnostics.length, 1);
  return { ws, lsp, leaky, leakyDiagnostics: diagnostics };
}

/** How long a code action for leaky.go takes to come back now. */
async function codeActionMs(lsp: LspSession, leaky: string, diagnostics: Diagnostic[]): Promise<number> {
  const t0 = performance.now();
  const actions = await lsp.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: uriOf(leaky) },
    range: diagnostics[0]!.range,
    context: { diagnostics },
  });
  assert.equal(Array.isArray(actions) && actions.length, 1);
  return performance.now() - t0;
}

/**
 * Samples the code-action latency every 50 ms until `done` settles; resolves to the 90th percentile (one
 * slow sample on a machine shared with other work says little; a loop that stops answering shows in most).
 */
async function latencyWhile(done: Promise<unknown>, measure: () => Promise<number>): Promise<number> {
  let finished = false;
  void done.finally(() => (finished = true)).catch(() => undefined);
  const samples: number[] = [];
  while (!finished || samples.length === 0) {
    samples.push(await measure());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.9))] as number;
}

/** Peak resident memory of the server process (its worker threads included), in MB. */
function peakRssMb(lsp: LspSession): number {
  const status = readFileSync(`/proc/${lsp.child.pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

const LEAK = '\nfunc leakAtTheEnd(paths []string) {\n\tfor _, p := range paths {\n\t\tf, _ := os.Open(p)\n\t\tdefer f.Close()\n\t}\n}\n';

describe('the language server under hostile input', () => {
  test('a 5 MB Go file: linted in the worker while the message loop answers, bounded memory, then typed in', { timeout: 300_000 }, async () => {
    const { ws, lsp, leaky, leakyDiagnostics } = await start({ run: 'onType' });
    const server = readFileSync(goSrc('net', 'http', 'server.go'), 'utf8');
    const body = server.slice(server.indexOf('\nfunc '));
    let text = 'package serverfixture\n\nimport (\n\t"net/http"\n\t"os"\n)\n';
    for (let i = 0; text.length < 5 * 1024 * 1024; i++) text += body.replace(/\nfunc (\w+)/g, `\nfunc $1_${i}`);
    text += LEAK;
    const big = ws.file('big.go');
    const linted = lsp.nextDiagnostics(uriOf(big), 240_000);
    await lsp.open(big, text);
    const p90 = await latencyWhile(linted, () => codeActionMs(lsp, leaky, leakyDiagnostics));
    const { diagnostics } = await linted;
    assert.ok(p90 < RESPONSIVE_MS, `code actions took ${p90.toFixed(0)} ms (90th percentile) while the 5 MB file was linted`);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start]), [['defer-in-loop', positionOf(text, 'defer f.Close()')]]);

    // One character typed in the middle: the next diagnostics are for that version, the finding moved down a line.
    const at = positionOf(text, '\nfunc ListenAndServe_30(');
    const typed = lsp.nextDiagnostics(uriOf(big), 120_000, (p) => p.version === 2);
    await lsp.change(big, [{ range: { start: at, end: at }, text: '\n' }]);
    const after = await typed;
    const moved = positionOf(text, 'defer f.Close()');
    assert.deepEqual(after.diagnostics.map((d) => d.range.start), [{ line: moved.line + 1, character: moved.character }]);
    const peak = peakRssMb(lsp);
    assert.ok(peak < 1500, `the server's peak memory was ${peak.toFixed(0)} MB for a 5 MB file`);
    assert.ok(lsp.isAlive());
  });

  test('50,000 nested braces and parentheses: the server answers, stays up and keeps linting', { timeout: 300_000 }, async () => {
    const { ws, lsp, leaky, leakyDiagnostics } = await start();
    const n = 50_000;
    const text =
      'package serverfixture\n\n' +
      `func blocks() {\n${'{'.repeat(n)}\n${'}'.repeat(n)}\n}\n\n` +
      `var parens = ${'('.repeat(n)}1${')'.repeat(n)}\n\n` +
      `func literals() {\n\t_ = ${'func() { '.repeat(2_000)}${'}'.repeat(2_000)}\n}\n` +
      LEAK.replace('os.Open(p)', 'open(p)') +
      'func open(string) (interface{ Close() error }, error) { return nil, nil }\n';
    const deep = ws.file('deep.go');
    const linted = lsp.nextDiagnostics(uriOf(deep), 240_000);
    await lsp.open(deep, text);
    const p90 = await latencyWhile(linted, () => codeActionMs(lsp, leaky, leakyDiagnostics));
    assert.ok(p90 < RESPONSIVE_MS, `code actions took ${p90.toFixed(0)} ms (90th percentile) while the nested file was linted`);
    // The declarations that are not absurd are still linted.
    assert.deepEqual((await linted).diagnostics.map((d) => d.code), ['defer-in-loop']);
    const { handlers } = await lsp.connection.sendRequest(handlersRequest.type, { textDocument: { uri: uriOf(deep) } });
    assert.deepEqual(handlers, []);
    assert.ok(lsp.isAlive());
    assert.ok(peakRssMb(lsp) < 1500);
  });

  test('a storm of 1,000 changes a second: the loop answers, lints do not pile up, the last version is linted', { timeout: 120_000 }, async () => {
    const { ws, lsp, leaky, leakyDiagnostics } = await start({ run: 'onType' });
    const file = ws.file('ontype.go');
    const text = ws.read('ontype.go');
    const opened = lsp.nextDiagnostics(uriOf(file));
    await lsp.open(file, text);
    assert.deepEqual((await opened).diagnostics, []);

    const at = positionOf(text, 'f.Close()');
    let publishes = 0;
    void lsp.nextDiagnostics(uriOf(file), 60_000, () => (publishes++, false)).catch(() => undefined);
    // 3 s at 1,000 changes a second, sent in bursts of 10 every 10 ms: a character typed, then deleted.
    const storm = (async () => {
      const started = performance.now();
      let sent = 0;
      while (sent < 3_000) {
        const due = Math.min(3_000, Math.floor(performance.now() - started) + 10);
        for (; sent < due; sent++) {
          const range = sent % 2 === 0 ? { start: at, end: at } : { start: at, end: { line: at.line, character: at.character + 1 } };
          void lsp.change(file, [{ range, text: sent % 2 === 0 ? 'x' : '' }]);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const p90 = await latencyWhile(storm, () => codeActionMs(lsp, leaky, leakyDiagnostics));
    await storm;
    // The storm ends with `defer ` typed: the last version has a finding, and it is published.
    const last = lsp.nextDiagnostics(uriOf(file), 30_000, (p) => p.version === lsp.version(file));
    await lsp.change(file, [{ range: { start: at, end: at }, text: 'defer ' }]);
    const stormEnded = performance.now();
    const { diagnostics } = await last;
    const settled = performance.now() - stormEnded;
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start]), [['defer-in-loop', at]]);
    assert.ok(p90 < RESPONSIVE_MS, `code actions took ${p90.toFixed(0)} ms (90th percentile) during the storm`);
    assert.ok(publishes < 3_001, `${publishes} publishes for 3,001 changes`);
    assert.ok(settled < 10_000, `the last version was published ${settled.toFixed(0)} ms after the storm`);
    assert.ok(peakRssMb(lsp) < 1000);
    assert.ok(lsp.isAlive());
  });
});
