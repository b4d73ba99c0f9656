// Lint is part of `npm test`. Its main job beyond style: keep src/ deterministic.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nondeterminism = [
  { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'Math.random breaks determinism: use ctx.rng (src/rng).' },
  { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Date.now breaks determinism: read time through src/clock.' },
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'new Date() breaks determinism: read time through src/clock.' },
  { selector: "CallExpression[callee.object.name='performance'][callee.property.name='now']", message: 'performance.now is wall-clock time: read it through src/clock.' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.beamulator/**', 'dist/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/clock/**', 'src/rng/**'],
    rules: { 'no-restricted-syntax': ['error', ...nondeterminism] },
  },
);
