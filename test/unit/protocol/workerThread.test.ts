/**
 * The request/reply mechanism over a real worker thread (src/protocol/workerThread.ts, the pprof worker's
 * bundle dist/pprofWorker.js, as the extension host and the CLI start it): typed replies, a timeout whose
 * late reply is dropped, dispose rejecting what is pending and refusing new calls without ever starting
 * the worker again, and the worker's errors arriving with their class and fields.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ProfileError } from '../../../src/pprof/errors';
import type { ProfileSummary } from '../../../src/pprof/profileStore';
import { PPROF_ERRORS, pprofHost, pprofWorker } from '../../../src/protocol/pprofWorker';
import { ChannelClosedError, RequestTimeoutError } from '../../../src/protocol/rpc';
import { WorkerChannel } from '../../../src/protocol/workerThread';
import { DIST } from '../../cli/cliRunner';
import { readFixture } from '../pprof/fixtures';

function channel(): WorkerChannel<typeof pprofHost, typeof pprofWorker> {
  return new WorkerChannel({
    script: path.join(DIST, 'pprofWorker.js'),
    peer: 'the profile worker',
    host: pprofHost,
    thread: pprofWorker,
    requests: {},
    events: {},
    errors: PPROF_ERRORS,
    timeoutMs: 60_000,
  });
}

const open = (c: ReturnType<typeof channel>, name: string, timeoutMs?: number): Promise<ProfileSummary> => {
  const bytes = new Uint8Array(readFixture(name));
  return c.request('open', { bytes, limit: {} }, { transfer: [bytes.buffer], ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
};

describe('WorkerChannel over the pprof worker thread', () => {
  test('typed requests get their replies from the thread', async () => {
    const c = channel();
    try {
      const summary = await open(c, 'heap-1');
      assert.deepEqual(summary.sampleTypes.map((t) => t.type), ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']);
      const top = await c.request('top', { profileId: summary.profileId });
      assert.ok(top.total > 0);
      assert.equal(await c.request('close', { profileId: summary.profileId }), null);
    } finally {
      c.dispose();
    }
  });

  test('a request not answered in time rejects with RequestTimeoutError; its late reply is dropped and the thread keeps answering', async () => {
    const c = channel();
    try {
      // The thread is not even started 1 ms after the first request: its reply is certainly late.
      await assert.rejects(open(c, 'heap-1', 1), (err: unknown) => err instanceof RequestTimeoutError && /the profile worker did not answer "open" within 1 ms/.test(err.message));
      const summary = await open(c, 'cpu');
      assert.equal(summary.sampleTypes[1]?.type, 'cpu');
    } finally {
      c.dispose();
    }
  });

  test('dispose rejects what is pending, refuses new calls and never starts the thread again', async () => {
    const c = channel();
    const pending = open(c, 'heap-1');
    assert.ok(c.running);
    c.dispose();
    await assert.rejects(pending, (err: unknown) => err instanceof ChannelClosedError && /the profile worker was stopped/.test(err.message));
    assert.equal(c.running, false);
    await assert.rejects(open(c, 'cpu'), ChannelClosedError);
    assert.equal(c.running, false, 'a call after dispose starts no thread');
  });

  test("the thread's errors keep their class and fields: a profile over the size limit is a ProfileError with its maxBytes", async () => {
    const c = channel();
    try {
      const bytes = new Uint8Array(readFixture('heap-1'));
      await assert.rejects(c.request('open', { bytes, limit: { maxBytes: 1024, limitName: '--max-size' } }), (err: unknown) => {
        assert.ok(err instanceof ProfileError, `a ${String(err)}`);
        assert.match(err.message, /larger than the size limit of 1 KiB.*--max-size/);
        assert.equal((err as ProfileError & { maxBytes?: number }).maxBytes, 1024);
        return true;
      });
      await assert.rejects(c.request('top', { profileId: 424242 }), ProfileError);
    } finally {
      c.dispose();
    }
  });
});
