import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The end-to-end tests run the built command (bin/moscaler.js → dist/).
    globalSetup: ['test/global-setup.ts'],
    // Two cores here and in CI: forks keep native-looking timers (fake-timers) isolated per file.
    pool: 'forks',
    testTimeout: 20_000,
    // The SDK's notice that Node 20 support ends in 2027 would fill every test log.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
