// The fleet like a person meets it, through the real workbench after the suite has run: F1 → "Goroscope:
// Connect to Fleet…", the Prometheus URL typed, the job picked from those the server offers, a range,
// then the fleet page: the leaking instance ranked first, its chart drawn. Assertions read the webview's
// DOM; screenshots land in the artifacts.
import path from 'node:path';

/** `ctx`: the driver's page, artifacts, the Prometheus URL and leaking instance run.sh started, and its helpers. */
export async function checkFleet(ctx) {
  const { page, artifacts, uiCheck, runCommand, dismissNotifications, waitUntil, findFrame, prometheusUrl, leaker } = ctx;
  const shot = (name) => page.screenshot({ path: path.join(artifacts, name) });
  await uiCheck('ui: F1 → "Goroscope: Connect to Fleet…" → URL → job → range opens the fleet page, the leaking instance first with its chart', async () => {
    if (!prometheusUrl || !leaker) throw new Error('run.sh passed no --prometheus-url or --fleet-leaker');
    await page.keyboard.press('Escape');
    await dismissNotifications(page);
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Goroscope: Connect to Fleet…');
    const widget = page.locator('.quick-input-widget');
    await widget.filter({ hasText: 'connect to which fleet' }).waitFor({ timeout: 10_000 });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Enter a Prometheus URL' }).first().click();
    await widget.filter({ hasText: 'Prometheus-compatible URL' }).waitFor({ timeout: 10_000 });
    await page.locator('.quick-input-widget input').fill(prometheusUrl);
    await page.keyboard.press('Enter');
    // The selector step offers the jobs the server has.
    const job = page.locator('.quick-input-list .monaco-list-row', { hasText: '{job="fleet"}' }).first();
    await job.waitFor({ timeout: 20_000 });
    await shot('fleet-selector.png');
    await job.click();
    await widget.filter({ hasText: 'over which range' }).waitFor({ timeout: 10_000 });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'the last hour' }).first().click();
    const frame = await findFrame(page, '.fleet-app .fleet-suspect', 60_000);
    const first = await frame.locator('.fleet-suspect').first().getAttribute('data-instance');
    if (first !== leaker) throw new Error(`the first suspect is ${first}, not the leaking instance ${leaker}`);
    const evidence = await frame.locator('.fleet-suspect').first().innerText();
    if (!/goroutines .* → .*\/h between restarts/.test(evidence)) throw new Error(`the first suspect's evidence reads "${evidence}"`);
    const row = frame.locator(`.fleet-row[data-instance="${leaker}"]`);
    const points = await waitUntil('the leaking instance\'s goroutine chart to be drawn', async () => {
      const value = await row.locator('svg[data-chart="goroutines"].growing polyline').getAttribute('points').catch(() => null);
      const n = value ? value.trim().split(/\s+/).length : 0;
      return n >= 10 ? n : undefined;
    }, 15_000);
    const rows = await frame.locator('.fleet-row').count();
    if (rows !== 4) throw new Error(`the instance list shows ${rows} rows, not 4`);
    await shot('fleet-page.png');
    return points;
  }, 'fleet-failed.png', page);
}
