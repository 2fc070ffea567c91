// Lint for what the type checker does not catch. Kept small on purpose: every floating promise is awaited or
// marked `void` (an unhandled rejection in the daemon or the extension host is a silent failure for the user).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-test/**', 'node_modules/**', 'test-output/**', '.scratch/**', '**/*.mjs', '**/*.js'] },
  {
    files: ['client/src/**/*.ts', 'server/src/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
    },
  },
);
