import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Integration tests spawn real git and guard processes in temp repos. Vitest's default is one
    // worker fewer than the cores, which on two cores is one: that worker spends most of its time
    // waiting for the processes it spawned, which keep one core busy, and the second core idled.
    // Two workers on two cores (one per core on bigger machines) share no repository, HOME or
    // port (each test makes its own temp dir; git-daemon.ts asks the OS for a free port).
    pool: 'forks',
    maxWorkers: Math.max(2, os.availableParallelism()),
    testTimeout: 60_000,
    hookTimeout: 60_000,
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
