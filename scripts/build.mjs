// Builds every bundle the extension ships: extension host, language server, CLI, lint worker.
// Usage: node scripts/build.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');

mkdirSync(dist, { recursive: true });
// The Go grammar and the tree-sitter runtime are WebAssembly: no native module ships in the .vsix.
copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), path.join(dist, 'tree-sitter.wasm'));
copyFileSync(require.resolve('tree-sitter-go/tree-sitter-go.wasm'), path.join(dist, 'tree-sitter-go.wasm'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  // web-tree-sitter's ESM build reads import.meta.url, which a CommonJS bundle does not have: use its CJS build.
  alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
};

const builds = [
  { entryPoints: { extension: 'src/extension/main.ts' }, external: ['vscode'] },
  { entryPoints: { server: 'src/server/main.ts' } },
  { entryPoints: { cli: 'src/cli/main.ts' }, banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: { lintWorker: 'src/lint/worker.ts' } },
  // The flame-graph page (VS Code webview and report.html): browser IIFE, its CSS lands in dist/webview.css.
  // Always minified: report.html inlines it, and the page parses less before its first paint.
  { entryPoints: { webview: 'webview-ui/main.ts' }, platform: 'browser', format: 'iife', target: 'chrome114', minify: true },
  { entryPoints: { pprofWorker: 'src/pprof/worker.ts' } },
  { entryPoints: { goroutinesWorker: 'src/goroutines/worker.ts' } },
];

const contexts = await Promise.all(builds.map((b) => esbuild.context({ ...common, outdir: dist, ...b })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching for changes…');
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
