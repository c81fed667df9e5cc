import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Worker-thread and child-process tests compete for 2 cores; keep files in parallel but bounded.
    maxWorkers: 2,
  },
});
