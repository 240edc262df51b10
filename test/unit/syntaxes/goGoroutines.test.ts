import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { repoRoot } from '../lint/fixtureHarness';

let grammar: textmate.IGrammar;

before(async () => {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (s) => new oniguruma.OnigScanner(s), createOnigString: (s) => new oniguruma.OnigString(s) }),
    loadGrammar: async () => {
      const file = path.join(repoRoot, 'syntaxes', 'go-goroutines.tmLanguage.json');
      return textmate.parseRawGrammar(readFileSync(file, 'utf8'), file);
    },
  });
  const loaded = await registry.loadGrammar('source.go-goroutines');
  assert.ok(loaded);
  grammar = loaded;
});

/** The scope of the token holding `needle` in `line`. */
function scopeOf(line: string, needle: string): string {
  const { tokens } = grammar.tokenizeLine(line, textmate.INITIAL);
  const at = line.indexOf(needle);
  assert.ok(at >= 0, `${needle} not in ${line}`);
  const token = tokens.find((t) => t.startIndex <= at && at < t.endIndex);
  return token?.scopes.at(-1) ?? '';
}

test('headers: goroutine id, state, wait, flags, gp/m fields', () => {
  const line = 'goroutine 72 [select, 25 minutes, locked to thread]:';
  assert.match(scopeOf(line, 'goroutine'), /^keyword\.other\.goroutine/);
  assert.match(scopeOf(line, '72'), /^constant\.numeric\.goroutine-id/);
  assert.match(scopeOf(line, 'select'), /^entity\.name\.tag\.state/);
  assert.match(scopeOf(line, '25 minutes'), /^string\.unquoted\.wait/);
  assert.match(scopeOf('goroutine 7 [chan send (leaked)]:', '(leaked)'), /^storage\.modifier\.flag/);
  assert.match(scopeOf('goroutine 1 gp=0xc000002380 m=0 mp=0x5b4e40 [running]:', 'gp='), /^comment\.other\.scheduler/);
  assert.match(scopeOf('goroutine 1 gp=0xc000002380 m=0 mp=0x5b4e40 [running]:', 'running'), /^entity\.name\.tag\.state/);
});

test('headers with labels: Go 1.27 after the status (a value holding ]: and }:), Go 1.26 inside it', () => {
  const go127 = 'goroutine 21 [chan send (leaked)] {note: "a]: b}: \\"c\\"", route: "/users/{id}", tenant: acme.corp/eu_1}:';
  assert.match(scopeOf(go127, 'chan send'), /^entity\.name\.tag\.state/);
  assert.match(scopeOf(go127, '(leaked)'), /^storage\.modifier\.flag/);
  assert.match(scopeOf(go127, '{note'), /^variable\.other\.labels/);
  assert.match(scopeOf(go127, 'tenant: acme.corp/eu_1}'), /^variable\.other\.labels/);
  assert.match(scopeOf(go127, '21'), /^constant\.numeric\.goroutine-id/);
  const system = 'goroutine 13 gp=0x43760d085a0 m=nil [chan receive, 1 minutes, locked to thread] {route: /search}:';
  assert.match(scopeOf(system, 'gp='), /^comment\.other\.scheduler/);
  assert.match(scopeOf(system, '1 minutes'), /^string\.unquoted\.wait/);
  assert.match(scopeOf(system, '{route'), /^variable\.other\.labels/);
  const go126 = 'goroutine 19 [chan send (leaked) labels:{"note": "a]: b", "route": "/users/{id}"}]:';
  assert.match(scopeOf(go126, 'chan send'), /^entity\.name\.tag\.state/);
  assert.match(scopeOf(go126, 'labels:{'), /^variable\.other\.labels/);
});

test('frames: function, arguments, file, line, created by', () => {
  assert.match(scopeOf('main.(*S).run(0xc000010000, {0x4b1e20?, 0x1}, ...)', 'main.(*S).run'), /^entity\.name\.function/);
  assert.match(scopeOf('main.(*S).run(0xc000010000, {0x4b1e20?, 0x1}, ...)', '0xc000010000'), /^comment\.other\.arguments/);
  const loc = '\t/src/app/s.go:40 +0x1a5';
  assert.match(scopeOf(loc, '/src/app/s.go'), /^string\.unquoted\.file/);
  assert.match(scopeOf(loc, '40'), /^constant\.numeric\.line/);
  assert.match(scopeOf(loc, '+0x1a5'), /^comment\.other\.offset/);
  const created = 'created by main.start in goroutine 1';
  assert.match(scopeOf(created, 'created by'), /^keyword\.control\.created-by/);
  assert.match(scopeOf(created, 'main.start'), /^entity\.name\.function/);
  assert.match(scopeOf('...53 frames elided...', '53'), /^comment\.line\.elided/);
});

test('every header of the captured dumps is highlighted as one, whatever its form', () => {
  for (const name of ['go1.27.3-stack.txt', 'go1.27.3-sigquit.txt', 'go1.27.3-synctest.txt', 'go1.26.8-tracebacklabels=1.txt', 'leaky-service.goroutineleak.debug2.txt', 'go1.19.8-leaky-service.debug2.txt', 'handwritten.txt']) {
    let state = textmate.INITIAL;
    const text = readFileSync(path.join(repoRoot, 'test', 'fixtures', 'goroutines', name), 'utf8');
    let headers = 0;
    for (const line of text.split('\n')) {
      const r = grammar.tokenizeLine(line, state);
      state = r.ruleStack;
      if (r.tokens.some((t) => t.scopes.some((s) => s.startsWith('keyword.other.goroutine')))) headers++;
    }
    assert.equal(headers, text.match(/^goroutine \d+ /gm)?.length, name);
  }
});

test('the language is registered for .goroutines, .gdump and dumps recognised by their first line', () => {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const lang = pkg.contributes.languages.find((l: { id: string }) => l.id === 'go-goroutines');
  assert.deepEqual(lang.extensions, ['.goroutines', '.gdump']);
  const firstLine = new RegExp(lang.firstLine);
  assert.ok(firstLine.test('goroutine 1 [running]:'));
  assert.ok(firstLine.test('goroutine 1 gp=0xc000002380 m=0 mp=0x5b4e40 [running]:'));
  for (const name of ['go1.27.3-stack.txt', 'go1.26.8-tracebacklabels=1.txt']) {
    const first = readFileSync(path.join(repoRoot, 'test', 'fixtures', 'goroutines', name), 'utf8').split('\n')[0] ?? '';
    assert.ok(firstLine.test(first), first);
  }
  assert.ok(!firstLine.test('package main'));
});
