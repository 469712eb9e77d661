// Lint in `npm test` (npm run lint): typescript-eslint's type-checked rules on the product code, the
// plain recommended rules on tests and scripts. Formatting is Prettier's (npm run format:check), so no
// stylistic rule lives here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'media/**', 'test/fixtures/**', 'examples/**'] },
  {
    files: ['server/src/**/*.ts', 'client/src/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // `any` needs a reason on its line: `// eslint-disable-next-line @typescript-eslint/no-explicit-any -- why`.
      '@typescript-eslint/no-explicit-any': 'error',
      'no-control-regex': 'off', // YAML and PyYAML rules are about control characters
      // Backend methods are async so every endpoint answers a Promise, even one that needs no await.
      '@typescript-eslint/require-await': 'off',
      // CAVRA's open vocabularies are written `'pending' | 'approved' | string`: the names document the
      // known values while any value a newer CAVRA sends still type-checks.
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      // CAVRA payload fields are `unknown` (Python values in JSON); String() of them is what CAVRA's own
      // str() shows, and objects are not expected where these are read.
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['test/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off', // tests read JSON answers of any shape
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-control-regex': 'off',
      // Tests pin Python's float behaviour with literals that lose precision on purpose, load modules
      // lazily where a fault is injected, and rethrow with their own words in assertions.
      'no-loss-of-precision': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      'preserve-caught-error': 'off',
      'no-useless-assignment': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'eslint.config.mjs'],
    extends: [js.configs.recommended],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', Buffer: 'readonly' },
    },
  },
);
