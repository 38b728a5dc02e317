import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.clickstream/**', 'bench/.out/**', 'oclif.manifest.json']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', URL: 'readonly'},
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      'no-constant-condition': ['error', {checkLoops: false}],
    },
  },
  {
    files: ['src/lib/**/*.ts'],
    ignores: ['src/lib/cli/**'],
    rules: {
      'no-restricted-imports': ['error', {patterns: [{group: ['@oclif/*'], message: 'Only src/lib/cli and src/commands may import oclif.'}]}],
      'no-restricted-properties': ['error', {object: 'process', property: 'exit', message: 'Library code throws; the CLI layer decides the exit code.'}],
    },
  },
)
