// Vitest configuration: tests live in test/, mirroring the source folders.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Stryker's runs (stryker.config.mjs sets KAAL_MUTATE) run instrumented code at nice 10-15 on a
    // shared machine: the property tests' minute is not enough there.
    testTimeout: process.env.KAAL_MUTATE === '1' ? 300_000 : 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
