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

test('every line of the variants fixture is tokenized without error', () => {
  let state = textmate.INITIAL;
  const text = readFileSync(path.join(repoRoot, 'test', 'fixtures', 'goroutines', 'variants.txt'), 'utf8');
  let headers = 0;
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    if (r.tokens.some((t) => t.scopes.some((s) => s.startsWith('keyword.other.goroutine')))) headers++;
  }
  assert.equal(headers, 11);
});

test('the language is registered for .goroutines, .gdump and dumps recognised by their first line', () => {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const lang = pkg.contributes.languages.find((l: { id: string }) => l.id === 'go-goroutines');
  assert.deepEqual(lang.extensions, ['.goroutines', '.gdump']);
  const firstLine = new RegExp(lang.firstLine);
  assert.ok(firstLine.test('goroutine 1 [running]:'));
  assert.ok(firstLine.test('goroutine 1 gp=0xc000002380 m=0 mp=0x5b4e40 [running]:'));
  assert.ok(!firstLine.test('package main'));
});
