import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { walkGoFiles } from '../../../src/lint/goFiles';
import type { Handler } from '../../../src/handlers/model';
import { expectedHandlers, fixturesDir, scanner, type ExpectedHandler } from './harness';

const byPosition = (a: ExpectedHandler, b: ExpectedHandler) =>
  a.line - b.line || `${a.route} ${a.method}`.localeCompare(`${b.route} ${b.method}`);

const asExpected = (h: Handler): ExpectedHandler => ({ line: h.line, function: h.function, route: h.route, method: h.method, framework: h.framework });

/**
 * Every fixture under test/fixtures/handlers is scanned together (routes may be registered in another
 * file or package), then each file's handlers must be exactly its annotations.
 */
describe('handler fixtures', async () => {
  const files = walkGoFiles(fixturesDir);
  const { handlers, problems } = (await scanner()).scanFiles(files);

  test('the fixture tree has fixtures for every framework', () => {
    const dirs = new Set(files.map((f) => path.relative(fixturesDir, f).split(path.sep)[0]));
    for (const dir of ['nethttp', 'gin', 'echo', 'echov5', 'fiber', 'fiberv3', 'chi', 'chimount', 'gorilla', 'crosspkg', 'routerparams', 'dotimport']) assert.ok(dirs.has(dir), dir);
    assert.deepEqual(problems, []);
  });

  for (const file of files) {
    test(path.relative(fixturesDir, file), () => {
      const expected = expectedHandlers(readFileSync(file, 'utf8')).sort(byPosition);
      const actual = handlers.filter((h) => h.file === file).map(asExpected).sort(byPosition);
      assert.deepEqual(actual, expected);
    });
  }
});
