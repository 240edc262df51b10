// "Profile this handler" inside a real VS Code against the real demo service (started by
// test/e2e/run.sh, its URL in GOROSCOPE_E2E_SERVICE_URL): the lens above handlePrimes, its command
// loading /primes on the attached host while a 1 s CPU profile and allocation delta are captured, the
// result on the lens line, and the inline costs in primes.go. The e2e driver then clicks the lens like a
// person and checks the focused flame graph and the editor (test/e2e/steps/handlers.mjs).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GoroscopeApi } from '../../src/extension/main';
import type { HandlerProfile, ProfileHandlerArgs } from '../../src/extension/handlers/profileHandler';
import type { AttachedService } from '../../src/extension/services/attachedServices';
import { EXTENSION_ID, fixtureUri, waitForLens } from './workspace';

const serviceUrl = process.env.GOROSCOPE_E2E_SERVICE_URL;
const PRIMES = 'leaky-service/internal/api/primes.go';

suite('profile this handler', () => {
  let api: GoroscopeApi;
  let serviceName = '';
  let document: vscode.TextDocument;
  let args: ProfileHandlerArgs | undefined;

  suiteSetup(async function () {
    assert.ok(serviceUrl, 'GOROSCOPE_E2E_SERVICE_URL is not set: run this suite through npm run test:e2e, which starts the demo service');
    const extension = vscode.extensions.getExtension<GoroscopeApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    // Short captures keep the run quick; the driver's click on the lens uses the same settings.
    const settings = vscode.workspace.getConfiguration('goroscope.handlers');
    await settings.update('profileSeconds', 1, vscode.ConfigurationTarget.Global);
    await settings.update('load', { concurrency: 2, ratePerSecond: 20 }, vscode.ConfigurationTarget.Global);
    // Opened, not shown: the driver's quick open later relies on the editor history the earlier suites left.
    document = await vscode.workspace.openTextDocument(fixtureUri(PRIMES));
  });

  suiteTeardown(async () => {
    if (serviceName) await vscode.commands.executeCommand('goroscope.services.detach', serviceName);
    await vscode.commands.executeCommand('notifications.clearAll');
    // The driver's own steps open their panels; leave none of ours for it to find first.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the lens "Profile this handler" appears above handlePrimes with its route', async () => {
    const lens = await waitForLens(document, (l) => l.command?.title === 'Profile this handler · /primes' && l.range.start.line === funcLine(document, 'handlePrimes'));
    const arg = lens.command?.arguments?.[0] as ProfileHandlerArgs;
    assert.equal(arg.function, 'handlePrimes');
    assert.equal(arg.symbol, 'example.com/leaky-service/internal/api.handlePrimes');
    assert.equal(arg.route, '/primes');
    assert.equal(arg.file, document.uri.fsPath);
    args = arg;
  });

  test('with no service attached, the command offers to attach instead of capturing', async () => {
    assert.ok(args);
    // The live-pprof suite names the demo by its host; make sure nothing is attached.
    await vscode.commands.executeCommand('goroscope.services.detach', new URL(serviceUrl!).host);
    const pending = vscode.commands.executeCommand<unknown>('goroscope.profileHandler', args);
    // The offer is a notification; dismissing it resolves the command without a capture.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await vscode.commands.executeCommand('notifications.clearAll');
    assert.equal(await pending, 'attach-offered');
  });

  test('running it loads /primes on the attached host, captures 1 s, and finds the handler hot', async () => {
    assert.ok(args);
    const attached = await vscode.commands.executeCommand<AttachedService | undefined>('goroscope.services.attach', serviceUrl);
    assert.ok(attached);
    serviceName = attached.config.name;
    const started = Date.now();
    const result = await vscode.commands.executeCommand<HandlerProfile | string>('goroscope.profileHandler', args);
    assert.equal(typeof result, 'object', `the command profiled: ${String(result)}`);
    const r = result as HandlerProfile;
    assert.equal(r.outcome, 'profiled');
    assert.ok(Date.now() - started < 20_000, `a 1 s run took ${Date.now() - started} ms`);
    assert.ok(r.load, 'load was sent (goroscope.handlers.load is on)');
    assert.equal(new URL(r.load.url).origin, new URL(serviceUrl!).origin, 'load goes to the attached host only');
    assert.equal(new URL(r.load.url).pathname, '/primes');
    assert.ok(r.load.sent >= 5 && r.load.sent <= 25, `about 20 requests at 20/s for 1 s: ${r.load.sent}`);
    assert.equal(r.load.stoppedBy, 'time');
    assert.ok(r.cpuShare > 0.2, `handlePrimes under load holds a large share of the CPU: ${r.cpuShare}`);
    // The runtime's own frames are left out, as in test/integration/handlerLoad.test.ts: on a loaded
    // machine runtime.asyncPreempt (the preemption trampoline, called from inside isPrime) takes many of
    // the leaf samples.
    assert.match(r.hottest.find((row) => !row.function.startsWith('runtime.'))?.function ?? '', /api\.isPrime$/);
    assert.deepEqual(r.label, { key: 'route', value: '/primes' }, 'the demo labels requests with their route');
    assert.equal(r.opened.focus, r.focus, 'the flame graph opened focused on the handler');
    assert.equal(r.cpuSnapshot.seconds, 1);
    assert.equal(r.allocsSnapshot?.kind, 'allocs');
    assert.match(r.allocsSnapshot?.url ?? '', /\/allocs\?seconds=1$/);
    assert.match(r.summary, /^CPU \d+(\.\d)?% · [\d.]+ (B|kB|MB|GB)\/s allocated$/);
  });

  test('when the route has a pprof label, the graph can open filtered by it instead', async () => {
    assert.ok(args);
    const result = await vscode.commands.executeCommand<HandlerProfile | string>('goroscope.profileHandler', { ...args, preferLabel: true });
    assert.equal(typeof result, 'object', `the command profiled: ${String(result)}`);
    const r = result as HandlerProfile;
    assert.equal(r.opened.tagFocus, 'route=^/primes$');
    assert.equal(r.opened.focus, undefined);
    assert.match(r.opened.title, /handlePrimes · route=\/primes/);
  });

  test('the result stays on the lens line', async () => {
    const line = funcLine(document, 'handlePrimes');
    const lens = await waitForLens(document, (l) => /^CPU \d/.test(l.command?.title ?? '') && l.range.start.line === line);
    assert.match(lens.command?.title ?? '', /allocated$/);
  });

  test('inline costs show per-line CPU in primes.go, toggled by the command', async () => {
    const state = await waitUntil('inline costs for primes.go', () => {
      const s = api.inlineCosts();
      const file = Object.keys(s.files).find((f) => f.endsWith(PRIMES));
      return file ? { s, lines: s.files[file] ?? [] } : undefined;
    });
    assert.equal(state.s.sampleType, 'cpu');
    const isPrimeLoop = document.getText().split('\n').findIndex((l) => l.includes('d*d <= n')) + 1;
    const hot = [...state.lines].sort((a, b) => b.cum - a.cum);
    assert.ok(hot.some((l) => l.line === isPrimeLoop || l.line === isPrimeLoop + 1), `isPrime's loop is among the costed lines: ${JSON.stringify(hot.slice(0, 5))}`);
    assert.ok(hot.every((l) => /cum \([\d.]+%\)$/.test(l.text)), hot[0]?.text);
    assert.equal(await vscode.commands.executeCommand('goroscope.toggleInlineCosts'), false);
    assert.equal(api.inlineCosts().enabled, false);
    assert.equal(await vscode.commands.executeCommand('goroscope.toggleInlineCosts'), true);
  });
});

function funcLine(document: vscode.TextDocument, name: string): number {
  const line = document.getText().split('\n').findIndex((l) => l.startsWith(`func ${name}(`));
  assert.ok(line >= 0, `func ${name} is in ${document.uri.fsPath}`);
  return line;
}

async function waitUntil<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
