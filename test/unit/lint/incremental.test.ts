/**
 * The language server's lint as the user types (src/lint/incremental.ts): after any sequence of edits it
 * reports exactly what a full lint of the same text reports, while parsing and analyzing only what the
 * edits touched; and a rule's kept findings are dropped when what it declares it depends on changes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadGoParser, type GoParser, type SyntaxEdit } from '../../../src/go/parser';
import { PackageIndex } from '../../../src/go/packageIndex';
import { lintTree } from '../../../src/lint/engine';
import { IncrementalDocument } from '../../../src/lint/incremental';
import type { Rule } from '../../../src/lint/rules/rule';
import type { Finding } from '../../../src/lint/types';
import { goSrc } from '../../goToolchain';

const distDir = path.resolve(__dirname, '../../../../dist');
const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/lint');

/** A document under edit: its text, and its edits told to the incremental document as the server does. */
class Editor {
  constructor(
    public text: string,
    readonly doc: IncrementalDocument,
  ) {}

  replace(start: number, end: number, insert: string): void {
    const before = this.text;
    this.text = before.slice(0, start) + insert + before.slice(end);
    const edit: SyntaxEdit = {
      startIndex: start,
      oldEndIndex: end,
      newEndIndex: start + insert.length,
      startPosition: pointAt(before, start),
      oldEndPosition: pointAt(before, end),
      newEndPosition: pointAt(this.text, start + insert.length),
    };
    this.doc.edit(edit);
  }
}

function pointAt(text: string, offset: number): { row: number; column: number } {
  const before = text.slice(0, offset);
  const row = before.split('\n').length - 1;
  return { row, column: offset - (before.lastIndexOf('\n') + 1) };
}

/** What a full lint (the CLI's path) reports for this text, with a fresh index holding only this file. */
function fullLint(parser: GoParser, file: string, text: string): Finding[] {
  const index = new PackageIndex();
  const tree = parser.parse(text);
  try {
    index.update(file, tree.rootNode);
    return lintTree({ file, source: text, root: tree.rootNode, index });
  } finally {
    tree.delete();
  }
}

/** A small seeded generator: the same edits on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SNIPPETS = ['defer f.Close()\n', 'x', '}', '{', '\n', 'select {\ncase <-ch:\n}\n', 'resp, err := http.Get(u)\n', 'for {\n', '// ', '"', 'é😀'];

/** Sixty random edits of the file, each followed by a lint that must equal a full lint of the same text. */
function editAndCompare(parser: GoParser, file: string, next: () => number): void {
  const editor = new Editor(readFileSync(file, 'utf8'), new IncrementalDocument(file, parser, new PackageIndex()));
  assert.deepEqual(editor.doc.lint(editor.text).findings, fullLint(parser, file, editor.text), `${file} as it is`);
  for (let step = 0; step < 60; step++) {
    const at = Math.floor(next() * editor.text.length);
    const kind = next();
    if (kind < 0.45) editor.replace(at, at, SNIPPETS[Math.floor(next() * SNIPPETS.length)] as string);
    else if (kind < 0.8) editor.replace(at, Math.min(editor.text.length, at + 1 + Math.floor(next() * 20)), '');
    else {
      // A second edit before the lint: both are told to the tree, one parse follows.
      editor.replace(at, at, 'y');
      const at2 = Math.floor(next() * editor.text.length);
      editor.replace(at2, Math.min(editor.text.length, at2 + 3), 'defer ');
    }
    const got = editor.doc.lint(editor.text);
    assert.equal(got.timing.incremental, true);
    assert.deepEqual(got.findings, fullLint(parser, file, editor.text), `${path.basename(file)} after step ${step}`);
  }
  editor.doc.dispose();
}

