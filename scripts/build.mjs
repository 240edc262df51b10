// Builds every bundle the extension ships: extension host, language server and its worker, CLI, lint worker.
// Usage: node scripts/build.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { cliBuilds } from './cliCommands.mjs';
import { d3FlameGraphPatch } from './d3FlameGraphPatch.mjs';

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

// Browser bundles: d3-flame-graph patched (scripts/d3FlameGraphPatch.mjs), minified.
const page = { platform: 'browser', target: 'chrome114', minify: true, plugins: [d3FlameGraphPatch] };

/** For report.js: webview-ui/toolkit.ts imports toolkitElements.ts statically instead of as a chunk. */
const toolkitBuiltIn = {
  name: 'toolkit-built-in',
  setup(build) {
    build.onLoad({ filter: /[\\/]webview-ui[\\/]toolkit\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const lazy = "const loadElements = () => import('./toolkitElements');";
      if (source.split(lazy).length !== 2) throw new Error(`toolkit-built-in: webview-ui/toolkit.ts no longer has exactly one ${JSON.stringify(lazy)}`);
      const eager = "import * as toolkitElements from './toolkitElements';\nconst loadElements = () => Promise.resolve(toolkitElements);";
      return { contents: source.replace(lazy, eager), loader: 'ts' };
    });
  },
};

const builds = [
  { entryPoints: { extension: 'src/extension/main.ts' }, external: ['vscode'] },
  { entryPoints: { server: 'src/server/main.ts' } },
  // The language server's analysis thread: every parse of the workspace's Go happens there.
  { entryPoints: { serverWorker: 'src/server/worker.ts' } },
  // The CLI: dist/cli.js and a bundle per command (scripts/cliCommands.mjs).
  ...cliBuilds(root),
  { entryPoints: { lintWorker: 'src/lint/worker.ts' } },
  // The webview pages (flame graph, goroutines, leak watch): an ES module, its CSS in dist/webview.css, and
  // the toolkit in a chunk of its own (dist/webview-toolkitElements.js), fetched with the bundle (the page's
  // modulepreload, src/extension/panel/html.ts says why) and run after the graph's first paint. Always
  // minified: the page parses less before that paint.
  { ...page, entryPoints: { webview: 'webview-ui/main.ts' }, format: 'esm', splitting: true, chunkNames: 'webview-[name]' },
  // The same UI for report.html, which inlines one classic script: its own entry (the profile decoder
  // runs in the page), the toolkit built in.
  { ...page, entryPoints: { report: 'webview-ui/reportMain.ts' }, format: 'iife', plugins: [d3FlameGraphPatch, toolkitBuiltIn] },
  { entryPoints: { pprofWorker: 'src/pprof/worker.ts' } },
  { entryPoints: { goroutinesWorker: 'src/goroutines/worker.ts' } },
  { entryPoints: { fleetWorker: 'src/fleet/worker.ts' } },
];

const contexts = await Promise.all(builds.map((b) => esbuild.context({ ...common, outdir: dist, ...b })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching for changes…');
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
