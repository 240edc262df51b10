/**
 * report.html's first views (src/pprof/firstView.ts): a session over first views answers the page's first
 * request exactly as a session over the decoded profile does, before anything is decoded; zooms,
 * searches and other views wait for the decode and then answer as the store does (the first view's node
 * ids are the store's).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { decodePackedProfile } from '../../../src/pprof/decode';
import { firstView, FirstViewEngine } from '../../../src/pprof/firstView';
import type { FlameNode } from '../../../src/pprof/model';
import { ProfileStore, type ProfileSummary } from '../../../src/pprof/profileStore';
import { ProfileSession, storeEngine, TOP_ROWS, type ProfileEngine } from '../../../src/pprof/session';
import type { flameHost } from '../../../src/protocol/flamePage';
import type { ParamsOf, ResultOf } from '../../../src/protocol/rpc';

const fixture = (name: string) => readFileSync(path.resolve('test/fixtures/pprof', name));
type Method = keyof typeof flameHost.requests;

/** A session over `files` in a store (report.html before first views), or over their first views with the decode held until `decode()`. */
async function sessionOver(files: string[], withFirstViews: boolean) {
  const packed = files.map((f) => decodePackedProfile(fixture(f)));
  const store = new ProfileStore();
  let decode!: () => void;
  const decoded = new Promise<void>((resolve) => (decode = resolve));
  let engine: ProfileEngine = storeEngine(store);
  let summaries: ProfileSummary[];
  if (withFirstViews) {
    const deferred = new FirstViewEngine(
      engine,
      packed.map((p) => ({ first: firstView(p, TOP_ROWS), opened: decoded.then(() => store.add(p)) })),
    );
    engine = deferred;
    summaries = await Promise.all(files.map((_, i) => deferred.summary(i)));
  } else {
    summaries = packed.map((p) => store.add(p));
    decode();
  }
  const profiles = summaries.map((summary, i) => ({ id: files[i] as string, title: files[i] as string, profile: { summary, release: () => {} } }));
  const session = new ProfileSession({
    title: files[0] as string,
    engine,
    profile: profiles[0]!.profile,
    listBases: async () => profiles.slice(1).map((p) => ({ ...p, open: async () => p.profile })),
  });
  const ask = <M extends Method>(method: M, params: ParamsOf<typeof flameHost, M>): Promise<ResultOf<typeof flameHost, M>> =>
    Promise.resolve((session.handlers[method] as (p: ParamsOf<typeof flameHost, M>) => ResultOf<typeof flameHost, M>)(params));
  return { ask, decode };
}

/** Whether `promise` is still pending after the tasks queued now have run. */
async function pending(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending');
  return (await Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve(marker), 20))])) === marker;
}

/**
 * A view or reply without node ids: node ids number the nodes in the order the store found them, which
 * depends on how finely the tree was pruned (first views are pruned for the widest graph).
 */
function withoutIds<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'id' ? undefined : v))) as T;
}

/** The node at the same path of names in another tree. */
function samePath(root: FlameNode, target: FlameNode, inTree: FlameNode): FlameNode {
  const path: string[] = [];
  const find = (n: FlameNode): boolean => {
    if (n === target) return true;
    for (const c of n.children) {
      path.push(`${c.name}\0${c.file}`);
      if (find(c)) return true;
      path.pop();
    }
    return false;
  };
  assert.ok(find(root));
  let node = inTree;
  for (const key of path) node = node.children.find((c) => `${c.name}\0${c.file}` === key) as FlameNode;
  assert.ok(node, `no ${target.name} in the other tree`);
  return node;
}

function truncatedNode(root: FlameNode): FlameNode {
  const stack = [...root.children];
  while (stack.length > 0) {
    const node = stack.shift() as FlameNode;
    if (node.truncated) return node;
    stack.push(...node.children);
  }
  throw new Error('no truncated node');
}

