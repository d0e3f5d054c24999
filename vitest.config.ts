import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(__filename);

export default defineConfig({
  resolve: {
    // One graphql instance for type-graphql, Apollo and tests ("another module or realm", STACK.md).
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Files share one database and fixed emulator ports are avoided; run them one at a time
    // on this 2-core machine so timings stay honest and the embedded database has one client.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
