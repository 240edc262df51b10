import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ProfileWorker } from '../../../src/pprof/decodeInWorker';
import { decodeProfile } from '../../../src/pprof/decode';
import type { FlameNode } from '../../../src/pprof/model';
import { ProfileSession } from '../../../src/extension/panel/session';
import { workerEngine } from '../../../src/extension/panel/workerEngine';
import { dispatchRequest, MessageType, PRUNE_FRACTION, pruneFraction, type WebviewRequest } from '../../../src/protocol/panel';
import { searchPattern } from '../../../src/protocol/search';
import { ReportEngine } from '../../../webview-ui/reportEngine';

const fixture = (name: string) => readFileSync(path.resolve('test/fixtures/pprof', name));
/** A profile with frames between 1/4,000 and 1/400 of its total. */
const PRUNING_FIXTURE = 'block.pb.gz';

function sessionOver(files: string[], extra: Partial<ConstructorParameters<typeof ProfileSession>[0]> = {}) {
  const engine = new ReportEngine();
  const [first, ...rest] = files.map((f) => ({ name: f, summary: engine.add(decodeProfile(fixture(f))) }));
  const session = new ProfileSession({
    title: first!.name,
    engine,
    summary: first!.summary,
    listBases: async () => rest.map((r) => ({ id: r.name, title: r.name, open: async () => r.summary })),
    ...extra,
  });
  const ask = <M extends WebviewRequest>(m: M) => dispatchRequest(session.handlers, m);
  return { session, ask };
}

function walk(node: FlameNode, visit: (n: FlameNode) => void): void {
  visit(node);
  for (const c of node.children) walk(c, visit);
}

