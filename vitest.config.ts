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
    // Most files now run the steps in-process on a virtual clock and take little CPU; what is left
    // of the suite's time is waiting: the bundle's runs and the local runner (test/e2e), and the
    // real timeouts of the hang, trickle and delay cases. So more files at once than there are
    // cores still pays, up to the longest file (the local runner's, about 11 s). Measured on 2
    // cores (vitest alone, two runs each): 2 workers 54 s, 3 39 s, 4 31-37 s, 6 25-34 s, 8 22 s,
    // 10 20.5 s, 12 20 s, 16 20 s; with one core kept busy by other work, 6 30 s, 8 26 s, 10 24 s.
    maxWorkers: 10,
    hookTimeout: 30_000,
    // The workflow parser imports its JSON schema without an import attribute, which Node refuses:
    // Vite loads it instead (the rollback drill's tests, test/drill/).
    server: { deps: { inline: ["@actions/workflow-parser"] } },
  },
});
