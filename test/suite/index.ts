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

/** What the suite reports to the e2e driver; test/e2e/driver.mjs reads the same shape. */
export interface SuiteResults {
  passes: { title: string; durationMs: number }[];
  failures: { title: string; message: string; stack?: string }[];
  durationMs: number;
}

const HOLD_LIMIT_MS = 10 * 60_000;

export async function run(): Promise<void> {
  const started = Date.now();
  const results: SuiteResults = { passes: [], failures: [], durationMs: 0 };
  try {
    await runMocha(results);
  } catch (err) {
    // A suite file that does not load is a failure to report, not a silent zero.
    results.failures.push({ title: 'loading the suite', message: errorMessage(err), stack: errorStack(err) });
  }
  results.durationMs = Date.now() - started;
  writeResults(results);
  await holdWhileDriverWorks();
  if (results.failures.length > 0) {
    throw new Error(`${results.failures.length} of ${results.passes.length + results.failures.length} tests failed`);
  }
}

function runMocha(results: SuiteResults): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec' });
  for (const file of findSuiteFiles(__dirname)) mocha.addFile(file);
  return new Promise((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', (test) => {
      results.passes.push({ title: test.fullTitle(), durationMs: test.duration ?? 0 });
    });
    runner.on('fail', (test, err: unknown) => {
      results.failures.push({ title: test.fullTitle(), message: errorMessage(err), stack: errorStack(err) });
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
