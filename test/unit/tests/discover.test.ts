import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { findGoTests, isGoTestFile } from '../../../src/tests/discover';
import { testAtLine, type GoTestDeclaration } from '../../../src/tests/model';
import { goParser, repoRoot } from '../handlers/harness';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'tests', 'discover');

/** What the `// lens: <kind> <JSON path>` annotations of a fixture say discovery must find, by line. */
function expected(source: string): Array<Pick<GoTestDeclaration, 'kind' | 'path' | 'line'>> {
  const want: Array<Pick<GoTestDeclaration, 'kind' | 'path' | 'line'>> = [];
  source.split('\n').forEach((text, line) => {
    const m = /\/\/ lens: (test|benchmark) (\[.*\])\s*$/.exec(text);
    if (m) want.push({ kind: m[1] as GoTestDeclaration['kind'], path: JSON.parse(m[2] as string) as string[], line });
  });
  return want;
}

describe('findGoTests', () => {
  for (const name of readdirSync(fixtures).filter((f) => f.endsWith('.go')).sort()) {
    test(`${name}: exactly the annotated tests, benchmarks and literal subtests`, async () => {
      const source = readFileSync(path.join(fixtures, name), 'utf8');
      const tree = (await goParser()).parse(source);
      try {
        const found = findGoTests(tree.rootNode).map(({ kind, path: p, line }) => ({ kind, path: p, line }));
        assert.deepEqual(found, expected(source));
      } finally {
        tree.delete();
      }
    });
  }

  test('a lens sits on the func keyword, or on the receiver of the Run call', async () => {
    const source = 'package p\n\nimport "testing"\n\nfunc TestX(t *testing.T) {\n\tt.Run("a", func(t *testing.T) {})\n}\n';
    const tree = (await goParser()).parse(source);
    try {
      const [fn, sub] = findGoTests(tree.rootNode);
      assert.deepEqual([fn?.line, fn?.character], [4, 0]);
      assert.deepEqual([sub?.line, sub?.character], [5, 1]);
      assert.deepEqual([fn?.endLine, sub?.endLine], [6, 5]);
    } finally {
      tree.delete();
    }
  });

  test('a file that does not parse yields what its intact functions declare, and never throws', async () => {
    const source = 'package p\n\nimport "testing"\n\nfunc TestOK(t *testing.T) {}\n\nfunc TestBroken(t *testing.T) {\n\tt.Run("x", func(t *testing.T) {\n';
    const tree = (await goParser()).parse(source);
    try {
      const names = findGoTests(tree.rootNode).map((t) => t.path.join('/'));
      assert.ok(names.includes('TestOK'), names.join(', '));
    } finally {
      tree.delete();
    }
  });

  test('50,000 nested blocks in a test do not overflow the stack', async () => {
    const depth = 50_000;
    const source = `package p\n\nimport "testing"\n\nfunc TestDeep(t *testing.T) {\n${'{'.repeat(depth)}t.Run("deep", func(t *testing.T) {})${'}'.repeat(depth)}\n}\n`;
    const tree = (await goParser()).parse(source);
    try {
      const names = findGoTests(tree.rootNode).map((t) => t.path.join('/'));
      assert.deepEqual(names, ['TestDeep', 'TestDeep/deep']);
    } finally {
      tree.delete();
    }
  });
});

test('isGoTestFile: _test.go files that go test compiles', () => {
  assert.equal(isGoTestFile('/w/pkg/parse_test.go'), true);
  assert.equal(isGoTestFile('C:\\w\\pkg\\parse_test.go'), true);
  assert.equal(isGoTestFile('/w/pkg/parse.go'), false);
  assert.equal(isGoTestFile('/w/pkg/_parse_test.go'), false);
  assert.equal(isGoTestFile('/w/pkg/.parse_test.go'), false);
  assert.equal(isGoTestFile('/w/pkg/test.go'), false);
});

test('testAtLine: the innermost test or subtest whose lines hold the cursor', async () => {
  const source = 'package p\n\nimport "testing"\n\nfunc TestX(t *testing.T) {\n\tsetup()\n\tt.Run("a", func(t *testing.T) {\n\t\tcheck()\n\t})\n}\n\nfunc helper() {}\n';
  const tree = (await goParser()).parse(source);
  try {
    const tests = findGoTests(tree.rootNode);
    assert.deepEqual(testAtLine(tests, 5)?.path, ['TestX']);
    assert.deepEqual(testAtLine(tests, 7)?.path, ['TestX', 'a']);
    assert.deepEqual(testAtLine(tests, 9)?.path, ['TestX']);
    assert.equal(testAtLine(tests, 11), undefined);
  } finally {
    tree.delete();
  }
});
