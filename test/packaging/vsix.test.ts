import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../cli/cliRunner';

// What `vsce package` would put in the .vsix (after `npm run build`): the bundles, both wasm files,
// media, syntaxes and docs — no sources, no node_modules, no native module, no source maps.
test('the .vsix holds the bundles and wasm, and no sources, node_modules or native modules', () => {
  const vsce = path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const files = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  for (const needed of [
    'package.json',
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
    'media/icon.png',
    'dist/extension.js',
    'dist/server.js',
    'dist/cli.js',
    'dist/cli-goroutines.js',
    'dist/cli-lint.js',
    'dist/lintWorker.js',
    'dist/pprofWorker.js',
    'dist/fleetWorker.js',
    'dist/webview.js',
    'dist/webview-toolkitElements.js',
    'dist/webview-search.js',
    'dist/report.js',
    'dist/report.css',
    'dist/tree-sitter.wasm',
    'dist/tree-sitter-go.wasm',
    'syntaxes/go-goroutines.tmLanguage.json',
    'docs/rules/defer-in-loop.md',
  ]) {
    assert.ok(files.includes(needed), `${needed} missing from the .vsix`);
  }
  const unwanted = files.filter((f) => /\.node$|\.map$|\.ts$|^src\/|^test\/|^node_modules\/|^examples\/|^bench\//.test(f));
  assert.deepEqual(unwanted, []);
});
