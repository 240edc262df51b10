// Entry of dist/lintWorker.js: a worker thread of the lint pool that lints one package per request
// (src/protocol/lintWorker.ts).
import { workerData } from 'node:worker_threads';
import { lintWorker, lintWorkerHost } from '../protocol/lintWorker';
import { serveWorker } from '../protocol/workerThread';
import { PackageLinter, type LintWorkerData } from './lintPool';

const { wasmDir } = workerData as LintWorkerData;
// Loaded once per worker; a failure here fails every request, which the pool reports for the package.
const linter = PackageLinter.create(wasmDir);
linter.catch(() => undefined);

serveWorker({
  peer: 'the lint pool',
  thread: lintWorker,
  host: lintWorkerHost,
  requests: { lintPackage: async ({ pkg, options }) => ({ results: (await linter).lint(pkg, options) }) },
  events: {},
});
