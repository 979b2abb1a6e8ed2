import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure code beside its source, no emulators) and `integration` (under test/, with the
 * emulators started once per run by test/global-setup.ts). `npx vitest run <path>` picks the right one.
 *
 * Timeouts are generous on purpose: the suite must pass on a slow, busy 2-core machine, where a property test
 * or starting a stack (a JVM for DynamoDB Local) can take many times as long as on an idle one. No test
 * asserts speed; a test that waits for something polls with its own deadline.
 */
export default defineConfig({
  test: {
    // Every run: the personal-data scan of every log line our code writes (test/log-scan/).
    globalSetup: ['test/log-scan/global-setup.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          // Unit and integration files share one pool of workers: integration tests spend most of their
          // time waiting on emulators and pollers, which unit tests use meanwhile.
          sequence: { groupOrder: 0 },
          maxWorkers: 3,
          include: [
            'functions/**/*.test.ts',
            'infra/**/*.test.ts',
            'local/**/*.test.ts',
            'bench/**/*.test.ts',
            'eval/**/*.test.ts',
          ],
          environment: 'node',
          setupFiles: ['test/log-scan/setup.ts'],
          testTimeout: 90_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 0 },
          include: ['test/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/log-scan/setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // Emulators are shared; three files at a time on 2 cores (equal to `unit`: same group order).
          maxWorkers: 3,
        },
      },
    ],
  },
});
