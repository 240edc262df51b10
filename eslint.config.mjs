// Flat config: ESLint's and typescript-eslint's recommended rules over the TypeScript sources,
// tests and build scripts. Type-aware rules are left out to keep `npm run lint` quick; `tsc` runs
// right after it and checks types.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const readonly = (names) => Object.fromEntries(names.map((name) => [name, 'readonly']));

// Globals of Node's scripts (scripts/, bench/); the TypeScript files get theirs from @types/node.
const nodeGlobals = readonly([
  'AbortController', 'Buffer', 'URL', 'URLSearchParams', 'TextDecoder', 'TextEncoder', 'clearInterval',
  'clearTimeout', 'console', 'fetch', 'performance', 'process', 'queueMicrotask', 'setImmediate',
  'setInterval', 'setTimeout', 'structuredClone',
]);
const commonJsGlobals = readonly(['require', 'module', 'exports', '__dirname', '__filename']);

export default defineConfig(
  {
    ignores: ['dist/**', 'out/**', 'node_modules/**', 'examples/**', 'test/fixtures/**', 'test/e2e/artifacts/**',
      'bench/results/**', '.vscode-test/**', '.stryker-tmp/**', 'reports/**'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: commonJsGlobals },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      // `_`-prefixed names mark a parameter or binding that is there on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
);
