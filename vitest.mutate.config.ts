// Vitest configuration for Stryker (npm run mutate, stryker.config.mjs) on folders whose tests may
// share modules: the normal one, without a
// fresh module graph per test file. Stryker switches mutants at run time, so nothing needs reloading,
// and re-importing the compiler and the runtime for every file of every mutant run would dominate.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(base, defineConfig({ test: { isolate: false } }));
