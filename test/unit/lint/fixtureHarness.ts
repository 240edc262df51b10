import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { GoAnalyzer } from '../../../src/lint/analyzer';
import type { Finding, TextEdit } from '../../../src/lint/types';

/** The repository root: tests run from out/test/…, so walk up to package.json. */
function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export const repoRoot = findRepoRoot(__dirname);
export const distDir = path.join(repoRoot, 'dist');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures', 'lint');

let shared: Promise<GoAnalyzer> | undefined;
/** One analyzer per test process (the wasm grammar loads once). */
export function analyzer(): Promise<GoAnalyzer> {
  shared ??= GoAnalyzer.create(distDir);
  return shared;
}

/** Applies non-overlapping edits to a source, last first. */
export function applyEdits(source: string, edits: TextEdit[]): string {
  const lines = source.split('\n');
  const offset = (line: number, character: number) => lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start.line, b.range.start.character) - offset(a.range.start.line, a.range.start.character));
  let out = source;
  for (const e of sorted) {
    const start = offset(e.range.start.line, e.range.start.character);
    const end = offset(e.range.end.line, e.range.end.character);
    out = out.slice(0, start) + e.newText + out.slice(end);
  }
  return out;
}

interface Want {
  line: number;
  pattern: RegExp;
  noFix: boolean;
}

/** `// want "regexp"` (optionally followed by `nofix`) on the line where a finding must start. */
function wantsOf(source: string): Want[] {
  const wants: Want[] = [];
  source.split('\n').forEach((text, line) => {
    const m = /\/\/ want "((?:[^"\\]|\\.)*)"( nofix)?/.exec(text);
    if (m?.[1] !== undefined) wants.push({ line, pattern: new RegExp(m[1].replace(/\\"/g, '"')), noFix: !!m[2] });
  });
  return wants;
}

function goFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...goFilesUnder(full));
    else if (e.name.endsWith('.go')) out.push(full);
  }
  return out.sort();
}

/**
 * analysistest, for our rules: every Go file under test/fixtures/lint/<rule>/ is indexed, then each is
 * linted as its own test. Findings of `rule` must match the file's `// want` annotations exactly
 * (line and message); a `<file>.golden` beside a fixture is the file after applying every fix offered.
 */
export function describeFixtures(rule: string): void {
  const dir = path.join(fixturesDir, rule);
  const files = goFilesUnder(dir);
  test(`${rule}: fixture directory has fixtures`, () => {
    assert.ok(files.length > 0, `no fixtures under ${dir}`);
  });
  for (const file of files) {
    const name = path.relative(dir, file);
    test(`${rule}: ${name}`, async () => {
      const a = await analyzer();
      for (const f of files) a.indexFile(f, readFileSync(f, 'utf8'));
      const source = readFileSync(file, 'utf8');
      const findings = a.lintFile(file, source).filter((f) => f.rule === rule);
      const wants = wantsOf(source);
      const problems: string[] = [];
      for (const w of wants) {
        const here = findings.filter((f) => f.range.start.line === w.line);
        if (here.length === 0) problems.push(`line ${w.line + 1}: expected a finding matching ${w.pattern}, got none`);
        else if (!here.some((f) => w.pattern.test(f.message))) {
          problems.push(`line ${w.line + 1}: expected ${w.pattern}, got ${JSON.stringify(here.map((f) => f.message))}`);
        } else if (w.noFix && here.some((f) => f.fixes.length > 0)) problems.push(`line ${w.line + 1}: expected no quick fix, got ${here[0]?.fixes[0]?.title}`);
      }
      for (const f of findings) {
        if (!wants.some((w) => w.line === f.range.start.line)) problems.push(`line ${f.range.start.line + 1}: unexpected finding: ${f.message}`);
      }
      assert.deepEqual(problems, [], problems.join('\n'));
      const golden = `${file}.golden`;
      if (existsSync(golden)) {
        const edits = findings.flatMap((f: Finding) => f.fixes[0]?.edits ?? []);
        assert.ok(edits.length > 0, 'a .golden file exists but no fix was offered');
        assert.equal(applyEdits(source, edits), readFileSync(golden, 'utf8'));
      }
    });
  }
  // The CLI and the pool lint whole packages, parsing only the files some rule may report in (Rule.mayReport)
  // and the files the index's questions open: each package of fixtures must give what every file linted
  // against a fully parsed index gives.
  for (const dir of [...new Set(files.map((f) => path.dirname(f)))]) {
    test(`${rule}: ${path.relative(fixturesDir, dir) || '.'} linted as a package finds what each file finds`, async () => {
      const full = await analyzer();
      for (const f of files) full.indexFile(f, readFileSync(f, 'utf8'));
      const sources = files.filter((f) => path.dirname(f) === dir).map((f) => ({ file: f, source: readFileSync(f, 'utf8') }));
      const expected = sources.map(({ file, source }) => ({ file, findings: full.lintFile(file, source) }));
      const fresh = await GoAnalyzer.create(distDir);
      const actual = fresh.lintPackage(sources).map(({ file, findings }) => ({ file, findings }));
      assert.deepEqual(actual, expected);
    });
  }
}
