// One linter, one job here: correctness basics plus the process boundaries of architecture.md.
// Boundaries are enforced with no-restricted-imports per folder, and test/unit/boundaries.test.ts proves
// the rules fire on a file that crosses them.
import tseslint from 'typescript-eslint';

const nodeBuiltins = { group: ['node:*'], message: 'this folder must not import Node built-ins (see architecture.md: boundaries)' };
const electronPkg = { name: 'electron', message: 'only electron/main and electron/preload may import electron' };
const rendererDir = { group: ['**/renderer/**'], message: 'only the renderer build may import renderer/' };
const engineDirs = { group: ['**/electron/**', '../electron/**', '../../electron/**'], message: 'the renderer and shared/ talk to the engine through shared/contract.ts only' };
const reactPkgs = { group: ['react', 'react-dom', 'react/*', 'zustand', '@xyflow/*'], message: 'UI libraries belong in renderer/' };
// Code that every new worker thread loads takes these through worker/builtins.ts (see why there).
const workerFacades = ['node:util', 'node:fs', 'node:v8', 'node:url', 'node:os', 'node:path'].map((name) => ({
  name,
  message: 'worker code gets this built-in from ./builtins.ts: importing it builds an ESM facade, 2-4 ms in every new thread',
}));

/** The boundary table of architecture.md, as lint rules. */
export const boundaries = [
  {
    files: ['shared/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronPkg], patterns: [nodeBuiltins, rendererDir, engineDirs, reactPkgs] }] },
  },
  {
    files: ['electron/engine/**/*.ts', 'electron/cli/**/*.ts', 'electron/server/**/*.ts', 'electron/api/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronPkg], patterns: [rendererDir, reactPkgs] }] },
  },
  {
    files: ['electron/engine/worker/**/*.ts'],
    ignores: ['electron/engine/worker/builtins.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronPkg, ...workerFacades], patterns: [rendererDir, reactPkgs] }] },
  },
  {
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [rendererDir, reactPkgs] }] },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronPkg], patterns: [nodeBuiltins, engineDirs] }] },
  },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-results/**', 'playwright-report/**', 'examples/**/data/**', 'test/fixtures/jobs/bad-*'] },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      'no-debugger': 'error',
      'no-dupe-keys': 'error',
      'no-unreachable': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  ...boundaries,
);
