import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // End-to-end tests spawn the bundle and wait on real sockets; on a shared 2-core machine a
    // few seconds of scheduling noise must not fail them.
    testTimeout: 60_000,
    // The end-to-end files spend most of their time waiting on timers and child processes, not
    // on the CPU: many more of them at once than there are cores keeps the suite short. Measured
    // on 2 cores (vitest alone): 4 workers 75 s, 6 57 s, 8 52 s, 10 44 s, 12 41 s; from 10 on the
    // CPU is nearly all used (the bundle each end-to-end run starts), so more buys little.
    maxWorkers: 10,
    hookTimeout: 30_000,
  },
});
