// The `goroscope` CLI as one small entry (dist/cli.js: arguments, help, version) and one bundle per command
// (dist/cli-<command>.js, from src/cli/commands/<command>.ts), required when the command runs: Node then
// compiles only what that command runs (`goroscope goroutines` started 15 ms sooner than with every
// command's code in one 960 KB bundle). src/cli/commands/index.ts imports each command lazily; here those
// imports become requires of the command's bundle.
import { readdirSync } from 'node:fs';
import path from 'node:path';

const commandsDir = 'src/cli/commands';

/** Every command module: src/cli/commands/*.ts but the index. */
function commandNames(root) {
  return readdirSync(path.join(root, commandsDir))
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
    .map((f) => f.slice(0, -3));
}

/** esbuild builds (over the shared options) for dist/cli.js and each dist/cli-<command>.js. */
export function cliBuilds(root) {
  const names = commandNames(root);
  const index = path.join(root, commandsDir, 'index.ts');
  const commandsApart = {
    name: 'cli-commands-apart',
    setup(build) {
      build.onResolve({ filter: /^\.\/[\w-]+$/ }, (args) => {
        const name = args.path.slice(2);
        if (args.importer !== index || !names.includes(name)) return undefined;
        return { path: `./cli-${name}.js`, external: true };
      });
    },
  };
  return [
    // A command's bundle is required, not import()ed: Node's ES module loader would cost more than it saves.
    { entryPoints: { cli: 'src/cli/main.ts' }, banner: { js: '#!/usr/bin/env node' }, plugins: [commandsApart], supported: { 'dynamic-import': false } },
    { entryPoints: Object.fromEntries(names.map((n) => [`cli-${n}`, `${commandsDir}/${n}.ts`])) },
  ];
}
