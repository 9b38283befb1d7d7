import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'child_process',
  'os',
  'net',
  'http',
  'https',
  'crypto',
  'stream',
  'worker_threads',
  'url',
  'util',
];
const NATIVE = ['better-sqlite3', 'node-pty', 'ws'];
const layer = (patterns, message) => ({ 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] });

/** The layering of docs/architecture.md: imports point inward, never across front doors. */
const layering = [
  {
    files: ['src/shared/**/*.ts'],
    rules: layer(
      [...NODE_BUILTINS, ...NATIVE, 'electron', '**/core/**', '**/main/**', '**/renderer/**', '**/server/**', '**/cli/**', '**/preload/**'],
      'src/shared is the pure contract: no Node, no Electron, nothing of ours.',
    ),
  },
  {
    files: ['src/core/**/*.ts'],
    rules: layer(
      ['electron', '**/main/**', '**/renderer/**', '**/server/**', '**/cli/**', '**/preload/**'],
      'src/core is the engine in plain Node: it imports only shared and Node.',
    ),
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: layer(
      [...NODE_BUILTINS, ...NATIVE, 'electron', '**/core/**', '**/main/**', '**/server/**', '**/cli/**', '**/preload/**'],
      'The renderer knows only WorkbenchApi from src/shared.',
    ),
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: layer(
      [...NODE_BUILTINS, ...NATIVE, '**/core/**', '**/main/**', '**/renderer/**', '**/server/**', '**/cli/**'],
      'The preload exposes the typed API and nothing else.',
    ),
  },
  {
    files: ['src/main/**/*.ts', 'src/server/**/*.ts', 'src/cli/**/*.ts'],
    rules: layer(['**/renderer/**', '**/preload/**'], 'Front doors reach the renderer only through WorkbenchApi.'),
  },
  {
    files: ['src/server/**/*.ts', 'src/cli/**/*.ts'],
    rules: layer(['electron', '**/main/**', '**/renderer/**', '**/preload/**'], 'The CLI and the browser host run in plain Node.'),
  },
  {
    files: ['src/reporter/**/*.ts', 'src/agent/**/*.ts'],
    rules: layer(
      ['electron', '**/main/**', '**/renderer/**', '**/preload/**', '**/server/**', '**/cli/**'],
      'The reporter and the capture agent run on servers in plain Node; the CLI starts them, never the reverse.',
    ),
  },
];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'dist/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Programs the tests run on Node.js to make its crashes: Node's globals are theirs.
  { files: ['test/fixtures/runtime-programs/**/*.js'], languageOptions: { globals: { process: 'readonly', setTimeout: 'readonly' } } },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['bin/**/*.cjs', 'scripts/**/*.mjs', '.dependency-cruiser.cjs'],
    languageOptions: {
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...layering,
);
