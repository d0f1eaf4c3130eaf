import { readFile } from "node:fs/promises";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    {
      // The workflow parser's source maps name TypeScript files that its package does not ship,
      // and Vite, which loads it (below), would warn once for each of its files.
      name: "workflow-parser-without-source-maps",
      async load(id) {
        if (!/\/@actions\/workflow-parser\/dist\/.*\.js$/.test(id)) return null;
        const code = await readFile(id, "utf8");
        return { code: code.replace(/^\/\/# sourceMappingURL=.*$/m, ""), map: null };
      },
    },
  ],
  test: {
    include: ["test/**/*.test.ts"],
    // End-to-end tests spawn the bundle and wait on real sockets; on a shared 2-core machine a
    // few seconds of scheduling noise must not fail them.
    testTimeout: 60_000,
    // Files side by side, each a worker. The tests wait for events and the virtual clock, not for
    // the wall clock, so the workers' own load no longer fails them; what it still does is stretch
    // the few real timeouts (a hung request, a trickle) and the bundle's runs. Much of the suite's
    // time is such real waiting, so more workers than cores still pays. Measured on 2 cores, vitest
    // alone: with two other sessions' suites running (load 8 to 17), without / with one core kept
    // busy, 2 workers 99 / 136 s, 3 69 / 100 s, 4 73 / 103 s, 6 44 / 71 s, 10 61 / 99 s (at 10
    // with the busy core one test failed: it aborted a request after 50 ms, and now waits for the
    // request instead); on the quiet machine, 878 tests, 3 workers 55 s, 4 48 s, 6 40 s. Then
    // `npm run test:repeat` at 6, five runs beside the busy core: see CONTRIBUTING.md.
    maxWorkers: 6,
    hookTimeout: 30_000,
    // The workflow parser imports its JSON schema without an import attribute, which Node refuses:
    // Vite loads it instead (the rollback drill's tests, test/drill/).
    server: { deps: { inline: ["@actions/workflow-parser"] } },
  },
});
