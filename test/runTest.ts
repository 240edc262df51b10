// `npm run test:vscode`: runs test/suite in a desktop VS Code downloaded by @vscode/test-electron,
// for machines that can reach update.code.visualstudio.com. (Where only npm is reachable,
// `npm run test:e2e` runs the same suite in code-server instead.)
import { runTests } from '@vscode/test-electron';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

async function main(): Promise<void> {
  // Compiled to out/test/runTest.js: the repository root is two levels up.
  const root = path.resolve(__dirname, '..', '..');
  // The suite saves files and applies quick fixes: give it a copy of the fixture workspace.
  const scratch = mkdtempSync(path.join(tmpdir(), 'goroscope-vscode-'));
  const workspace = path.join(scratch, 'workspace');
  cpSync(path.join(root, 'test', 'fixtures', 'e2e-workspace'), workspace, { recursive: true });
  try {
    await runTests({
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(root, 'out', 'test', 'suite', 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`test:vscode: ${err instanceof Error ? err.message : String(err)}`);
  console.error('test:vscode: where VS Code cannot be downloaded, npm run test:e2e runs the same suite in code-server');
  process.exit(1);
});
