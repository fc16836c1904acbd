import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Two cores here and in CI: forks keep native-looking timers (fake-timers) isolated per file.
    pool: 'forks',
    testTimeout: 20_000,
  },
});
