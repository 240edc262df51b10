import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './lspSession';

export const SERVER_FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'server');

/** A throw-away copy of test/fixtures/server/module: tests may edit files on disk. */
export function copyFixtureModule(): { dir: string; file: (name: string) => string; read: (name: string) => string; dispose: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'goroscope-server-'));
  cpSync(path.join(SERVER_FIXTURES, 'module'), dir, { recursive: true });
  return {
    dir,
    file: (name) => path.join(dir, name),
    read: (name) => readFileSync(path.join(dir, name), 'utf8'),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** 0-based line and UTF-16 column of the first occurrence of `needle` in `text`. */
export function positionOf(text: string, needle: string): { line: number; character: number } {
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`fixture does not contain ${JSON.stringify(needle)}`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: (before.at(-1) ?? '').length };
}

/** Applies LSP text edits (non-overlapping) to `text`. */
export function applyEdits(text: string, edits: ReadonlyArray<{ range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }>): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offsetOf = (p: { line: number; character: number }): number => (lineStarts[p.line] ?? text.length) + p.character;
  const sorted = [...edits].sort((a, b) => offsetOf(b.range.start) - offsetOf(a.range.start));
  let result = text;
  for (const edit of sorted) result = result.slice(0, offsetOf(edit.range.start)) + edit.newText + result.slice(offsetOf(edit.range.end));
  return result;
}
