// Entry point of the in-editor test suite, in the layout @vscode/test-electron expects: VS Code loads
// this module inside the extension host (test-electron's desktop build, or code-server driven by
// test/e2e/run.sh) and awaits run(). Every *.suite.js beside it is a mocha (tdd) file.
//
// Two environment variables connect it to the e2e driver, whose browser tab cannot see run()'s result:
//   GOROSCOPE_TEST_RESULTS  file that receives a JSON summary (passes, failures with messages);
//   GOROSCOPE_TEST_HOLD     file whose appearance lets run() return. Until then the extension host
//                           stays up so the driver can take screenshots of the live editor.
import Mocha from 'mocha';
import { existsSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One test's outcome, in the order the tests ran. */
export interface TestOutcome {
  title: string;
  state: 'passed' | 'failed';
  durationMs: number;
  message?: string;
  stack?: string;
}

/** What the suite reports to the e2e driver; test/e2e/driver.mjs reads the same shape. */
export interface SuiteResults {
  passes: number;
  failures: number;
  tests: TestOutcome[];
  durationMs: number;
}

const HOLD_LIMIT_MS = 10 * 60_000;

export async function run(): Promise<void> {
  const started = Date.now();
  const tests: TestOutcome[] = [];
  try {
    await runMocha(tests);
  } catch (err) {
    // A suite file that does not load is a failure to report, not a silent zero.
    tests.push({ title: 'loading the suite', state: 'failed', durationMs: 0, message: errorMessage(err), stack: errorStack(err) });
  }
  const failures = tests.filter((t) => t.state === 'failed').length;
  const results: SuiteResults = { passes: tests.length - failures, failures, tests, durationMs: Date.now() - started };
  writeResults(results);
  await holdWhileDriverWorks();
  if (failures > 0) throw new Error(`${failures} of ${tests.length} tests failed`);
}

function runMocha(tests: TestOutcome[]): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec' });
  for (const file of findSuiteFiles(__dirname)) mocha.addFile(file);
  return new Promise((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', (test) => {
      tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration ?? 0 });
    });
    runner.on('fail', (test, err: unknown) => {
      tests.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration ?? 0, message: errorMessage(err), stack: errorStack(err) });
    });
  });
}

function findSuiteFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...findSuiteFiles(full));
    else if (entry.name.endsWith('.suite.js')) files.push(full);
  }
  return files.sort();
}

function writeResults(results: SuiteResults): void {
  const target = process.env.GOROSCOPE_TEST_RESULTS;
  if (!target) return;
  // Written beside the target and renamed, so the driver never reads half a file.
  const partial = `${target}.partial`;
  writeFileSync(partial, JSON.stringify(results, null, 2));
  renameSync(partial, target);
}

async function holdWhileDriverWorks(): Promise<void> {
  const release = process.env.GOROSCOPE_TEST_HOLD;
  if (!release) return;
  const deadline = Date.now() + HOLD_LIMIT_MS;
  while (!existsSync(release) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function errorStack(err: unknown): string | undefined {
  return err instanceof Error ? err.stack : undefined;
}
