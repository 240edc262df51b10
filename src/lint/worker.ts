// Entry of dist/lintWorker.js: a worker thread that lints one package per message it receives.
import { parentPort, workerData } from 'node:worker_threads';
import { PackageLinter, type LintJob, type LintJobReply, type LintWorkerData } from './lintPool';

const port = parentPort;
if (!port) throw new Error('lintWorker.js runs as a worker thread of the goroscope CLI');

const { wasmDir } = workerData as LintWorkerData;
// Loaded once per worker; a failure here rejects every job, which the pool reports as a crash.
const linter = PackageLinter.create(wasmDir);

port.on('message', (job: LintJob) => {
  void linter.then((l) => {
    const reply: LintJobReply = { results: l.lint(job.pkg, job.options) };
    port.postMessage(reply);
  }, (err: unknown) => {
    // Surfacing as an uncaught error makes the pool see the worker's 'error' event.
    setImmediate(() => {
      throw err;
    });
  });
});
