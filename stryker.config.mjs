// npm run test:mutation (Stryker; not in CI's path: a whole run takes about an hour on two cores).
// GOROSCOPE_MUTATE=leaks|goroutines|lint|diff (comma-separated) mutates one part and runs only its tests;
// without it, all four. The tests are bundled by scripts/build-tests.mjs once per sandbox (buildCommand),
// with the mutated sources inside; the tap runner runs each test file in a node process of its own (node's
// test runner prints TAP), and for each mutant only the files that cover it. Not mutated: the goroutines
// worker's thread plumbing (worker.ts, analyzeInWorker.ts), whose code runs in a worker thread where Stryker
// cannot switch mutants on. Tests that spawn dist/cli.js (test/cli) reach no mutant: a module's tests run it in
// process (load.ts's are test/unit/goroutines/load.test.ts).
const SCOPES = {
  leaks: { mutate: ['src/leaks/**/*.ts'], tests: ['out/test/unit/leaks/**/*.test.js'] },
  goroutines: {
    mutate: ['src/goroutines/**/*.ts', '!src/goroutines/worker.ts', '!src/goroutines/analyzeInWorker.ts'],
    tests: ['out/test/unit/goroutines/!(analyzeInWorker).test.js'],
  },
  lint: { mutate: ['src/lint/rules/**/*.ts'], tests: ['out/test/unit/lint/**/*.test.js'] },
  diff: { mutate: ['src/pprof/diff.ts'], tests: ['out/test/unit/pprof/diff.test.js'] },
};

const chosen = (process.env.GOROSCOPE_MUTATE ?? Object.keys(SCOPES).join(',')).split(',').map((s) => s.trim()).filter(Boolean);
for (const name of chosen) {
  if (!(name in SCOPES)) throw new Error(`GOROSCOPE_MUTATE: no part named ${name} (${Object.keys(SCOPES).join(', ')})`);
}
const scopes = chosen.map((name) => SCOPES[name]);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'tap',
  buildCommand: 'node scripts/build-tests.mjs',
  tap: { testFiles: scopes.flatMap((s) => s.tests) },
  mutate: scopes.flatMap((s) => s.mutate),
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 20000,
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['dist/**/*.js', 'dist/**/*.map', 'out', 'reports', 'test/e2e/artifacts', 'bench/results', '*.vsix'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${chosen.join('-')}.html` },
  jsonReporter: { fileName: `reports/mutation/${chosen.join('-')}.json` },
  disableTypeChecks: 'src/**/*.ts',
};
