import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'shared/**/*.test.ts',
      'electron/**/*.test.ts',
      'renderer/**/*.test.{ts,tsx}',
      'e2e/emulators/**/*.test.ts',
      'build/**/*.test.ts',
      'scripts/**/*.test.ts',
    ],
    exclude: ['node_modules/**', 'dist/**', 'dist-electron/**'],
    environment: 'node',
    // Starts nothing itself: the first test file that needs PostgreSQL starts the run's one cluster.
    globalSetup: ['electron/gateway/testing/pg-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
