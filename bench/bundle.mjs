// Bundles TypeScript modules of src/ for a benchmark to load in Node (CommonJS, as dist/ bundles them).
import path from 'node:path';
import * as esbuild from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');

/** Bundles `contents` (export statements, paths relative to the repository) to out/bench/NAME.cjs; returns its path. */
export async function bundleForBench(name, contents) {
  const outfile = path.join(root, 'out', 'bench', `${name}.cjs`);
  await esbuild.build({ stdin: { contents, resolveDir: root, loader: 'ts' }, bundle: true, platform: 'node', format: 'cjs', outfile, logLevel: 'warning' });
  return outfile;
}
