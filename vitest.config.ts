import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // End-to-end tests spawn the bundle and wait on real sockets; on a shared 2-core machine a
    // few seconds of scheduling noise must not fail them.
    testTimeout: 60_000,
    // The end-to-end files spend their time waiting on timers and child processes, not on the
    // CPU: more of them at once than there are cores keeps the suite short.
    maxWorkers: 6,
    hookTimeout: 30_000,
  },
});
