// Vitest runs the unit and integration tests under tests/ (not the browser tests in tests/e2e,
// which Playwright runs). Because this file exists, Vitest does NOT read vite.config.ts: add
// here any plugin or alias a test needs.
// Timeouts are generous because some tests walk a thousand real binaries on a 2-core CI machine;
// they are safety nets only: no test may assert on wall-clock time.
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: [...configDefaults.exclude, 'tests/e2e/**'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