describe('first views (report.html)', () => {
  it('answer the first request as the decoded profile does, for any graph width, before anything is decoded', async () => {
    for (const file of ['heap-2.pb.gz', 'block.pb.gz', 'cpu.pb.gz']) {
      for (const graphWidth of [400, 1400, 4000, 9000]) {
        const plain = await sessionOver([file], false);
        const first = await sessionOver([file], true);
        assert.deepEqual(withoutIds(await first.ask('ready', { graphWidth })), withoutIds(await plain.ask('ready', { graphWidth })), `${file} at ${graphWidth} px`);
      }
    }
  });

  it("the first view's root at one pixel (the page filling in its first paint) comes before anything is decoded", async () => {
    for (const graphWidth of [800, 4000]) {
      const plain = await sessionOver(['block.pb.gz'], false);
      const first = await sessionOver(['block.pb.gz'], true);
      const view = await first.ask('ready', { graphWidth });
      const plainView = await plain.ask('ready', { graphWidth });
      const refined = first.ask('expandNode', { viewId: view.viewId, nodeId: view.tree.id });
      assert.equal(await pending(refined), false, 'answered from the first view');
      const expected = await plain.ask('expandNode', { viewId: plainView.viewId, nodeId: plainView.tree.id });
      assert.deepEqual(withoutIds(await refined), withoutIds(expected), `at ${graphWidth} px`);
    }
  });

  it('zoom and search wait for the decode, then answer as the store does (the same node ids)', async () => {
    const plain = await sessionOver(['block.pb.gz'], false);
    const first = await sessionOver(['block.pb.gz'], true);
    const view = await first.ask('ready', { graphWidth: 800 });
    const plainView = await plain.ask('ready', { graphWidth: 800 });
    const node = truncatedNode(view.tree);
    const zoomed = first.ask('expandNode', { viewId: view.viewId, nodeId: node.id });
    const searched = first.ask('search', { term: 'runtime' });
    assert.equal(await pending(zoomed), true, 'a zoom into what the first view folded waits for the profile');
    first.decode();
    const reply = await zoomed;
    assert.equal(reply.node.name, node.name, 'the first view\'s node ids are the store\'s');
    assert.equal(reply.node.total, node.total);
    const expected = await plain.ask('expandNode', { viewId: plainView.viewId, nodeId: samePath(view.tree, node, plainView.tree).id });
    assert.deepEqual(withoutIds(reply), withoutIds(expected));
    assert.deepEqual(await searched, await plain.ask('search', { term: 'runtime' }));
    // Deeper still, by the ids the store gave while zooming.
    const deeper = truncatedNode(reply.node);
    const deeperReply = await first.ask('expandNode', { viewId: view.viewId, nodeId: deeper.id });
    assert.equal(deeperReply.node.name, deeper.name);
    const deeperExpected = await plain.ask('expandNode', { viewId: plainView.viewId, nodeId: samePath(reply.node, deeper, expected.node).id });
    assert.deepEqual(withoutIds(deeperReply), withoutIds(deeperExpected));
  });

  it('other views (sample type, filter, inverted, compare) come from the decoded profiles', async () => {
    const plain = await sessionOver(['heap-2.pb.gz', 'heap-1.pb.gz'], false);
    const first = await sessionOver(['heap-2.pb.gz', 'heap-1.pb.gz'], true);
    await plain.ask('ready', { graphWidth: 1200 });
    await first.ask('ready', { graphWidth: 1200 });
    const inverted = first.ask('setInverted', { inverted: true });
    assert.equal(await pending(inverted), true);
    first.decode();
    assert.deepEqual(await inverted, await plain.ask('setInverted', { inverted: true }));
    assert.deepEqual(await first.ask('setInverted', { inverted: false }), await plain.ask('setInverted', { inverted: false }));
    assert.deepEqual(await first.ask('setSampleType', { sampleIndex: 1 }), await plain.ask('setSampleType', { sampleIndex: 1 }));
    assert.deepEqual(await first.ask('setFilter', { filter: { focus: 'sessions' } }), await plain.ask('setFilter', { filter: { focus: 'sessions' } }));
    assert.deepEqual(await first.ask('listBases', {}), await plain.ask('listBases', {}));
    const compared = await first.ask('compare', { baseId: 'heap-1.pb.gz' });
    assert.deepEqual(compared, await plain.ask('compare', { baseId: 'heap-1.pb.gz' }));
    assert.ok(compared.baseTotal !== undefined && compared.baseTotal > 0);
  });

  it('a profile that fails to decode fails the requests that need it, with its message', async () => {
    const profile = decodePackedProfile(fixture('heap-2.pb.gz'));
    const engine = new FirstViewEngine(storeEngine(new ProfileStore()), [{ first: firstView(profile, TOP_ROWS), opened: Promise.reject(new Error('heap-2.pb.gz: truncated')) }]);
    const summary = await engine.summary(0);
    const session = new ProfileSession({ title: 'heap-2.pb.gz', engine, profile: { summary, release: () => {} } });
    const view = await session.handlers.ready({ graphWidth: 1000 });
    assert.ok(view.total > 0);
    await assert.rejects(session.handlers.search({ term: 'main' }) as Promise<unknown>, /heap-2\.pb\.gz: truncated/);
    await assert.rejects(session.handlers.setInverted({ inverted: true }) as Promise<unknown>, /heap-2\.pb\.gz: truncated/);
  });
});
