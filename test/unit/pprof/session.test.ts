import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ProfileWorker } from '../../../src/pprof/decodeInWorker';
import { decodeProfile } from '../../../src/pprof/decode';
import type { FlameNode } from '../../../src/pprof/model';
import { packProfile } from '../../../src/pprof/packed';
import { ProfileStore } from '../../../src/pprof/profileStore';
import { PRUNE_FRACTION, pruneFraction } from '../../../src/pprof/prune';
import { searchPattern } from '../../../src/pprof/search';
import { FIRST_VIEW_MIN_PIXELS, ProfileSession, storeEngine } from '../../../src/pprof/session';
import type { flameHost } from '../../../src/protocol/flamePage';
import type { ParamsOf, ResultOf } from '../../../src/protocol/rpc';

const fixture = (name: string) => readFileSync(path.resolve('test/fixtures/pprof', name));
/** A profile with frames between 1/4,000 and 1/400 of its total. */
const PRUNING_FIXTURE = 'block.pb.gz';

type Method = keyof typeof flameHost.requests;

/** A session over profiles in a store in this thread (as report.html runs it); `ask` is the page's request. */
function sessionOver(files: string[], extra: Partial<ConstructorParameters<typeof ProfileSession>[0]> = {}) {
  const store = new ProfileStore();
  const [first, ...rest] = files.map((f) => ({ name: f, profile: { summary: store.add(packProfile(decodeProfile(fixture(f)))), release: () => {} } }));
  const session = new ProfileSession({
    title: first!.name,
    engine: storeEngine(store),
    profile: first!.profile,
    listBases: async () => rest.map((r) => ({ id: r.name, title: r.name, open: async () => r.profile })),
    ...extra,
  });
  const ask = <M extends Method>(method: M, params: ParamsOf<typeof flameHost, M>): Promise<ResultOf<typeof flameHost, M>> =>
    Promise.resolve((session.handlers[method] as (p: ParamsOf<typeof flameHost, M>) => ResultOf<typeof flameHost, M>)(params));
  return { session, ask };
}

function walk(node: FlameNode, visit: (n: FlameNode) => void): void {
  visit(node);
  for (const c of node.children) walk(c, visit);
}

