import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Installs the Debian packages the tests use (.ci/debian-packages) when they are missing,
    // builds dist/ once for the tests that use the built package, and starts Azurite and a
    // throwaway Ceph RGW.
    globalSetup: [
      'tests/setup/debian-packages.ts',
      'tests/setup/build.ts',
      'tests/setup/azurite.ts',
      'tests/setup/ceph.ts',
    ],
    // Deterministic: every test sees UTC, whatever the machine's zone.
    env: { TZ: 'UTC' },
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Fails the run if a focused test slips in.
    allowOnly: false,
  },
});
