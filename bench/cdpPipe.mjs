// Chromium driven over a bare DevTools pipe (--remote-debugging-pipe): for timing a page without the
// instrumentation a test driver adds to it. Playwright, for each page, enables its domains, creates an
// isolated world for its own scripts and polls the page every animation frame while it waits; measured on
// bench/flamePaint.mjs (ten comparisons of 6–40 interleaved loads each, 2026-12-01), that moved the page's
// first paint by −8 to +92 ms, about +30 ms typically. Here a page gets a browser context of its own (a
// fresh renderer, as a new webview panel gets)
// and nothing but what it asks for: navigation, and a read of a global every 20 ms.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The switches playwright-core 1.65 launches Chromium with (headless, no background work), so that the
// two drivers differ in the driver only.
const SWITCHES = [
  '--headless', '--no-sandbox', '--disable-gpu', '--allow-file-access-from-files', '--hide-scrollbars', '--mute-audio',
  '--disable-field-trial-config', '--disable-background-networking', '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows', '--disable-back-forward-cache', '--disable-breakpad',
  '--disable-component-extensions-with-background-pages', '--disable-component-update', '--no-default-browser-check',
  '--disable-default-apps', '--disable-dev-shm-usage', '--disable-extensions',
  '--disable-features=AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,LensOverlay,MediaRouter,PaintHolding,ThirdPartyStoragePartitioning,AvoidCorsURLLoaderRestartOnRedirect,OptimizationHints,NetworkTimeServiceQuerying,PreconnectToSearch',
  '--allow-pre-commit-input', '--disable-hang-monitor', '--disable-ipc-flooding-protection', '--disable-popup-blocking',
  '--disable-prompt-on-repost', '--disable-renderer-backgrounding', '--force-color-profile=srgb', '--metrics-recording-only',
  '--no-first-run', '--password-store=basic', '--use-mock-keychain', '--no-service-autorun', '--disable-sync',
  '--remote-debugging-pipe', '--no-startup-window',
];

export class CdpBrowser {
  constructor(executablePath) {
    this.profile = mkdtempSync(path.join(os.tmpdir(), 'goroscope-cdp-'));
    this.proc = spawn(executablePath, [...SWITCHES, `--user-data-dir=${this.profile}`], { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
    this.nextId = 1;
    this.pending = new Map();
    this.exited = new Promise((resolve) => this.proc.once('exit', resolve));
    this.proc.once('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`chromium exited (${code}) before answering ${p.method}`));
      this.pending.clear();
    });
    let buffer = '';
    this.proc.stdio[4].setEncoding('utf8');
    this.proc.stdio[4].on('data', (chunk) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\0'); end >= 0; end = buffer.indexOf('\0')) {
        const message = JSON.parse(buffer.slice(0, end));
        buffer = buffer.slice(end + 1);
        const p = message.id === undefined ? undefined : this.pending.get(message.id);
        if (!p) continue;
        this.pending.delete(message.id);
        if (message.error) p.reject(new Error(`${p.method}: ${message.error.message}`));
        else p.resolve(message.result);
      }
    });
  }

  send(method, params = {}, sessionId = undefined) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.proc.stdio[3].write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
    });
  }

  /**
   * Opens `url` in a new browser context at this viewport, waits until `expression` is truthy in the page
   * (read every 20 ms), returns its value and those of `after` (expressions read once then), and closes it.
   */
  async load(url, viewport, expression, after = [], timeoutMs = 30_000) {
    const tab = await this.open(viewport);
    try {
      await tab.navigate(url);
      return await tab.waitFor(expression, after, timeoutMs);
    } finally {
      await tab.close();
    }
  }

  /**
   * A blank page in a browser context of its own, ready to navigate: so a benchmark can start its clock
   * with the navigation, not with the browser's making of a context.
   */
  async open(viewport) {
    const { browserContextId } = await this.send('Target.createBrowserContext');
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank', browserContextId, ...viewport });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    await this.send('Emulation.setDeviceMetricsOverride', { ...viewport, deviceScaleFactor: 1, mobile: false }, sessionId);
    const read = async (expr) => (await this.send('Runtime.evaluate', { expression: expr, returnByValue: true }, sessionId)).result.value;
    return {
      navigate: (url) => this.send('Page.navigate', { url }, sessionId),
      read,
      waitFor: async (expression, after = [], timeoutMs = 30_000) => {
        const deadline = Date.now() + timeoutMs;
        let value;
        while (!(value = await read(expression))) {
          if (Date.now() > deadline) throw new Error(`${expression} still unset after ${timeoutMs} ms`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        return [value, ...(await Promise.all(after.map(read)))];
      },
      close: () => this.send('Target.disposeBrowserContext', { browserContextId }),
    };
  }

  async close() {
    await this.send('Browser.close').catch(() => {});
    await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    this.proc.kill('SIGKILL');
    rmSync(this.profile, { recursive: true, force: true });
  }
}