describe('ProfileSession', () => {
  it('answers Ready with the default sample type, as pprof picks it (inuse_space for heap)', async () => {
    const { ask } = sessionOver(['heap-1.pb.gz']);
    const reply = await ask({ type: MessageType.Ready });
    assert.equal(reply.type, MessageType.Init);
    if (reply.type !== MessageType.Init) return;
    const { view } = reply;
    assert.equal(view.sampleTypes[view.sampleIndex]?.type, 'inuse_space');
    assert.equal(view.unit, 'bytes');
    assert.equal(view.tree.total, view.total);
    assert.ok(view.total > 0);
    assert.ok(view.top.length > 0);
    assert.equal(view.canOpenSource, false);
    assert.equal(view.canCompare, true);
  });

  it('switches sample type and keeps the view id moving', async () => {
    const { ask } = sessionOver(['heap-1.pb.gz']);
    const first = await ask({ type: MessageType.Ready });
    const alloc = await ask({ type: MessageType.SetSampleType, sampleIndex: 1 });
    if (first.type !== MessageType.Init || alloc.type !== MessageType.View) assert.fail('wrong replies');
    assert.equal(alloc.view.sampleIndex, 1);
    assert.ok(alloc.view.viewId > first.view.viewId);
    await assert.rejects(ask({ type: MessageType.SetSampleType, sampleIndex: 99 }), /does not exist/);
  });

  it('reports a bad filter regexp and keeps the previous filter', async () => {
    const { ask } = sessionOver(['heap-1.pb.gz']);
    await ask({ type: MessageType.SetFilter, filter: { focus: 'http' } });
    await assert.rejects(ask({ type: MessageType.SetFilter, filter: { ignore: '(' } }), /ignore: invalid regular expression/);
    const reply = await ask({ type: MessageType.SetInverted, inverted: false });
    if (reply.type !== MessageType.View) assert.fail('expected a view');
    assert.deepEqual(reply.view.filter, { focus: 'http' });
  });

  it('measures a search over the whole view, every sample once', async () => {
    const { ask } = sessionOver(['heap-1.pb.gz']);
    const init = await ask({ type: MessageType.Ready });
    if (init.type !== MessageType.Init) assert.fail('expected init');
    const all = await ask({ type: MessageType.Search, term: '.' });
    assert.equal(all.type === MessageType.SearchResult && all.matched, init.view.total);
    const some = await ask({ type: MessageType.Search, term: 'bytes\\.' });
    if (some.type !== MessageType.SearchResult) assert.fail('expected a search result');
    assert.ok(some.matched > 0 && some.matched < some.total, `${some.matched} of ${some.total}`);
    const none = await ask({ type: MessageType.Search, term: 'no-such-function-anywhere' });
    assert.equal(none.type === MessageType.SearchResult && none.matched, 0);
  });

  it('sends a zoomed subtree pruned relative to the node, and refuses one from an older view', async () => {
    const { ask } = sessionOver(['heap-1.pb.gz']);
    const init = await ask({ type: MessageType.Ready });
    if (init.type !== MessageType.Init) assert.fail('expected init');
    const child = init.view.tree.children[0] as FlameNode;
    const sub = await ask({ type: MessageType.ExpandNode, viewId: init.view.viewId, nodeId: child.id });
    if (sub.type !== MessageType.Subtree) assert.fail('expected a subtree');
    assert.equal(sub.node.id, child.id);
    assert.equal(sub.node.total, child.total);
    walk(sub.node, (n) => assert.ok(n === sub.node || n.total >= sub.node.total * PRUNE_FRACTION));
    await ask({ type: MessageType.SetInverted, inverted: true });
    await assert.rejects(ask({ type: MessageType.ExpandNode, viewId: init.view.viewId, nodeId: child.id }), /view changed/);
  });

  it('prunes the tree for the graph width the page reports, and again for a wider graph', async () => {
    const { ask } = sessionOver([PRUNING_FIXTURE]);
    const count = (root: FlameNode) => {
      let n = 0;
      walk(root, () => n++);
      return n;
    };
    const narrow = await ask({ type: MessageType.Ready, graphWidth: 400 });
    if (narrow.type !== MessageType.Init) assert.fail('expected init');
    walk(narrow.view.tree, (n) => assert.ok(n === narrow.view.tree || n.total >= narrow.view.total / 400, `${n.name} is under a pixel of a 400 px graph`));
    const wide = await ask({ type: MessageType.SetGraphWidth, graphWidth: 4000 });
    if (wide.type !== MessageType.View) assert.fail('expected a view');
    walk(wide.view.tree, (n) => assert.ok(n === wide.view.tree || n.total >= wide.view.total / 4000));
    assert.ok(count(wide.view.tree) > count(narrow.view.tree), `${count(wide.view.tree)} frames for 4,000 px, ${count(narrow.view.tree)} for 400 px`);
    assert.equal(wide.view.total, narrow.view.total);
    // A zoomed subtree is pruned for the same width, relative to the node.
    const child = wide.view.tree.children[0] as FlameNode;
    const sub = await ask({ type: MessageType.ExpandNode, viewId: wide.view.viewId, nodeId: child.id });
    if (sub.type !== MessageType.Subtree) assert.fail('expected a subtree');
    walk(sub.node, (n) => assert.ok(n === sub.node || n.total >= sub.node.total / 4000));
    // Without a width (an older page), the fixed fraction; out-of-range widths are clamped.
    assert.equal(pruneFraction(undefined), PRUNE_FRACTION);
    assert.equal(pruneFraction(10), 1 / 400);
    assert.equal(pruneFraction(1e9), 1 / 4000);
  });

  it('compares against a base: deltas sum to the growth between two heap snapshots', async () => {
    const { ask } = sessionOver(['heap-2.pb.gz', 'heap-1.pb.gz']);
    await ask({ type: MessageType.Ready });
    const bases = await ask({ type: MessageType.ListBases });
    assert.deepEqual(bases.type === MessageType.BaseList && bases.bases.map((b) => b.id), ['heap-1.pb.gz']);
    const diff = await ask({ type: MessageType.Compare, baseId: 'heap-1.pb.gz' });
    if (diff.type !== MessageType.View) assert.fail('expected a view');
    assert.equal(diff.view.baseTitle, 'heap-1.pb.gz');
    const base = decodeProfile(fixture('heap-1.pb.gz'));
    const baseTotal = base.samples.reduce((s, x) => s + (x.values[diff.view.sampleIndex] ?? 0), 0);
    assert.equal(diff.view.tree.delta, diff.view.total - baseTotal);
    assert.equal(diff.view.baseTotal, baseTotal, 'shares of changes are of the base (pprof -diff_base)');
    const stop = await ask({ type: MessageType.Compare });
    assert.equal(stop.type === MessageType.View && stop.view.baseTitle, undefined);
    assert.equal(stop.type === MessageType.View && stop.view.baseTotal, undefined);
    await assert.rejects(ask({ type: MessageType.Compare, baseId: 'gone' }), /no longer available/);
  });

  it('says so when opening source or saving is not available', async () => {
    const { ask } = sessionOver(['cpu.pb.gz']);
    await assert.rejects(ask({ type: MessageType.OpenSource, function: 'main.main', file: 'x.go', line: 1 }), /not available/);
    await assert.rejects(ask({ type: MessageType.SaveSnapshot }), /not available/);
  });

  it('passes open-source notes (an unmappable file) back to the page', async () => {
    const { ask } = sessionOver(['cpu.pb.gz'], { openSource: async (_fn, file) => `Can't map ${file}: no module` });
    const reply = await ask({ type: MessageType.OpenSource, function: 'main.main', file: '/build/x.go', line: 3 });
    assert.deepEqual(reply, { type: MessageType.Done, note: "Can't map /build/x.go: no module" });
  });
});

describe('workerEngine (the extension host path, through dist/pprofWorker.js)', () => {
  it('builds the same view as the page engine, and the same search share', async () => {
    const worker = new ProfileWorker(path.resolve('dist/pprofWorker.js'));
    try {
      const engine = workerEngine(worker);
      const bytes = fixture('heap-2.pb.gz');
      const summary = await engine.open(bytes);
      const request = { profileId: summary.profileId, sampleIndex: summary.defaultSampleIndex, filter: {} };
      const tree = await engine.tree({ ...request, minFraction: PRUNE_FRACTION });
      const pageEngine = new ReportEngine();
      const pageSummary = pageEngine.add(decodeProfile(bytes));
      const pageRequest = { ...request, profileId: pageSummary.profileId };
      const pageTree = await pageEngine.tree({ ...pageRequest, minFraction: PRUNE_FRACTION });
      assert.equal(tree.total, pageTree.total);
      assert.deepEqual(tree.root, pageTree.root);
      for (const term of ['http', 'cache|session', 'runtime\\.']) {
        const pattern = searchPattern(term);
        assert.deepEqual(await engine.search(tree.treeId, request, pattern), await pageEngine.search(pageTree.treeId, pageRequest, pattern), term);
      }
    } finally {
      worker.dispose();
    }
  });
});
