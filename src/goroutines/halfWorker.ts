/**
 * Entry of dist/dumpHalfWorker.js: reads the second half of a large debug=2 dump for goroscope goroutines
 * (loadInTwoThreads.ts) while the CLI's own thread reads the first. Nothing else is loaded: the thread
 * starts while the CLI reads the file.
 */
import { dumpHalfWorker, dumpHalfWorkerHost } from '../protocol/dumpHalfWorker';
import { serveWorker } from '../protocol/workerThread';
import { readPartGoroutines } from './dumpHalves';

serveWorker({
  peer: 'goroscope goroutines',
  thread: dumpHalfWorker,
  host: dumpHalfWorkerHost,
  requests: {
    readPart: ({ bytes, start, end }) => readPartGoroutines(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', start, end)),
  },
  events: {},
});
