// The Goroutines view as a user meets it, inside a real VS Code: for the attached demo service
// (examples/leaky-service, GOROSCOPE_E2E_SERVICE_URL) and for a saved dump file (*.goroutines, the
// go-goroutines language). The e2e driver then runs the same commands from the palette and checks the
// webview (test/e2e/steps/goroutines.mjs).
import * as assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ShownGoroutines } from '../../src/extension/goroutines/showGoroutines';
import { leakVerdict } from '../../src/goroutines/view';
import type { WatchRun } from '../../src/extension/goroutines/watchLeaks';
import type { GoroscopeApi } from '../../src/extension/main';
import type { AttachedService } from '../../src/extension/services/attachedServices';
import type { LeakWatchNode, ServicesTreeNode } from '../../src/extension/services/servicesTree';
import type { WatchView } from '../../src/protocol/goroutinesView';
import type { Snapshot } from '../../src/services/snapshotStore';
import { EXTENSION_ID, fixtureUri, waitFor } from './workspace';

const serviceUrl = process.env.GOROSCOPE_E2E_SERVICE_URL;
const SEARCH_LEAK = /leaky-service\/internal\/search\.\(\*Service\)\.Search\.func1$/;
/** The demo's /quote leak, which Go 1.27.3 proves: the price goroutine's select (func1) and the stock goroutine's send (func2). */
const QUOTE_LEAK = /leaky-service\/internal\/api\.\(\*Server\)\.handleQuote\.func[12]$/;
const fixtureText = (extensionPath: string, name: string) => readFileSync(path.join(extensionPath, 'test', 'fixtures', 'goroutines', name), 'utf8');

