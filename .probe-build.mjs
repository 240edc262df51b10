import * as esbuild from 'esbuild';
await esbuild.build({ entryPoints: { cli: 'src/cli/main.ts', lintWorker: 'src/lint/worker.ts' }, bundle: true, platform: 'node', target: 'node20', format: 'cjs', absWorkingDir: '/work/main', outdir: '/tmp/probe-dist', banner: { js: '#!/usr/bin/env node' },
  define: { 'import.meta.url': '__importMetaUrl' }, inject: [], logLevel: 'warning',
  footer: { js: '' } , banner: { js: '#!/usr/bin/env node\nvar __importMetaUrl = require("url").pathToFileURL(__filename).href;' } });