describe('ProfileSession', () => {
  it('answers ready with the default sample type, as pprof picks it (inuse_space for heap)', async () => {
    const { ask } = sessionOver(['heap-1.pb.gz']);
    const view = await ask('ready', {});
    assert.equal(view.sampleTypes[view.sampleIndex]?.type, 'inuse_space');
    assert.equal(view.unit, 'bytes');
    assert.equal(view.tree.total, view.total);
    assert.ok(view.total > 0);
    assert.equal(view.canOpenSource, false);
    assert.equal(view.canCompare, true);
  });

  it('sends a view’s top table when the page asks for it after the graph, largest flat first, and not for an older view', async () => {
    const { ask } = sessionOver(['heap-1.pb.gz']);
    const view = await ask('ready', {});
    assert.equal('top' in view, false, 'the first paint waits for the tree only');
    const table = await ask('topTable', { viewId: view.viewId });
    assert.equal(table.viewId, view.viewId);
    assert.ok(table.rows.length > 0);
    const flats = table.rows.map((r) => Math.abs(r.flat));
    assert.deepEqual(flats, [...flats].sort((a, b) => b - a));
    assert.equal(table.rows.reduce((sum, r) => sum + r.flat, 0), view.total, 'every function of the small profile, flat summing to the total');
    const inverted = await ask('setInverted', { inverted: true });
    await assert.rejects(ask('topTable', { viewId: view.viewId }), /view changed/);
    assert.deepEqual(await ask('topTable', { viewId: inverted.viewId }), { ...table, viewId: inverted.viewId }, 'inverting changes no function\'s flat or cum');
  });

  it('switches sample type and keeps the view id moving', async () => {
    const { ask } = sessionOver(['heap-1.pb.gz']);
    const first = await ask('ready', {});
    const alloc = await ask('setSampleType', { sampleIndex: 1 });
    assert.equal(alloc.sampleIndex, 1);
    assert.ok(alloc.viewId > first.viewId);
    await assert.rejects(ask('setSampleType', { sampleIndex: 99 }), /does not exist/);
  });

  it('reports a bad filter regexp and keeps the previous filter', async () => {
    const { ask } = sessionOver(['heap-1.pb.gz']);
    await ask('setFilter', { filter: { focus: 'http' } });
    await assert.rejects(ask('setFilter', { filter: { ignore: '(' } }), /ignore: invalid regular expression/);
    const view = await ask('setInverted', { inverted: false });
    assert.deepEqual(view.filter, { focus: 'http' });
  });

  it('measures a search over the whole view, every sample once', async () => {
    const { ask } = sessionOver(['heap-1.pb.gz']);
    const view = await ask('ready', {});
    assert.equal((await ask('search', { term: '.' })).matched, view.total);
    const some = await ask('search', { term: 'bytes\\.' });
    assert.ok(some.matched > 0 && some.matched < some.total, `${some.matched} of ${some.total}`);
    assert.equal((await ask('search', { term: 'no-such-function-anywhere' })).matched, 0);
  });

  it('sends a zoomed subtree pruned relative to the node, and refuses one from an older view', async () => {
    const { ask } = sessionOver(['heap-1.pb.gz']);
    const view = await ask('ready', {});
    const child = view.tree.children[0] as FlameNode;
    const sub = await ask('expandNode', { viewId: view.viewId, nodeId: child.id });
    assert.equal(sub.node.id, child.id);
    assert.equal(sub.node.total, child.total);
    walk(sub.node, (n) => assert.ok(n === sub.node || n.total >= sub.node.total * PRUNE_FRACTION));
    await ask('setInverted', { inverted: true });
    await assert.rejects(ask('expandNode', { viewId: view.viewId, nodeId: child.id }), /view changed/);
  });

  it('prunes the tree for the graph width the page reports, and again for a wider graph', async () => {
    const { ask } = sessionOver([PRUNING_FIXTURE]);
    const count = (root: FlameNode) => {
      let n = 0;
      walk(root, () => n++);
      return n;
    };
    const narrow = await ask('ready', { graphWidth: 400 });
    walk(narrow.tree, (n) => assert.ok(n === narrow.tree || n.total >= narrow.total / 400, `${n.name} is under a pixel of a 400 px graph`));
    const wide = await ask('setGraphWidth', { graphWidth: 4000 });
    walk(wide.tree, (n) => assert.ok(n === wide.tree || n.total >= wide.total / 4000));
    assert.ok(count(wide.tree) > count(narrow.tree), `${count(wide.tree)} frames for 4,000 px, ${count(narrow.tree)} for 400 px`);
    assert.equal(wide.total, narrow.total);
    // A zoomed subtree is pruned for the same width, relative to the node.
    const child = wide.tree.children[0] as FlameNode;
    const sub = await ask('expandNode', { viewId: wide.viewId, nodeId: child.id });
    walk(sub.node, (n) => assert.ok(n === sub.node || n.total >= sub.node.total / 4000));
    // Without a width (an older page), the fixed fraction; out-of-range widths are clamped.
    assert.equal(pruneFraction(undefined), PRUNE_FRACTION);
    assert.equal(pruneFraction(10), 1 / 400);
    assert.equal(pruneFraction(1e9), 1 / 4000);
  });

  it('sends the first view without boxes under two pixels, and its root at one pixel on expandNode', async () => {
    const { ask } = sessionOver([PRUNING_FIXTURE]);
    const boxes = (root: FlameNode) => {
      const out: string[] = [];
      const visit = (n: FlameNode, path: string) => {
        out.push(`${path}/${n.name}:${n.total}:${n.self}:${n.truncated === true}`);
        for (const c of n.children) visit(c, `${path}/${n.name}`);
      };
      visit(root, '');
      return out.sort();
    };
    const left: number[] = [];
    for (const graphWidth of [400, 1000, 2000, 4000]) {
      const first = await ask('ready', { graphWidth });
      walk(first.tree, (n) => assert.ok(n === first.tree || n.total >= (first.total * FIRST_VIEW_MIN_PIXELS) / graphWidth, `${n.name} is under two pixels`));
      const refined = await ask('expandNode', { viewId: first.viewId, nodeId: first.tree.id });
      const onePixel = await ask('setGraphWidth', { graphWidth });
      assert.deepEqual(boxes(refined.node), boxes(onePixel.tree), `the root refined is the one-pixel view at ${graphWidth} px`);
      left.push(boxes(refined.node).length - boxes(first.tree).length);
    }
    assert.ok(left.some((n) => n > 0), `boxes left out of the first view at each width: ${left.join(', ')}`);
  });

  it('compares against a base: deltas sum to the growth between two heap snapshots', async () => {
    const { ask } = sessionOver(['heap-2.pb.gz', 'heap-1.pb.gz']);
    await ask('ready', {});
    assert.deepEqual((await ask('listBases', {})).map((b) => b.id), ['heap-1.pb.gz']);
    const diff = await ask('compare', { baseId: 'heap-1.pb.gz' });
    assert.equal(diff.baseTitle, 'heap-1.pb.gz');
    const base = decodeProfile(fixture('heap-1.pb.gz'));
    const baseTotal = base.samples.reduce((s, x) => s + (x.values[diff.sampleIndex] ?? 0), 0);
    assert.equal(diff.tree.delta, diff.total - baseTotal);
    assert.equal(diff.baseTotal, baseTotal, 'shares of changes are of the base (pprof -diff_base)');
    const stop = await ask('compare', {});
    assert.equal(stop.baseTitle, undefined);
    assert.equal(stop.baseTotal, undefined);
    await assert.rejects(ask('compare', { baseId: 'gone' }), /no longer available/);
  });

  it('says so when opening source or saving is not available', async () => {
    const { ask } = sessionOver(['cpu.pb.gz']);
    await assert.rejects(ask('openSource', { function: 'main.main', file: 'x.go', line: 1 }), /not available/);
    await assert.rejects(ask('saveSnapshot', {}), /not available/);
  });

  it('passes open-source notes (an unmappable file) back to the page', async () => {
    const { ask } = sessionOver(['cpu.pb.gz'], { openSource: async (_fn, file) => `Can't map ${file}: no module` });
    assert.deepEqual(await ask('openSource', { function: 'main.main', file: '/build/x.go', line: 3 }), { note: "Can't map /build/x.go: no module" });
  });

  it('lets go of its profile and the bases it opened when disposed', async () => {
    const released: string[] = [];
    const store = new ProfileStore();
    const held = (name: string) => ({ summary: store.add(packProfile(decodeProfile(fixture(name)))), release: () => released.push(name) });
    const base = held('heap-1.pb.gz');
    const session = new ProfileSession({ title: 'heap-2', engine: storeEngine(store), profile: held('heap-2.pb.gz'), listBases: async () => [{ id: 'b', title: 'heap-1', open: async () => base }] });
    await session.handlers.ready({});
    await session.handlers.compare({ baseId: 'b' });
    session.dispose();
    assert.deepEqual(released.sort(), ['heap-1.pb.gz', 'heap-2.pb.gz']);
  });
});

