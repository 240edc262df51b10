// Compiles every test module (test/**/*.test.ts, the VS Code suite and its runners) to out/test/
// as CommonJS. Dependencies stay external and resolve from node_modules; `vscode` is provided by
// the extension host when the suite runs inside VS Code.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const testDir = path.join(root, 'test');

function collect(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'fixtures' || entry.name === 'artifacts') continue;
      out.push(...collect(full));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      out.push(full);
    }
  }
  return out;
}

rmSync(path.join(root, 'out'), { recursive: true, force: true });
await esbuild.build({
  entryPoints: collect(testDir),
  outdir: path.join(root, 'out', 'test'),
  outbase: testDir,
  bundle: true,
  packages: 'external',
  external: ['vscode'],
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'warning',
});
