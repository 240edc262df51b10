import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { decodeInWorker, ProfileWorker } from '../../../src/pprof/decodeInWorker';
import { decodeProfile } from '../../../src/pprof/decode';
import { ProfileError } from '../../../src/pprof/errors';
import { buildCallTree } from '../../../src/pprof/flameTree';
import { topFunctions } from '../../../src/pprof/top';
import { DIST } from '../../cli/cliRunner';
import { readFixture } from './fixtures';

const SCRIPT = path.join(DIST, 'pprofWorker.js');

describe('ProfileWorker (dist/pprofWorker.js)', () => {
  const worker = new ProfileWorker(SCRIPT);
  after(() => worker.dispose());

  test('search: the matched share equals the stacks with a matching frame, counted once', async () => {
    const bytes = readFixture('heap-2');
    const summary = await worker.open(bytes);
    const tree = await worker.tree({ profileId: summary.profileId, minFraction: 0.01 });
    const profile = decodeProfile(bytes);
    const index = summary.defaultSampleIndex;
    let expected = 0;
    for (const s of profile.samples) {
      if (s.stack.some((f) => /sessions/i.test(profile.frames[f]?.name ?? ''))) expected += s.values[index] ?? 0;
    }
    const result = await worker.search(tree.treeId, '(?i)sessions');
    assert.ok(expected > 0, 'the fixture holds the session store');
    assert.equal(result.matched, expected);
    assert.equal(result.total, tree.total);
    assert.equal((await worker.search(tree.treeId, 'no-such-function-anywhere')).matched, 0);
  });

  test('decodes in the worker: the model equals a direct decode', async () => {
    const bytes = readFixture('heap-2');
    assert.deepEqual(await decodeInWorker(bytes, SCRIPT), decodeProfile(bytes));
  });

  test('open → tree → subtree → top, the same numbers as the core in-process', async () => {
    const bytes = readFixture('allocs');
    const summary = await worker.open(bytes);
    assert.equal(summary.sampleTypes[summary.defaultSampleIndex]?.type, 'alloc_space');
    assert.ok(bytes.length > 0, "the caller's bytes stay usable");
    const local = buildCallTree(decodeProfile(bytes), summary.defaultSampleIndex);
    const tree = await worker.tree({ profileId: summary.profileId, minFraction: 0.05 });
    assert.deepEqual(tree.root, local.flameNode(0, 0.05));
    assert.equal(tree.total, local.rootTotal);
    const deep = tree.root.children[0]?.children[0];
    assert.ok(deep);
    const sub = await worker.subtree(tree.treeId, deep.id, 0.01);
    assert.deepEqual(sub.root, local.flameNode(deep.id, 0.01));
    assert.deepEqual(sub.path, local.pathTo(deep.id));
    const top = await worker.top({ profileId: summary.profileId, sampleIndex: 'inuse_space', filter: { focus: 'sessions' } });
    const want = topFunctions(decodeProfile(bytes), 3, { focus: 'sessions' });
    assert.equal(top.sampleType.type, 'inuse_space');
    assert.deepEqual(top.rows, want.rows);
    await worker.close(summary.profileId);
    await assert.rejects(worker.top({ profileId: summary.profileId }), ProfileError);
  });

  test('inverted and diff views', async () => {
    const older = await worker.open(readFixture('heap-1'));
    const newer = await worker.open(readFixture('heap-2'));
    const diff = await worker.tree({ profileId: newer.profileId, baseId: older.profileId, minFraction: 0 });
    assert.ok(diff.root.delta !== undefined);
    const inverted = await worker.tree({ profileId: newer.profileId, inverted: true, minFraction: 0 });
    assert.ok(inverted.root.children.some((n) => n.name === 'example.com/leaky-service/internal/sessions.(*Store).Create' && n.children.length > 0));
  });

  test('bad input rejects with the ProfileError, and the worker keeps serving', async () => {
    await assert.rejects(worker.open(new TextEncoder().encode('<html>404</html>')), (err: Error) => err instanceof ProfileError && /HTML page/.test(err.message));
    await assert.rejects(worker.open(new Uint8Array(0)), ProfileError);
    const ok = await worker.open(readFixture('goroutine'));
    assert.equal(ok.sampleTypes[0]?.type, 'goroutine');
    await assert.rejects(worker.tree({ profileId: ok.profileId, sampleIndex: 'nope' }), /no sample type "nope"/);
    await assert.rejects(worker.subtree(99999, 0), /no longer available/);
  });

  test('the caller stays responsive while the worker decodes', async () => {
    const bytes = readFixture('allocs');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await Promise.all(Array.from({ length: 20 }, () => worker.open(bytes).then((s) => worker.tree({ profileId: s.profileId }))));
    clearInterval(timer);
    assert.ok(ticks > 0);
  });

  test('a disposed worker rejects new calls', async () => {
    const w = new ProfileWorker(SCRIPT);
    w.dispose();
    await assert.rejects(w.open(readFixture('cpu')), /stopped/);
  });
});
