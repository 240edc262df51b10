// The fleet inside a real VS Code: "Connect to Fleet…" against the Prometheus run.sh started
// (GOROSCOPE_E2E_PROMETHEUS_URL), scraping four real instances of the fleet fixture every second, one of
// them leaking goroutines (GOROSCOPE_E2E_FLEET_LEAKER). The driver then connects from the palette and
// checks the page (test/e2e/steps/fleet.mjs).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GoroscopeApi } from '../../src/extension/main';
import type { FleetView } from '../../src/protocol/fleet';
import { EXTENSION_ID } from './workspace';

const prometheusUrl = process.env.GOROSCOPE_E2E_PROMETHEUS_URL;
const leaker = process.env.GOROSCOPE_E2E_FLEET_LEAKER;

/** Scrapes Prometheus holds of the leaking instance in the last minute. */
async function scrapesOfLeaker(): Promise<number> {
  const query = `count_over_time(go_goroutines{instance="${leaker}"}[1m])`;
  const res = await fetch(`${prometheusUrl}api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await res.json()) as { data?: { result?: Array<{ value: [number, string] }> } };
  return Number(body.data?.result?.[0]?.value[1] ?? 0);
}

suite('fleet', () => {
  let api: GoroscopeApi;

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  test('Connect to Fleet: four instances from Prometheus, the leaking one ranked first with its growth and chart', async function () {
    this.timeout(120_000);
    assert.ok(prometheusUrl && leaker, 'GOROSCOPE_E2E_PROMETHEUS_URL / GOROSCOPE_E2E_FLEET_LEAKER are not set: run this suite through npm run test:e2e');
    // Enough scrapes for a trend (run.sh started the fleet before code-server).
    const deadline = Date.now() + 60_000;
    while ((await scrapesOfLeaker()) < 15) {
      assert.ok(Date.now() < deadline, 'Prometheus has fewer than 15 scrapes of the leaking instance after 60 s');
      await new Promise((r) => setTimeout(r, 500));
    }
    const view = await vscode.commands.executeCommand<FleetView | undefined>('goroscope.fleet.connect', { prometheusUrl, selector: '{job="fleet"}', range: '10m' });
    assert.ok(view, 'the command resolved to the fleet it loaded');
    assert.equal(view.instances.length, 4);
    const first = view.suspects[0];
    assert.equal(first?.instance, leaker, JSON.stringify(view.suspects));
    assert.equal(first?.kind, 'goroutines');
    assert.ok((first?.perHour ?? 0) > 20 * 3600 * 0.5, `perHour ${first?.perHour}`);
    assert.equal(view.instances[0]?.instance, leaker, 'the page lists suspects first');
    assert.ok((view.instances[0]?.goroutinesChart.filter((v) => v !== null).length ?? 0) >= 10, 'the chart has its points');
    assert.equal(api.fleet.current(), view);
  });

  test('Connect to Fleet: a selector that matches nothing is one message, and nothing is shown', async () => {
    assert.ok(prometheusUrl);
    const before = api.fleet.current();
    const view = await vscode.commands.executeCommand<FleetView | undefined>('goroscope.fleet.connect', { prometheusUrl, selector: '{job="nope"}', range: '10m' });
    assert.equal(view, undefined);
    assert.equal(api.fleet.current(), before, 'the fleet shown before is kept');
  });
});
