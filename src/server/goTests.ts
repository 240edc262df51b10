/**
 * The answer to `goroscope/testsOfFile`, in the language server's analysis worker: the tests of one
 * `_test.go` file, parsed from the open document's text (what the editor shows, lenses land on its
 * lines) or else from disk. One small parse per request; files beyond a size no test file reaches are
 * refused, not parsed.
 */
import { readFile, stat } from 'node:fs/promises';
import type { GoParser } from '../go/parser';
import type { TestsOfFileResult } from '../protocol/lsp';
import { findGoTests, isGoTestFile } from '../tests/discover';

/** Larger test files are not read (a generated or hostile file would hold the message loop). */
const MAX_TEST_FILE_BYTES = 4 << 20;

export async function testsOfFile(parser: GoParser, file: string, openText: string | undefined): Promise<TestsOfFileResult> {
  if (!isGoTestFile(file)) return { tests: [] };
  let source = openText;
  if (source === undefined) {
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return { tests: [] };
    if (info.size > MAX_TEST_FILE_BYTES) throw new Error(`${file} is ${Math.round(info.size / 1024)} KB: test files over ${MAX_TEST_FILE_BYTES >> 20} MB are not read for tests`);
    source = await readFile(file, 'utf8');
  } else if (source.length > MAX_TEST_FILE_BYTES) {
    throw new Error(`${file} holds ${Math.round(source.length / 1024)} K characters: test files over ${MAX_TEST_FILE_BYTES >> 20} MB are not read for tests`);
  }
  const tree = parser.parse(source);
  try {
    return { tests: findGoTests(tree.rootNode) };
  } finally {
    tree.delete();
  }
}
