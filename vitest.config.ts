import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Integration tests spawn real git in temp repos; two cores, so keep forks modest.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
