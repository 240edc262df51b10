import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The folder of the running bundle (dist/): it holds the tree-sitter .wasm files and
 * lintWorker.js next to cli.js.
 */
export function distDir(): string {
  return __dirname;
}

/** The version in the package.json one level above dist/ (installed package or repository). */
export function cliVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(distDir(), '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
