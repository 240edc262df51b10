import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { parseGoroutineDump } from '../../../../src/goroutines/parseDump';
import { goEnv } from '../../../goToolchain';
import { analyzer, describeFixtures, fixturesDir } from '../fixtureHarness';

const RULE = 'goroutine-stuck-on-channel';
const dir = path.join(fixturesDir, RULE);

// Fixtures: test/fixtures/lint/goroutine-stuck-on-channel/ (annotated with // want, the quick fix checked
// against fix.go.golden).
describeFixtures(RULE);

/** The fixture files the rule is judged on (proof_test.go drives them; work.go is their shared work). */
function fixtureFiles(): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.go') && !name.endsWith('_test.go'))
    .map((name) => path.join(dir, name));
}

test("the runtime proves exactly the leaks the rule reports: Go 1.27's goroutineleak profile after proof_test.go drove every fixture", { timeout: 600_000 }, async () => {
  // Every exported fixture function is driven by proof_test.go, negatives included.
  const driver = readFileSync(path.join(dir, 'proof_test.go'), 'utf8');
  const undriven = fixtureFiles()
    .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/^(?:func|var) ([A-Z]\w*)/gm)].map((m) => m[1] ?? ''))
    .filter((name) => !new RegExp(`\\b${name}\\(`).test(driver));
  assert.deepEqual(undriven, [], 'fixture functions proof_test.go does not drive');

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'goroscope-leakproof-'));
  try {
    const profile = path.join(tmp, 'goroutineleak.txt');
    await promisify(execFile)('go', ['test', '-count=1', '-timeout=300s', '-run', '^TestDriveFixtures$', '.'], {
      cwd: dir,
      env: goEnv({ GOROSCOPE_LEAK_PROFILE: profile, GOFLAGS: '-mod=mod' }),
      timeout: 540_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const dump = parseGoroutineDump(readFileSync(profile, 'utf8'));
    const proven = new Set(
      dump.goroutines
        .filter((g) => g.leaked && g.createdBy && path.dirname(g.createdBy.file) === dir)
        .map((g) => `${path.basename(g.createdBy!.file)}:${g.createdBy!.line}`),
    );

    const a = await analyzer();
    for (const file of fixtureFiles()) a.indexFile(file, readFileSync(file, 'utf8'));
    const reported = new Set(
      fixtureFiles().flatMap((file) =>
        a
          .lintFile(file, readFileSync(file, 'utf8'))
          .filter((f) => f.rule === RULE)
          .map((f) => `${path.basename(file)}:${f.range.start.line + 1}`),
      ),
    );
    assert.ok(reported.size >= 10, `only ${reported.size} findings in the fixtures`);
    // The go statement's line is where Go says the goroutine was created.
    assert.deepEqual([...proven].sort(), [...reported].sort());
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
