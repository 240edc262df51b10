// A workspace the user does not trust names a service in its .vscode/settings.json (goroscope.services).
// Run in a second code-server session with workspace trust on (run.sh). The service is the demo behind a
// small recording proxy, so the test knows whether anything was sent to it: declining the confirmation
// sends nothing; accepting it attaches (through the proxy) as usual.
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const SERVICE = 'shop-from-workspace';

/** Forwards every request to `target`'s host and counts them. */
async function recordingProxy(target) {
  const upstream = new URL(target);
  const seen = [];
  const server = http.createServer((req, res) => {
    seen.push(req.url);
    const forward = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => {
      res.statusCode = 502;
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { seen, url: `http://127.0.0.1:${server.address().port}/debug/pprof/`, close: () => server.close() };
}

async function pickWorkspaceService(page, runCommand, artifacts) {
  const stage = async (what, run) => {
    try {
      return await run();
    } catch (err) {
      await page.screenshot({ path: path.join(artifacts, `untrusted-${what.replace(/\W+/g, '-')}-failed.png`) }).catch(() => {});
      throw new Error(`${what}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  };
  await page.locator('.monaco-workbench .part.editor').click({ position: { x: 300, y: 300 } }).catch(() => {}); // keyboard focus in the workbench
  await stage('the command palette runs Attach', () => runCommand(page, 'Goroscope: Attach to Go Service'));
  await stage('the attach quick pick', () => page.locator('.quick-input-widget', { hasText: 'Attach to Go Service' }).waitFor({ timeout: 10_000 }));
  // The named service, as the list shows it: its name, its URL, "From workspace settings".
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'From workspace settings' }).filter({ hasText: SERVICE }).first();
  await stage('the workspace service in the quick pick', () => row.waitFor({ timeout: 10_000 }));
  await row.click();
  const dialog = page.locator('.monaco-dialog-box', { hasText: `Contact "${SERVICE}"` });
  await stage('the confirmation', () => dialog.waitFor({ timeout: 10_000 }));
  return dialog;
}

const FLEET = 'fleet-from-workspace';

/** A server that records every request and answers none of them usefully: only whether it was contacted matters. */
async function recordingServer() {
  const seen = [];
  const server = http.createServer((req, res) => {
    seen.push(req.url);
    res.writeHead(503, { 'content-type': 'text/plain' });
    res.end('recording only');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { seen, url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() };
}

export async function checkUntrustedWorkspace(ctx) {
  const { page, artifacts, uiCheck, runCommand, dismissNotifications, sleep, workspace, target, openWorkbench } = ctx;
  const proxy = await recordingProxy(target);
  const prometheus = await recordingServer();
  try {
    mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    const settings = { 'goroscope.services': [{ name: SERVICE, url: proxy.url }], 'goroscope.fleet.sources': [{ name: FLEET, prometheusUrl: prometheus.url }] };
    writeFileSync(path.join(workspace, '.vscode', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
    let ready = false;
    await uiCheck('ui (untrusted): the folder opens in Restricted Mode after "No, I don\'t trust the authors"', async () => {
      await openWorkbench();
      const prompt = page.locator('.monaco-dialog-box', { hasText: 'trust the authors' });
      await prompt.waitFor({ timeout: 30_000 });
      await page.screenshot({ path: path.join(artifacts, 'untrusted-prompt.png') });
      await prompt.locator('.monaco-button', { hasText: "No, I don't trust the authors" }).click();
      await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 15_000 });
      ready = true;
    }, 'untrusted-open-failed.png', page);

    await uiCheck('ui (untrusted): a service named in the workspace settings is not contacted when the user declines', async () => {
      if (!ready) throw new Error('skipped: the workspace did not open in Restricted Mode');
      await dismissNotifications(page);
      const dialog = await pickWorkspaceService(page, runCommand, artifacts);
      const text = (await dialog.innerText()).replace(/\s+/g, ' ');
      if (!text.includes(proxy.url) || !/not trusted/.test(text)) throw new Error(`the confirmation reads: ${text}`);
      await page.screenshot({ path: path.join(artifacts, 'untrusted-confirm.png') });
      await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached', timeout: 10_000 });
      await sleep(1500); // anything that would be sent has been by now
      if (proxy.seen.length > 0) throw new Error(`declined, yet the service got ${proxy.seen.join(', ')}`);
    }, 'untrusted-decline-failed.png', page);

    await uiCheck('ui (untrusted): confirming "Contact Service" attaches to it', async () => {
      if (!ready) throw new Error('skipped: the workspace did not open in Restricted Mode');
      const dialog = await pickWorkspaceService(page, runCommand, artifacts);
      await dialog.locator('.monaco-button', { hasText: 'Contact Service' }).click();
      await page.locator('.statusbar-item', { hasText: SERVICE }).filter({ hasText: /\d[\d,]* goroutines/ }).first().waitFor({ timeout: 30_000 });
      if (!proxy.seen.some((u) => u.startsWith('/debug/pprof/'))) throw new Error(`the service got ${proxy.seen.join(', ') || 'nothing'}`);
      await page.screenshot({ path: path.join(artifacts, 'untrusted-attached.png') });
    }, 'untrusted-accept-failed.png', page);

    await uiCheck('ui (untrusted): a fleet source named in the workspace settings is not contacted when the user declines', async () => {
      if (!ready) throw new Error('skipped: the workspace did not open in Restricted Mode');
      await page.keyboard.press('Escape');
      await dismissNotifications(page);
      await runCommand(page, 'Goroscope: Connect to Fleet…');
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: FLEET }).first();
      await row.waitFor({ timeout: 10_000 });
      await row.click();
      const dialog = page.locator('.monaco-dialog-box', { hasText: `Contact "${FLEET}"` });
      await dialog.waitFor({ timeout: 10_000 });
      await page.screenshot({ path: path.join(artifacts, 'untrusted-fleet-confirm.png') });
      await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached', timeout: 10_000 });
      await sleep(1500);
      if (prometheus.seen.length > 0) throw new Error(`declined, yet the fleet source got ${prometheus.seen.join(', ')}`);
    }, 'untrusted-fleet-failed.png', page);
  } finally {
    proxy.close();
    prometheus.close();
  }
}
