import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goTestName, rewriteSubtestName } from '../../../src/tests/model';
import { quoteMeta, runPattern, selectionFlags } from '../../../src/tests/runPattern';

test('a test function: anchored, one level', () => {
  assert.equal(runPattern(['TestParse']), '^TestParse$');
});

test('subtests: one anchored level each, named as go test renames them', () => {
  assert.equal(runPattern(['TestParse', 'empty input']), '^TestParse$/^empty_input$');
  assert.equal(runPattern(['TestParse', 'n=32 (slow)', 'x.y']), '^TestParse$/^n=32_\\(slow\\)$/^x\\.y$');
  assert.equal(runPattern(['TestParse', 'a/b']), '^TestParse$/^a$/^b$', 'a slash in a name is a level for go test');
  assert.equal(runPattern(['TestParse', 'same#01']), '^TestParse$/^same#01$');
});

test('rewriteSubtestName follows testing.rewrite', () => {
  assert.equal(rewriteSubtestName('tab\there\nnew line'), 'tab_here_new_line');
  assert.equal(rewriteSubtestName('no\u00a0break\u2003em\u3000ideographic'), 'no_break_em_ideographic');
  assert.equal(rewriteSubtestName('nul\x00 bell\x07 del\x7f'), 'nul\\x00_bell\\a_del\\x7f');
  assert.equal(rewriteSubtestName('zero\u200bwidth'), 'zero\\u200bwidth');
  assert.equal(rewriteSubtestName('é ü 日本 🙂'), 'é_ü_日本_🙂');
  assert.equal(rewriteSubtestName(''), '#00');
});

test('quoteMeta escapes what regexp.QuoteMeta escapes, and only that', () => {
  assert.equal(quoteMeta('\\.+*?()|[]{}^$'), '\\\\\\.\\+\\*\\?\\(\\)\\|\\[\\]\\{\\}\\^\\$');
  assert.equal(quoteMeta('a-b_c=d#e/f:g,h'), 'a-b_c=d#e/f:g,h');
  // A rewritten non-printing rune holds a backslash: it must match itself.
  assert.equal(runPattern(['TestX', 'nul\x00']), '^TestX$/^nul\\\\x00$');
});

test('goTestName: the name go test prints', () => {
  assert.equal(goTestName(['TestParse', 'empty input', 'a/b']), 'TestParse/empty_input/a/b');
});

test('selectionFlags: a benchmark runs no tests and reports allocations', () => {
  assert.deepEqual(selectionFlags({ kind: 'test', path: ['TestParse'] }), ['-run', '^TestParse$']);
  assert.deepEqual(selectionFlags({ kind: 'benchmark', path: ['BenchmarkEncode', 'size=1k'] }), [
    '-run',
    '^$',
    '-bench',
    '^BenchmarkEncode$/^size=1k$',
    '-benchmem',
  ]);
});
