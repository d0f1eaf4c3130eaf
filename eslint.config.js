// @ts-check
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

/**
 * The layers of src/, lowest first: each folder may import the folders before it, never one after
 * it (README, "Layout"). The root's words every layer shares (constants, duration) import no
 * folder; the steps (index, main, post, step) are imported by none.
 */
const LAYERS = ["runner", "api", "workflow", "fleet", "modes"];
const STEPS = ["index", "main", "post", "step"].map((name) => `../${name}.js`);
/** Only runner/ touches the Actions toolkit, so everything else runs with fakes in tests. */
const TOOLKIT = ["@actions/core", "@actions/core/*", "@actions/github", "@actions/github/*"];

/** @param {string} files @param {{ group: string[], message: string }[]} patterns */
function restrict(files, patterns) {
  return { files: [files], rules: { "no-restricted-imports": ["error", { patterns }] } };
}

const toolkitRule = {
  group: TOOLKIT,
  message: "Only src/runner/ imports the Actions toolkit: take what you need through ActionIO.",
};

const layerRules = LAYERS.map((folder, level) =>
  restrict(`src/${folder}/**/*.ts`, [
    {
      group: [...LAYERS.slice(level + 1).map((higher) => `../${higher}/*`), ...STEPS],
      message: `src/${folder}/ is below ${LAYERS.slice(level + 1).join(", ") || "no folder"} and the steps: it may not import them.`,
    },
    ...(folder === "runner" ? [] : [toolkitRule]),
  ]),
);

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      eqeqeq: ["error", "always"],
      "no-console": "off",
    },
  },
  restrict("src/*.ts", [toolkitRule]),
  restrict("src/{constants,duration}.ts", [
    { group: ["./*/*", "./*.js"], message: "The shared words import nothing of the program." },
    toolkitRule,
  ]),
  ...layerRules,
);
