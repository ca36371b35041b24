import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'examples/web/test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // WORKDOCS_LOCAL_TEST_BACKEND=postgres: a throwaway PostgreSQL cluster for the run.
    globalSetup: ['test/helpers/global-setup.ts'],
    // The AWS SDK warns on Node 20 that its 2027 releases need Node 22; CI runs both.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
