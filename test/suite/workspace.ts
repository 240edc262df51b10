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

/** Asks VS Code for the document's lenses (as the editor does) until one matches (30 s at most). */
export async function waitForLens(document: vscode.TextDocument, match: (lens: vscode.CodeLens) => boolean): Promise<vscode.CodeLens> {
  const deadline = Date.now() + 30_000;
  let seen: string[] = [];
  for (;;) {
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 100)) ?? [];
    const found = lenses.find(match);
    if (found) return found;
    seen = lenses.map((l) => `${l.range.start.line}: ${l.command?.title ?? '(unresolved)'}`);
    if (Date.now() > deadline) throw new Error(`no matching lens within 30 s; lenses: ${seen.join('; ') || 'none'}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
