// Helpers shared by the suites: where the fixture workspace is, and bounded waits.
import * as vscode from 'vscode';

export const EXTENSION_ID = 'goroscope.goroscope';

export function fixtureUri(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open: start VS Code on test/fixtures/e2e-workspace (a copy of it)');
  return vscode.Uri.joinPath(folder.uri, relative);
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs` with `what`. */
export async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
