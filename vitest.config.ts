import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The end-to-end tests run the built command (bin/moscaler.js → dist/).
    globalSetup: ['test/global-setup.ts'],
    // A fake clock a test left installed (it timed out or threw) is uninstalled before the next test.
    setupFiles: ['test/fake-clock-safety.ts'],
    // Two cores here and in CI: forks keep native-looking timers (fake-timers) away from the runner's own.
    pool: 'forks',
    // Test files share a worker's module cache: the SDK, XState and the ASL engine load once per worker, not per
    // file (the suite took ~180 s, ~100 s without). Each file restores what it installs (virtual time, env);
    // the suite passes with its files shuffled (vitest run --sequence.shuffle.files).
    isolate: false,
    testTimeout: 20_000,
    // The SDK's notice that Node 20 support ends in 2027 would fill every test log.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
