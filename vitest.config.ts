import { defineConfig } from 'vitest/config'

/** Unit (plain Node) and e2e (built renderer in Chromium) tests; `npm test` builds first. */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Build machines have 2 cores: run two test files at a time (each in its own fork), tests inside a file in order.
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
