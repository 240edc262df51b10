import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { goEnv } from '../../../goToolchain';
import { analyzer, repoRoot } from '../fixtureHarness';

// http-body-not-closed against timakin's bodyclose on bodyclose's own testdata (package a, the package its
// analysistest runs): every diagnostic its `// want` comments expect must be ours too (at least its recall),
// and whatever we report beyond them must be a judged case below (without its false positives). The module
// is the version bench/bodyclose builds, fetched through the module proxy into the module cache.

const MODULE = 'github.com/timakin/bodyclose';

/**
 * Our findings the testdata does not want, each judged by reading the code: `file:line` → why it is
 * still a leak. An unjudged extra finding fails the test.
 */
const JUDGED_EXTRAS: Record<string, string> = {
  'handledresponse.go:19':
    '`_, _ = handledResponse()` drops a response from http.Get: a real leak. bodyclose stays quiet only because the function carries its own //bodyclose:handled directive (a suppression, like our //nolint).',
};

function pinnedVersion(): string {
  const goMod = readFileSync(path.join(repoRoot, 'bench', 'bodyclose', 'go.mod'), 'utf8');
  const version = new RegExp(`^\\s*(?:require\\s+)?${MODULE.replace(/\./g, '\\.')}\\s+(\\S+)`, 'm').exec(goMod)?.[1];
  assert.ok(version, `bench/bodyclose/go.mod does not require ${MODULE}`);
  return version;
}

test("http-body-not-closed finds every leak bodyclose's testdata (package a) wants, and nothing else unjudged", { timeout: 300_000 }, async (t) => {
  const { stdout } = await promisify(execFile)('go', ['mod', 'download', '-json', `${MODULE}@${pinnedVersion()}`], {
    env: goEnv({ GOFLAGS: '-mod=mod' }),
    timeout: 240_000,
  });
  const moduleDir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  assert.ok(moduleDir, `go mod download gave no directory: ${stdout}`);
  const dir = path.join(moduleDir, 'passes', 'bodyclose', 'testdata', 'src', 'a');
  const files = readdirSync(dir)
    .filter((n) => n.endsWith('.go'))
    .map((n) => ({ file: path.join(dir, n), source: readFileSync(path.join(dir, n), 'utf8') }));
  assert.ok(files.length >= 10, `only ${files.length} Go files in ${dir}`);

  const wants = new Set(
    files.flatMap(({ file, source }) =>
      source.split('\n').flatMap((text, i) => (/\/\/ want "/.test(text) ? [`${path.basename(file)}:${i + 1}`] : [])),
    ),
  );
  const a = await analyzer();
  const ours = new Set(
    a
      .lintPackage(files)
      .flatMap((r) => r.findings.filter((f) => f.rule === 'http-body-not-closed').map((f) => `${path.basename(r.file)}:${f.range.start.line + 1}`)),
  );
  const missed = [...wants].filter((w) => !ours.has(w));
  const extras = [...ours].filter((o) => !wants.has(o));
  t.diagnostic(`wants found ${wants.size - missed.length}/${wants.size}; ours not wanted ${extras.length} (${extras.join(', ') || 'none'})`);
  assert.ok(wants.size >= 12, `only ${wants.size} // want comments: is this still bodyclose's package a?`);
  assert.deepEqual(missed, [], 'leaks bodyclose reports and we miss');
  assert.deepEqual(extras.sort(), Object.keys(JUDGED_EXTRAS).sort(), 'our findings bodyclose does not want, beyond the judged ones');
});