suite('goroutines', () => {
  let serviceName = '';
  let watched: { storedId: string | undefined; view: WatchView } | undefined;
  let dumpUri: vscode.Uri;
  let api: GoroscopeApi;

  /** The row of a stored leak watch in the Services view: service → "Leak watches" → the watch. */
  const watchRow = (storedId: string): LeakWatchNode | undefined => {
    const tree = api.servicesTree;
    const children = (node?: ServicesTreeNode) => (tree.getChildren(node) ?? []) as ServicesTreeNode[];
    const service = children().find((n) => n.type === 'service' && n.name === serviceName);
    const folder = service && children(service).find((n) => n.type === 'leakWatches');
    return folder && (children(folder).find((n) => n.type === 'leakWatch' && n.watch.id === storedId) as LeakWatchNode | undefined);
  };

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    // A saved dump, as a user keeps one: the demo service's, in the workspace under a .goroutines name.
    dumpUri = fixtureUri('leaky-service.goroutines');
    copyFileSync(path.join(extension.extensionPath, 'test', 'fixtures', 'goroutines', 'leaky-service.debug2.txt'), dumpUri.fsPath);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (serviceName) await vscode.commands.executeCommand('goroscope.services.detach', serviceName);
    // The driver's leak-watch step then watches from the palette: a snapshot a second, not every 10 s.
    await vscode.workspace.getConfiguration('goroscope.leaks').update('watchIntervalSeconds', 1, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  test('Show Goroutines for the attached service (Go 1.27.3): the groups Go proved leaked first, labels from the headers, the findings that explain them', async function () {
    this.timeout(90_000);
    assert.ok(serviceUrl, 'GOROSCOPE_E2E_SERVICE_URL is not set: run this suite through npm run test:e2e');
    const attached = await vscode.commands.executeCommand<AttachedService | undefined>('goroscope.services.attach', serviceUrl);
    assert.ok(attached);
    serviceName = attached.config.name;
    assert.ok(attached.offered.some((p) => p.name === 'goroutineleak'), 'Go 1.27 lists goroutineleak on the index page');
    const shown = await vscode.commands.executeCommand<ShownGoroutines | undefined>('goroscope.goroutines.show', { service: serviceName });
    assert.ok(shown, 'the command resolved to the view it opened');
    assert.match(shown.view.source, /^goroutineleak\?debug=2 dump of .*Go's leak detector ran just before$/, 'the first Show Goroutines of the window runs the detection');
    assert.doesNotMatch(shown.view.source, /labels from debug=1/, 'labels come from the dump itself');
    const proven = shown.view.groups.filter((g) => g.leaked > 0);
    assert.ok(proven.length >= 2, JSON.stringify(shown.view.groups.slice(0, 5).map((g) => [g.state, g.count, g.leaked])));
    assert.deepEqual(shown.view.groups.slice(0, proven.length), proven, 'proven groups first');
    assert.equal(shown.view.leaked, proven.reduce((n, g) => n + g.leaked, 0));
    for (const g of proven) {
      assert.match(g.frames[g.blockingFrame]?.function ?? '', QUOTE_LEAK);
      assert.deepEqual(g.labels, { route: '/quote' });
    }
    const search = shown.view.groups.find((g) => SEARCH_LEAK.test(g.frames[0]?.function ?? ''));
    assert.ok(search);
    assert.deepEqual([search.state, search.leaked, search.labels], ['select', 0, { route: '/search' }], 'Go cannot prove the search leak');
    assert.equal(search.count, Math.max(...shown.view.groups.map((g) => g.count)), 'the largest group');
    // The workspace holds the service's source (leaky-service/go.mod): the finding on the line the price goroutines
    // wait at, and goroutine-stuck-on-channel's on the go statement that started the stock goroutines (their
    // created-by line, quote.go:47).
    const withFindings = await shown.withFindings;
    assert.equal(withFindings.findingsChecked, true, withFindings.findingsStatus);
    const verdicts = withFindings.groups.filter((g) => g.leaked > 0).map((g) => [g.frames[g.blockingFrame]?.function.replace(/.*\./, ''), leakVerdict(g, withFindings.findingsChecked), g.createdBy?.line]);
    assert.ok(verdicts.some(([fn, v]) => fn === 'func1' && /select-without-ctx-done reports the line where/.test(String(v))), JSON.stringify(verdicts));
    assert.ok(
      verdicts.some(([fn, v, line]) => fn === 'func2' && line === 47 && /, and goroutine-stuck-on-channel reports the go statement that started (it|them) \(quote\.go:47\)\.$/.test(String(v))),
      JSON.stringify(verdicts),
    );
    assert.ok(verdicts.every(([, v]) => !/No rule explains/.test(String(v))), JSON.stringify(verdicts));
    // The search goroutines' select waits on s.closed, a way out the rule accepts (Close closes it): no finding there.
    assert.deepEqual(withFindings.groups.find((g) => SEARCH_LEAK.test(g.frames[0]?.function ?? ''))?.findings, []);
  });

  test('a goroutine snapshot from the Services view shows in the Goroutines view too; other kinds are refused', async function () {
    this.timeout(30_000);
    assert.ok(serviceName);
    const snapshot = await vscode.commands.executeCommand<Snapshot | undefined>('goroscope.services.captureGoroutine', { service: serviceName, open: false });
    assert.ok(snapshot);
    const heap = await vscode.commands.executeCommand<Snapshot | undefined>('goroscope.services.captureHeap', { service: serviceName, open: false, sampleIndex: 'inuse_space' });
    const leaks = await vscode.commands.executeCommand<Snapshot | undefined>('goroscope.services.captureGoroutineleak', { service: serviceName, open: false });
    try {
      const shown = await vscode.commands.executeCommand<ShownGoroutines | undefined>('goroscope.goroutines.show', { snapshotId: snapshot.id });
      assert.ok(shown);
      // debug=0 stacks keep the runtime's own frames (runtime.gopark, selectgo) above the user's.
      assert.match(shown.view.groups[0]?.frames.find((f) => !f.function.startsWith('runtime.'))?.function ?? '', SEARCH_LEAK);
      assert.equal(shown.view.states[0]?.state, 'unknown', 'a debug=0 profile has no states');
      assert.ok(heap);
      assert.equal(await vscode.commands.executeCommand('goroscope.goroutines.show', { snapshotId: heap.id }), undefined);
      // The goroutineleak profile (debug=0), captured like any other kind: only the proven goroutines, all of /quote.
      assert.ok(leaks);
      assert.equal(leaks.kind, 'goroutineleak');
      const proven = await vscode.commands.executeCommand<ShownGoroutines | undefined>('goroscope.goroutines.show', { snapshotId: leaks.id });
      assert.ok(proven && proven.view.total > 0);
      assert.equal(proven.view.leaked, proven.view.total);
      assert.ok(proven.view.groups.every((g) => QUOTE_LEAK.test(g.frames.find((f) => !f.function.startsWith('runtime.'))?.function ?? '') && g.labels?.['route'] === '/quote'));
    } finally {
      // The live-pprof suite counts the snapshots it takes: leave none behind.
      for (const s of [snapshot, heap, leaks]) if (s) await vscode.commands.executeCommand('goroscope.snapshots.delete', s.id, { confirmed: true });
    }
  });

  test('a .goroutines file opens in the go-goroutines language', async () => {
    const document = await vscode.workspace.openTextDocument(dumpUri);
    assert.equal(document.languageId, 'go-goroutines');
  });

  test('Analyze Goroutine Dump on the active editor and on a selection', async function () {
    this.timeout(30_000);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(dumpUri));
    const whole = await vscode.commands.executeCommand<ShownGoroutines | undefined>('goroscope.goroutines.analyzeDump');
    assert.ok(whole);
    const text = fixtureText(vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? '', 'leaky-service.debug2.txt');
    assert.equal(whole.view.total, text.match(/^goroutine \d+ /gm)?.length);
    assert.equal(whole.view.groups[0]?.count, text.split('\n\n').filter((b) => b.includes('search.(*Service).Search.func1(')).length);
    assert.match(whole.view.groups[0]?.frames[0]?.function ?? '', SEARCH_LEAK);
    assert.deepEqual(whole.view.groups[0]?.labels, { route: '/search' }, 'Go 1.27.3 printed the labels in the dump');
    // The first goroutine's lines only (a dump pasted in the middle of a log is analyzed the same way).
    const firstBlank = editor.document.getText().split('\n').findIndex((l) => l.trim() === '');
    editor.selection = new vscode.Selection(0, 0, firstBlank, 0);
    const selected = await vscode.commands.executeCommand<ShownGoroutines | undefined>('goroscope.goroutines.analyzeDump');
    assert.ok(selected);
    assert.equal(selected.view.total, 1);
    assert.equal(selected.view.states[0]?.state, 'running');
    assert.match(selected.view.title, /\(selection\)/);
  });

  test('Analyze Goroutine Dump on text that holds no dump says so and opens nothing', async () => {
    const doc = await vscode.workspace.openTextDocument({ content: 'just a log line\nand another\n' });
    await vscode.window.showTextDocument(doc);
    const shown = await vscode.commands.executeCommand<ShownGoroutines | undefined>('goroscope.goroutines.analyzeDump');
    assert.equal(shown, undefined);
  });

  test('Watch for Leaks ranks the quote goroutines Go proved leaked first, then the search goroutines, over a few snapshots', async function () {
    this.timeout(60_000);
    assert.ok(serviceName);
    const run = await vscode.commands.executeCommand<WatchRun | undefined>('goroscope.leaks.watch', { service: serviceName, intervalSeconds: 1, maxSnapshots: 4 });
    assert.ok(run);
    const done = await run.done;
    assert.equal(done.running, false);
    assert.equal(done.snapshots.length, 4);
    assert.ok(done.series.goroutines.every((n) => typeof n === 'number' && n > 0));
    const goroutineSuspects = done.suspects.filter((s) => s.kind === 'goroutines');
    const confirmed = goroutineSuspects.filter((s) => s.confirmedByRuntime > 0);
    const summary = JSON.stringify(done.suspects.map((s) => [s.function, s.confirmedByRuntime]));
    assert.ok(confirmed.length >= 1 && confirmed.every((s) => QUOTE_LEAK.test(s.function)), summary);
    assert.deepEqual(done.suspects.slice(0, confirmed.length), confirmed, summary);
    const search = goroutineSuspects.find((s) => SEARCH_LEAK.test(s.function));
    assert.ok(search && search.confirmedByRuntime === 0, summary);
    assert.ok(search.trend.length >= 3);
    watched = { storedId: run.storedId(), view: done };
  });

  test('the watch is stored: the Services view lists it under its service, and Open shows it as it was left', async function () {
    this.timeout(60_000);
    assert.ok(watched?.storedId, 'the watch was stored');
    const storedId = watched.storedId;
    const row = await waitFor('the stored watch in the Services view', () => {
      const node = watchRow(storedId);
      return node && node.watch.snapshots === 4 && !node.running ? node : undefined;
    });
    const item = await api.servicesTree.getTreeItem(row);
    assert.equal(item.contextValue, 'leakWatch', 'it offers Continue and Delete');
    assert.match(String(item.description), /^4 snapshots · every 1 s$/);
    assert.equal(item.command?.command, 'goroscope.leaks.open', 'a click opens it');

    // What a click runs: the stored snapshots, series and suspects, read back from the workspace storage.
    const shown = await vscode.commands.executeCommand<WatchView | undefined>(item.command.command, ...(item.command.arguments ?? []));
    assert.ok(shown);
    assert.equal(shown.running, false);
    assert.equal(shown.canContinue, true, 'the page offers Continue watching');
    assert.deepEqual(shown.snapshots, watched.view.snapshots);
    assert.deepEqual(shown.series, watched.view.series);
    assert.deepEqual(shown.suspects.map((s) => s.function), watched.view.suspects.map((s) => s.function));
    assert.ok(shown.notes.some((n) => /4 snapshots loaded from the workspace storage/.test(n)), shown.notes.join('\n'));
  });

  test('Continue adds snapshots to the stored watch; while it runs it is not continued twice; Delete removes it', async function () {
    this.timeout(60_000);
    assert.ok(watched?.storedId);
    const storedId = watched.storedId;
    // Four more snapshots a second apart: time enough to try continuing it again while it runs.
    const run = await vscode.commands.executeCommand<WatchRun | undefined>('goroscope.leaks.continue', { storedId, maxSnapshots: 8 });
    assert.ok(run);
    assert.equal(run.storedId(), storedId);
    await waitFor('the watch to show as running in the Services view', () => watchRow(storedId)?.running || undefined);
    assert.equal((await api.servicesTree.getTreeItem(watchRow(storedId) as LeakWatchNode)).contextValue, 'leakWatch.running', 'a running watch offers Open only');
    assert.equal(await vscode.commands.executeCommand('goroscope.leaks.continue', { storedId }), undefined, 'a second Continue only shows the running page');
    const live = await vscode.commands.executeCommand<WatchView | undefined>('goroscope.leaks.open', { storedId });
    assert.equal(live?.running, true, 'Open shows the live page of a running watch');

    const done = await run.done;
    assert.equal(done.snapshots.length, 8);
    assert.deepEqual(done.snapshots.slice(0, 4), watched.view.snapshots, 'the stored snapshots come first');
    assert.ok(done.notes.some((n) => n.startsWith('Continuing the watch')), done.notes.join('\n'));
    assert.equal(done.canContinue, true);
    await waitFor('eight snapshots in the Services view', () => (watchRow(storedId)?.watch.snapshots === 8 ? true : undefined));
    const reopened = await vscode.commands.executeCommand<WatchView | undefined>('goroscope.leaks.open', { storedId });
    assert.equal(reopened?.snapshots.length, 8);

    assert.equal(await vscode.commands.executeCommand('goroscope.leaks.delete', { storedId }, { confirmed: true }), true);
    assert.equal(watchRow(storedId), undefined, 'the view no longer lists it');
    assert.equal(await vscode.commands.executeCommand('goroscope.leaks.open', { storedId }), undefined, 'opening it now is one error message');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
