// @ts-check
/**
 * `npm run drill`: bundles the drill (scripts/drill/) with esbuild, then runs it. Plain Node
 * cannot load @actions/workflow-parser (it imports its JSON schema without an import attribute),
 * and ncc's output leaves its sub-path imports to a `require` that fails in ESM; esbuild's
 * bundle runs on Node 20 and 24. The bundle goes to .drill/ (git ignores it), one folder below
 * the root as scripts/ is, so that scripts/run-action.js finds dist/ and action.yml from it.
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outfile = path.join(root, ".drill", "drill.mjs");

const { outputFiles } = await build({
  entryPoints: [path.join(root, "scripts", "drill", "cli.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  outfile,
  write: false,
  logLevel: "warning",
  // Some of the packages are CommonJS inside: give the ESM bundle the `require` they call.
  banner: {
    js: "import { createRequire as __drillRequire } from 'node:module'; const require = __drillRequire(import.meta.url);",
  },
});
// Written aside, then renamed: two drills started at once never load a half-written bundle.
const written = `${outfile}.${process.pid}`;
await mkdir(path.dirname(outfile), { recursive: true });
await writeFile(written, outputFiles[0]?.contents ?? "");
await rename(written, outfile);
await import(pathToFileURL(outfile).href);
