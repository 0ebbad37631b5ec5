// Lint with layering enforced, not agreed: core never imports electron; the renderer never imports node.
import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import { builtinModules } from 'node:module'

const electronOnly = {
  paths: [
    {
      name: 'electron',
      message: 'Only the Electron edge (src-main/index.ts, platform/, ipc/, windows/) may import electron.',
    },
    { name: 'electron-store', message: 'Only src-main/platform may import electron-store.' },
  ],
}
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)]

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', '.tmp/**', 'docs/**', '.vitest-report.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src-main/core/**', 'src-main/cli/**', 'src-shared/**', 'test/**', 'bench/**', 'scripts/**'],
    rules: { 'no-restricted-imports': ['error', electronOnly] },
  },
  {
    files: ['src-shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...electronOnly.paths,
            ...nodeBuiltins.map((name) => ({ name, message: 'src-shared is plain TypeScript.' })),
          ],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...electronOnly.paths,
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'The renderer runs in a sandbox: no Node modules.',
            })),
          ],
          patterns: [
            {
              group: ['**/src-main/**', '../../src-main/*'],
              message: 'The renderer talks to main only through window.keyshelf.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['bin/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
)
