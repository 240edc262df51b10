// The bearer-token flow in the real workbench, against a second instance of the demo started with
// -token (its /debug/ endpoints answer 401 without "Authorization: Bearer <token>"): attaching fails
// with the 401 and offers "Set Bearer Token…"; the token typed into the password box is kept in VS
// Code's secret storage, the attach goes through, the status bar polls with it; no settings file holds it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Every settings.json under a folder (user, machine and workspace settings). */
function settingsFiles(dir) {
  const out = [];
  const walk = (d) => {
    let entries = [];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const name of entries) {
      const full = path.join(d, name);
      let st;
      try {
        st = statSync(full);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(full);
      else if (name === 'settings.json' || name.endsWith('.code-workspace')) out.push(full);
    }
  };
  walk(dir);
  return out;
}

export async function checkBearerToken(ctx) {
  const { page, artifacts, uiCheck, runCommand, dismissNotifications, tokenServiceUrl, token, userData, workspace } = ctx;
  await uiCheck('ui: a service that wants a bearer token: the 401 offers "Set Bearer Token…", the token goes to secret storage and the attach succeeds', async () => {
    if (!tokenServiceUrl || !token) throw new Error('run.sh passed no --token-service-url/--token');
    const host = new URL(tokenServiceUrl).host;
    await page.keyboard.press('Escape');
    await dismissNotifications(page);
    await runCommand(page, 'Goroscope: Attach to Go Service');
    await page.locator('.quick-input-widget', { hasText: 'Attach to Go Service' }).waitFor({ timeout: 10_000 });
    await page.locator('.quick-input-widget input').fill(tokenServiceUrl);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: tokenServiceUrl }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');

    const toast = page.locator('.notification-toast', { hasText: 'wants credentials' }).first();
    await toast.waitFor({ timeout: 20_000 });
    const text = (await toast.innerText()).replace(/\s+/g, ' ');
    if (!/401/.test(text)) throw new Error(`the failure does not name the 401: ${text}`);
    await page.waitForTimeout(400); // the toast slides in
    await page.screenshot({ path: path.join(artifacts, 'token-401.png') });
    await toast.locator('.monaco-button', { hasText: 'Set Bearer Token…' }).click();

    const box = page.locator('.quick-input-widget', { hasText: 'bearer token' });
    await box.waitFor({ timeout: 10_000 });
    const input = box.locator('input');
    if ((await input.getAttribute('type')) !== 'password') throw new Error('the token box does not hide what is typed');
    await input.fill(token);
    await page.screenshot({ path: path.join(artifacts, 'token-input.png') });
    await page.keyboard.press('Enter');

    // Attached with the token: the status bar polls the service (with the token) and shows its numbers.
    const status = page.locator('.statusbar-item', { hasText: host });
    await status.filter({ hasText: /\d[\d,]* goroutines · [\d.]+ (bytes|KiB|MiB|GiB) heap/ }).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(artifacts, 'token-attached.png') });

    const files = [...settingsFiles(userData), ...settingsFiles(workspace)];
    if (files.length === 0) throw new Error(`no settings file found under ${userData} or ${workspace}`);
    const leaking = files.filter((f) => readFileSync(f, 'utf8').includes(token));
    if (leaking.length > 0) throw new Error(`the token was written to ${leaking.join(', ')}`);
  }, 'token-failed.png', page);
}
