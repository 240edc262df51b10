// Entry of dist/lintWorker.js: a worker thread of the lint pool that lints one package per request
// (src/protocol/lintWorker.ts).
import { workerData } from 'node:worker_threads';
import { lintWorker, lintWorkerHost } from '../protocol/lintWorker';
import { serveWorker } from '../protocol/workerThread';
import { PackageLinter, type LintJob, type LintWorkerData } from './lintPool';

const { wasmDir } = workerData as LintWorkerData;

// Requests wait in the port until the parser is loaded (once per worker); then each runs whole, its reply
// posted, before the next starts (the pool sends two at a time: a crash in the second must not lose the
// first's results). A failure to load fails every request, which the pool reports for the package.
PackageLinter.create(wasmDir).then(
  (linter) => serve(({ pkg, options }) => ({ results: linter.lint(pkg, options) })),
  (err: unknown) =>
    serve(() => {
      throw err;
    }),
);

function serve(lintPackage: (job: LintJob) => { results: ReturnType<PackageLinter['lint']> }): void {
  serveWorker({
    peer: 'the lint pool',
    thread: lintWorker,
    host: lintWorkerHost,
    requests: { lintPackage: async (job) => lintPackage(job) },
    events: {},
  });
}