describe('IncrementalDocument', () => {
  test('after every edit of a random sequence it reports what a full lint of the same text reports', { timeout: 120_000 }, async () => {
    const parser = await loadGoParser(distDir);
    const next = random(12);
    for (const file of [
      path.join(FIXTURES, 'defer-in-loop', 'positives.go'),
      path.join(FIXTURES, 'select-without-ctx-done', 'positives.go'),
      path.join(FIXTURES, 'http-body-not-closed', 'positives.go'),
    ]) {
      editAndCompare(parser, file, next);
    }
  });

  test('a declaration whose text is unchanged but parses as something else after an edit before it is analyzed again', async () => {
    // At step 13 of this sequence, tree-sitter's error recovery reads `func innerOnceOuterMany(…) {…}`,
    // text unchanged, as a function literal: findings kept from its declaration named the wrong function.
    const parser = await loadGoParser(distDir);
    editAndCompare(parser, path.resolve(FIXTURES, '..', 'incremental', 'reparsed.go'), random(12));
  });

  test("a one-character edit in net/http/server.go parses incrementally and re-analyzes one declaration", async () => {
    const parser = await loadGoParser(distDir);
    const file = goSrc('net', 'http', 'server.go');
    const editor = new Editor(readFileSync(file, 'utf8'), new IncrementalDocument(file, parser, new PackageIndex()));
    const first = editor.doc.lint(editor.text);
    assert.equal(first.timing.incremental, false);
    assert.equal(first.timing.reanalyzed, first.timing.declarations);
    const body = editor.text.indexOf('{', editor.text.indexOf('func (c *conn) serve(')) + 1;
    editor.replace(body, body, 'x');
    const second = editor.doc.lint(editor.text);
    assert.equal(second.timing.incremental, true);
    assert.ok(second.timing.declarations > 200, `${second.timing.declarations} declarations`);
    assert.equal(second.timing.reanalyzed, 1);
    assert.deepEqual(second.findings, fullLint(parser, file, editor.text));
    // A line added above moves every later finding: they are kept, and moved.
    editor.replace(0, 0, '// a new first line\n');
    const third = editor.doc.lint(editor.text);
    assert.equal(third.timing.reanalyzed, 0, 'a comment is no declaration: every declaration only moved');
    assert.deepEqual(third.findings, fullLint(parser, file, editor.text));
    editor.doc.dispose();
  });

  test("a rule runs again on unchanged declarations when what it depends on changed, and only then", async () => {
    const parser = await loadGoParser(distDir);
    const runs = new Map<string, number>();
    const counting = (id: string, dependsOn?: Rule['dependsOn']): Rule => ({
      id,
      summary: 'counts its runs',
      docs: '',
      severity: 'warning',
      quickFix: null,
      ...(dependsOn ? { dependsOn } : {}),
      // Counts the declarations it looked at: a run over the whole file (many were stale) looks at all.
      check: ({ root }) => {
        const looked = root.parent === null ? root.namedChildren.filter((c) => c?.type !== 'comment').length : 1;
        runs.set(id, (runs.get(id) ?? 0) + looked);
        return [];
      },
    });
    const rules = [counting('alone', []), counting('package', ['package']), counting('imports', ['imports']), counting('file', ['file']), counting('undeclared')];
    const index = new PackageIndex();
    const dir = '/work/pkg';
    const text = 'package p\n\nfunc a() {}\n\nfunc b() {}\n\nfunc c() {}\n';
    const editor = new Editor(text, new IncrementalDocument(path.join(dir, 'a.go'), parser, index, rules));
    const lint = () => {
      runs.clear();
      editor.doc.lint(editor.text);
      return Object.fromEntries(runs);
    };
    assert.deepEqual(lint(), { alone: 4, package: 4, imports: 4, file: 4, undeclared: 4 }, 'first lint: every declaration');

    // Typing in a body: only that declaration, except for rules that read the rest of the file.
    const inB = editor.text.indexOf('b() {') + 5;
    editor.replace(inB, inB, ' ');
    assert.deepEqual(lint(), { alone: 1, package: 1, imports: 1, file: 4, undeclared: 4 });

    // Another file of the package changes its summary: package and imports rules run everywhere again.
    const other = parser.parse('package p\n\ntype T struct{ x int }\n');
    index.update(path.join(dir, 'b.go'), other.rootNode);
    other.delete();
    assert.deepEqual(lint(), { package: 4, imports: 4, undeclared: 4 });

    // Another package changes: only what depends on other packages.
    const elsewhere = parser.parse('package q\n\nfunc Close(x any) {}\n');
    index.update('/work/q/q.go', elsewhere.rootNode);
    elsewhere.delete();
    assert.deepEqual(lint(), { imports: 4, undeclared: 4 });

    // Nothing changed at all: nothing runs.
    assert.deepEqual(lint(), {});

    // A new type changes this file's own summary: the package's rules run again everywhere. (The blank
    // line before it belongs to c, which counts as changed too: two of five declarations, over a quarter,
    // so even the rule that depends on nothing runs once over the whole file.)
    editor.replace(editor.text.length, editor.text.length, '\ntype U struct{ n int }\n');
    assert.deepEqual(lint(), { alone: 5, package: 5, imports: 5, file: 5, undeclared: 5 });
    editor.doc.dispose();
  });
});
