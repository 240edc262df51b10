import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadGoParser, type GoParser } from '../../../src/go/parser';
import { HandlerScanner } from '../../../src/handlers/scanner';

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'scripts', 'build.mjs'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no repository root above ${start}`);
  }
}

export const repoRoot = findRepoRoot(__dirname);
export const distDir = path.join(repoRoot, 'dist');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures', 'handlers');

let parser: Promise<GoParser> | undefined;
/** One parser per test process (the wasm grammar loads once). */
export function goParser(): Promise<GoParser> {
  parser ??= loadGoParser(distDir);
  return parser;
}

/** A fresh scanner (no cached packages between tests). */
export function scanner(): Promise<HandlerScanner> {
  return HandlerScanner.create(distDir);
}

/** What a fixture annotation says one handler must be. */
export interface ExpectedHandler {
  line: number;
  function: string;
  route: string | null;
  method: string | null;
  framework: string;
}

const ANNOTATION = /\/\/ handler: function=(\S+) route=(\S+) method=(\S+) framework=(\S+)\s*$/;

/**
 * `// handler: function=… route=… method=… framework=…` at the end of a `func` line applies to that
 * line; on a comment line of its own, to the next line that is not a comment.
 */
export function expectedHandlers(source: string): ExpectedHandler[] {
  const lines = source.split('\n');
  const expected: ExpectedHandler[] = [];
  lines.forEach((text, i) => {
    const m = ANNOTATION.exec(text);
    if (!m) return;
    let line = i;
    if (/^\s*\/\//.test(text)) {
      while (line < lines.length && /^\s*(\/\/.*)?$/.test(lines[line] ?? '')) line++;
    }
    expected.push({
      line: line + 1,
      function: m[1] as string,
      route: m[2] === '-' ? null : (m[2] as string),
      method: m[3] === '*' ? null : (m[3] as string),
      framework: m[4] as string,
    });
  });
  return expected;
}
