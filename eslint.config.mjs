// Lint with layering enforced, not agreed (design.md convention 4):
// core, cli, tests and benches never import electron; src-shared is plain TypeScript; the renderer never
// imports Node, electron or main. Each banned module is caught as a static import/export, `import type`,
// a dynamic `import()`, `require()` and an `import('x').T` type.
import js from '@eslint/js'
import { defineConfig } from 'eslint/config'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import { builtinModules } from 'node:module'

const builtins = builtinModules.filter((m) => !m.startsWith('_') && !m.startsWith('node:'))
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

/** One banned family of module specifiers: a regex over the specifier and the reason shown. */
const ban = {
  electron: {
    regex: '^electron(-store)?(/.*)?$',
    message:
      'Only the Electron edge (src-main/index.ts, platform/, ipc/, windows/, src-preload) may import electron.',
  },
  node: {
    regex: `^(node:.*|(${builtins.map(escape).join('|')})(/.*)?)$`,
    message: 'No Node modules here: this code runs in a sandboxed page or must stay plain TypeScript.',
  },
  main: {
    regex: '(^|/)src-main(/.*)?$',
    message: 'Talk to main only through the contract in src-shared and window.keyshelf.',
  },
  upper: {
    regex: '(^|/)src-(main|preload|renderer)(/.*)?$',
    message: 'src-shared is the bottom layer: it imports nothing from main, preload or renderer.',
  },
  dom: {
    regex: '^(react-dom|react|@radix-ui/.*)(/.*)?$',
    message: 'src-shared is plain TypeScript: no DOM or React.',
  },
}

// esquery regex literals end at the first '/', so spell '/' as \x2F inside selectors.
const str = (re) => `/${re.replace(/\\?\//g, '\\x2F')}/`
/** The two rules that together forbid a list of module families in every import form. */
function layer(...families) {
  const syntax = families.flatMap(({ regex, message }) => [
    { selector: `ImportExpression[source.value=${str(regex)}]`, message },
    { selector: `CallExpression[callee.name='require'] > Literal.arguments[value=${str(regex)}]`, message },
    { selector: `TSImportType > Literal.source[value=${str(regex)}]`, message },
  ])
  return {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      { patterns: families.map(({ regex, message }) => ({ regex, message })) },
    ],
    'no-restricted-syntax': ['error', ...syntax],
  }
}

const domGlobals = [
  'window',
  'document',
  'navigator',
  'location',
  'localStorage',
  'sessionStorage',
  'HTMLElement',
]

export default defineConfig(
  { ignores: ['out/**', 'node_modules/**', 'coverage/**', '.tmp/**', 'docs/**', '.vitest-report.json'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    name: 'layers/no-electron',
    files: ['src-main/core/**', 'src-main/cli/**', 'test/**', 'bench/**', 'scripts/**'],
    rules: layer(ban.electron),
  },
  {
    name: 'layers/shared',
    files: ['src-shared/**'],
    rules: {
      ...layer(ban.electron, ban.node, ban.upper, ban.dom),
      'no-restricted-globals': [
        'error',
        ...domGlobals.map((name) => ({ name, message: 'src-shared is plain TypeScript: no DOM.' })),
      ],
    },
  },
  {
    name: 'layers/preload',
    files: ['src-preload/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: layer(ban.node, ban.main),
  },
  {
    name: 'layers/renderer',
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...layer(ban.electron, ban.node, ban.main),
    },
  },
  {
    files: ['bin/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
)
