// Live pprof as a user meets it, inside a real VS Code against the real demo service
// (examples/leaky-service, started by test/e2e/run.sh, its URL in GOROSCOPE_E2E_SERVICE_URL): attach,
// capture heap and a 1-second CPU profile into workspace storage, see them in the Services view, open one
// in the flame-graph panel, save one, delete one, detach. The e2e driver then attaches again from the
// command palette like a person and checks the panel's webview (see test/e2e/driver.mjs).
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { GoroscopeApi } from '../../src/extension/main';
import type { AttachedService } from '../../src/extension/services/attachedServices';
import type { ServicesTreeNode } from '../../src/extension/services/servicesTree';
import type { Snapshot } from '../../src/services/snapshotStore';
import { EXTENSION_ID, waitFor } from './workspace';

const serviceUrl = process.env.GOROSCOPE_E2E_SERVICE_URL;

suite('live pprof', () => {
  let api: GoroscopeApi;
  let serviceName = '';
  const captured: Record<string, Snapshot> = {};

  suiteSetup(async function () {
    assert.ok(serviceUrl, 'GOROSCOPE_E2E_SERVICE_URL is not set: run this suite through npm run test:e2e, which starts the demo service');
    const extension = vscode.extensions.getExtension<GoroscopeApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
  });

  suiteTeardown(async () => {
    // The failure tests leave error toasts; the driver's screenshots come next.
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  test('attaches to the demo service and learns the profiles it offers', async () => {
    const attached = await vscode.commands.executeCommand<AttachedService | undefined>('goroscope.services.attach', serviceUrl);
    assert.ok(attached, 'the attach command resolved to the attached service');
    serviceName = attached.config.name;
    assert.equal(attached.config.url, serviceUrl);
    assert.equal(serviceName, new URL(serviceUrl!).host, 'a typed URL is named by its host and port');
    const offered = attached.offered.map((p) => p.name).sort();
    for (const name of ['allocs', 'block', 'goroutine', 'heap', 'mutex', 'profile', 'threadcreate']) assert.ok(offered.includes(name), `offers ${name}: ${offered.join(', ')}`);
    for (const notAProfile of ['cmdline', 'trace']) assert.ok(!offered.includes(notAProfile), `${notAProfile} is listed on the page but is not a profile`);
    const goroutines = attached.offered.find((p) => p.name === 'goroutine');
    assert.ok(goroutines && goroutines.count > 5, `the demo runs many goroutines (index page says ${goroutines?.count})`);
  });

  test('an address where nothing listens fails without attaching', async () => {
    const closed = await closedPort();
    const before = await treeLabels();
    const attached = await vscode.commands.executeCommand<AttachedService | undefined>('goroscope.services.attach', `http://127.0.0.1:${closed}/debug/pprof/`);
    assert.equal(attached, undefined);
    assert.deepEqual(await treeLabels(), before, 'the Services view is unchanged');
  });

  test('captures a heap profile after a GC, kept in workspace storage', async () => {
    const snapshot = await vscode.commands.executeCommand<Snapshot | undefined>('goroscope.services.captureHeap', {
      service: serviceName,
      sampleIndex: 'inuse_space',
      gc: true,
      open: false,
    });
    assert.ok(snapshot, 'the capture resolved to a snapshot');
    assert.equal(snapshot.kind, 'heap');
    assert.equal(snapshot.serviceName, serviceName);
    assert.equal(snapshot.sampleIndexHint, 'inuse_space');
    assert.match(snapshot.url, /\/debug\/pprof\/heap\?gc=1$/);
    assertGzippedProfile(snapshot);
    assert.match(snapshot.file, /workspaceStorage/, `stored in the workspace's storage: ${snapshot.file}`);
    captured.heap = snapshot;
  });

  test('captures a 1-second CPU profile', async () => {
    const started = Date.now();
    const snapshot = await vscode.commands.executeCommand<Snapshot | undefined>('goroscope.services.captureCpu', { seconds: 1, open: false });
    assert.ok(snapshot, 'the capture resolved to a snapshot');
    assert.equal(snapshot.kind, 'cpu');
    assert.equal(snapshot.seconds, 1);
    assert.match(snapshot.url, /\/debug\/pprof\/profile\?seconds=1$/);
    assert.ok(Date.now() - started >= 1000, 'the service profiled for the second asked');
    assertGzippedProfile(snapshot);
    captured.cpu = snapshot;
  });

  test('a profile the service does not offer is refused before any request', async () => {
    const snapshot = await vscode.commands.executeCommand<Snapshot | undefined>('goroscope.services.capture', { kind: 'no-such-profile', open: false });
    assert.equal(snapshot, undefined);
  });

  test('the Services view lists the service with its snapshots, newest first', async () => {
    const roots = api.servicesTree.getChildren() as ServicesTreeNode[];
    const service = roots.find((n) => n.type === 'service' && n.name === serviceName);
    assert.ok(service, `the view lists ${serviceName}`);
    const serviceItem = await api.servicesTree.getTreeItem(service);
    assert.equal(serviceItem.contextValue, 'service.attached.goroutineleak', 'Go 1.27 offers goroutineleak: its capture command shows on the row');
    assert.equal(serviceItem.description, serviceUrl);
    const children = (api.servicesTree.getChildren(service) as ServicesTreeNode[]).filter((n) => n.type === 'snapshot');
    const items = await Promise.all(children.map((n) => api.servicesTree.getTreeItem(n)));
    const labels = items.map((i) => String(i.label));
    assert.deepEqual(labels.slice(0, 2), ['cpu 1 s', 'heap'], `newest first: ${labels.join(', ')}`);
    for (const [i, item] of items.entries()) {
      const kind = (children[i] as { snapshot: Snapshot }).snapshot.kind;
      assert.equal(item.contextValue, kind === 'goroutine' ? 'snapshot.goroutine' : 'snapshot', 'only goroutine snapshots offer Show Goroutines');
      assert.match(String(item.description), /^\S.* · \d+(\.\d)? (bytes|KiB|MiB)$/, 'time and size');
      assert.equal(item.command?.command, 'goroscope.snapshots.open', 'a click opens it');
    }
  });

  test('opens a snapshot in the flame-graph panel beside the editor', async () => {
    const heap = captured.heap;
    assert.ok(heap, 'the heap capture ran');
    await vscode.commands.executeCommand('goroscope.snapshots.open', heap.id);
    const tab = await waitFor('a webview tab for the heap snapshot', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label.includes('heap')),
    );
    assert.ok(tab.label.includes(serviceName), `the tab names the service: ${tab.label}`);
  });

  test('saves a snapshot to a file, byte for byte', async () => {
    const cpu = captured.cpu;
    assert.ok(cpu, 'the CPU capture ran');
    const dir = mkdtempSync(path.join(tmpdir(), 'goroscope-save-'));
    try {
      const target = path.join(dir, 'cpu.pb.gz');
      const saved = await vscode.commands.executeCommand<vscode.Uri | undefined>('goroscope.snapshots.save', cpu.id, target);
      assert.equal(saved?.fsPath, target);
      assert.deepEqual(readFileSync(target), readFileSync(cpu.file));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('deletes a snapshot: gone from the view and from disk', async () => {
    const goroutine = await vscode.commands.executeCommand<Snapshot | undefined>('goroscope.services.captureGoroutine', { open: false });
    assert.ok(goroutine);
    assert.ok((await treeLabels()).includes('goroutine'));
    const node = (api.servicesTree.getChildren() as ServicesTreeNode[])
      .flatMap((service) => api.servicesTree.getChildren(service) as ServicesTreeNode[])
      .find((n) => n.type === 'snapshot' && n.snapshot.id === goroutine.id);
    assert.ok(node);
    assert.equal((await api.servicesTree.getTreeItem(node)).contextValue, 'snapshot.goroutine', 'it offers Show Goroutines');
    assert.equal(await vscode.commands.executeCommand('goroscope.snapshots.delete', goroutine.id, { confirmed: true }), true);
    assert.ok(!(await treeLabels()).includes('goroutine'), 'the view no longer lists it');
    assert.equal(existsSync(goroutine.file), false, 'its file is removed');
  });

  test('detaching keeps the snapshots, listed under the detached service', async () => {
    assert.equal(await vscode.commands.executeCommand('goroscope.services.detach', serviceName), true);
    const roots = api.servicesTree.getChildren() as ServicesTreeNode[];
    const service = roots.find((n) => n.type === 'service' && n.name === serviceName);
    assert.ok(service, 'still listed');
    assert.equal((await api.servicesTree.getTreeItem(service)).contextValue, 'service.detached');
    assert.ok((api.servicesTree.getChildren(service) as ServicesTreeNode[]).length >= 2, 'with its snapshots');
  });

  /** Labels of every row of the Services view. */
  async function treeLabels(): Promise<string[]> {
    const labels: string[] = [];
    const walk = async (node?: ServicesTreeNode): Promise<void> => {
      for (const child of (await api.servicesTree.getChildren(node)) as ServicesTreeNode[]) {
        labels.push(String((await api.servicesTree.getTreeItem(child)).label));
        await walk(child);
      }
    };
    await walk();
    return labels;
  }
});

function assertGzippedProfile(snapshot: Snapshot): void {
  const bytes = readFileSync(snapshot.file);
  assert.equal(bytes.length, snapshot.sizeBytes);
  assert.ok(bytes.length > 100, `a real profile, not an empty answer (${bytes.length} bytes)`);
  assert.deepEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b], 'gzipped profile.proto, as Go serves it');
}

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
