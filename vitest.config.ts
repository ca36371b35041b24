import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // One graphql-js, as under Node: Node resolves `graphql` to its CommonJS build (the package
    // has no `exports`), which Apollo, the subgraph library and graphql-jit load; Vite would pick
    // its `module` build for the project's own files, and a schema built by one copy cannot be
    // executed by the other ("Cannot use GraphQLScalarType … from another module or realm").
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
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
