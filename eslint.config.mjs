// ESLint flat config. The layering rule lives here: imports flow experience → process → system,
// and vendor wire types stay inside their CRM folder (SPEC §1).
import { existsSync, readdirSync } from 'node:fs';
import { URL } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// A CRM module is a folder of src/system with a descriptor (src/system/registry.ts lists them);
// its wire types, like the shared emulator kit and transport, are the system tier's own.
const systemDir = new URL('./src/system/', import.meta.url);
const crmFolders = readdirSync(systemDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(new URL(`${d.name}/descriptor.ts`, systemDir)))
  .map((d) => d.name);
const vendorInternals = [...crmFolders, 'emulator-kit', 'transport'].map((folder) => `**/system/${folder}/**`);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.junction/**', 'coverage/**', 'artifacts/**', 'schema/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src/system/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/process/**', '**/process', '**/experience/**', '**/experience'], message: 'src/system knows nothing of the process or experience tiers.' },
        { group: ['graphql', 'type-graphql', '@apollo/*', 'typeorm'], message: 'src/system speaks vendor wire formats only.' },
      ] }],
    },
  },
  {
    files: ['src/process/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/experience/**', '**/experience'], message: 'src/process must not import the experience tier.' },
        { group: ['graphql', 'graphql/*', 'type-graphql', '@apollo/*', 'graphql-ws', 'graphql-scalars', '@graphql-yoga/*'], message: 'src/process knows nothing of GraphQL.' },
        { group: vendorInternals, message: 'Only src/system reads vendor wire types: import from src/system (its index) instead.' },
      ] }],
    },
  },
  {
    files: ['src/experience/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: vendorInternals, message: 'Only src/system reads vendor wire types: import from src/system (its index) instead.' },
        { group: ['**/process/**', '!**/process/index'], message: 'src/experience uses the process tier through its public face only: import from src/process (its index).' },
        { group: ['typeorm', 'typeorm/*', 'pg', 'pg-boss'], message: 'src/experience never touches the store: ask a process service.' },
      ] }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', process: 'readonly', __dirname: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
