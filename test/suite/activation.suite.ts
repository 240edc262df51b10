// The ground the diagnostics suite stands on: a real VS Code, the fixture workspace, Go recognised,
// and Goroscope loaded from the repository and activated.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, fixtureUri } from './workspace';

suite('activation', () => {
  test('runs in a real VS Code with the fixture workspace open', () => {
    assert.match(vscode.version, /^1\.\d+\.\d+/);
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'exactly one workspace folder');
  });

  test('opens a .go file as language go', async () => {
    const doc = await vscode.workspace.openTextDocument(fixtureUri('main.go'));
    assert.equal(doc.languageId, 'go');
  });

  test('loads Goroscope from the repository and activates it', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in this window`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });
});