describe('one profile core: the pprof worker and report.html run the same ProfileStore', () => {
  it('the worker builds the same view as the store in this thread, and the same search share', async () => {
    const worker = new ProfileWorker(path.resolve('dist/pprofWorker.js'));
    try {
      const bytes = fixture('heap-2.pb.gz');
      const summary = await worker.open(bytes);
      const request = { profileId: summary.profileId, sampleIndex: summary.defaultSampleIndex, filter: {} };
      const tree = await worker.tree({ ...request, minFraction: PRUNE_FRACTION });
      const store = new ProfileStore();
      const pageRequest = { ...request, profileId: store.add(packProfile(decodeProfile(bytes))).profileId };
      const pageTree = store.tree({ ...pageRequest, minFraction: PRUNE_FRACTION });
      assert.equal(tree.total, pageTree.total);
      assert.deepEqual(tree.root, pageTree.root);
      for (const term of ['http', 'cache|session', 'runtime\\.']) {
        const pattern = searchPattern(term);
        assert.deepEqual(await worker.search(tree.treeId, pattern), store.search(pageTree.treeId, pattern), term);
      }
    } finally {
      worker.dispose();
    }
  });

  it('acquire decodes a capture once for all who hold it, and again only after the last let go', async () => {
    const worker = new ProfileWorker(path.resolve('dist/pprofWorker.js'));
    try {
      let reads = 0;
      const bytes = () => (reads++, fixture('cpu.pb.gz'));
      const [panel, costs] = await Promise.all([worker.acquire('snap-1', bytes), worker.acquire('snap-1', bytes)]);
      assert.equal(panel.summary.profileId, costs.summary.profileId);
      assert.equal(reads, 1);
      assert.equal(worker.decodes, 1);
      costs.release();
      const handler = await worker.acquire('snap-1', bytes);
      assert.equal(handler.summary.profileId, panel.summary.profileId);
      assert.equal(worker.decodes, 1, 'still held by the panel: not decoded again');
      const other = await worker.acquire('snap-2', bytes);
      assert.notEqual(other.summary.profileId, panel.summary.profileId);
      assert.equal(worker.decodes, 2);
      // A failed open is not kept: the next acquire tries again.
      await assert.rejects(worker.acquire('bad', () => new Uint8Array([1, 2, 3])), /./);
      await assert.rejects(worker.acquire('bad', () => new Uint8Array([1, 2, 3])), /./);
      assert.equal(worker.decodes, 4);
    } finally {
      worker.dispose();
    }
  });
});
