// @ts-check
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

/**
 * The layers of src/, lowest first: each folder may import the folders before it, never one after
 * it (CONTRIBUTING.md, "Layout"), from however deep a file sits (`../../modes/…` too). The root's
 * words every layer shares (constants, duration) import no folder; the steps (index, main, post,
 * step) are imported by none.
 */
const LAYERS = ["runner", "api", "health", "workflow", "fleet", "modes"];
const STEPS = ["index", "main", "post", "step"];
/** Any number of `../` before the name: a file two folders down reaches a layer as `../../x/`. */
const upTo = (/** @type {string} */ target) => `^(\\.\\./)+${target}`;
/**
 * Only runner/ touches the Actions toolkit, so everything else runs with fakes in tests; by its
 * files' paths too, as run-context.ts reaches @actions/github's context module.
 */
const TOOLKIT = [
  "@actions/core",
  "@actions/core/*",
  "@actions/github",
  "@actions/github/*",
  "**/node_modules/@actions/**",
];

/**
 * @param {string} files
 * @param {({ group: string[], message: string } | { regex: string, message: string })[]} patterns
 */
function restrict(files, patterns) {
  return { files: [files], rules: { "no-restricted-imports": ["error", { patterns }] } };
}

const toolkitRule = {
  group: TOOLKIT,
  message: "Only src/runner/ imports the Actions toolkit: take what you need through ActionIO.",
};

/** What a folder of src/ may not import: the layers above it and the steps. */
const layerPatterns = (/** @type {string} */ folder) => {
  const above = LAYERS.slice(LAYERS.indexOf(folder) + 1);
  return [
    {
      regex: upTo(
        `(${[...above.map((f) => `${f}/`), ...STEPS.map((s) => `${s}\\.js$`)].join("|")})`,
      ),
      message: `src/${folder}/ is below ${above.join(", ") || "no folder"} and the steps: it may not import them.`,
    },
    ...(folder === "runner" ? [] : [toolkitRule]),
  ];
};

const layerRules = LAYERS.map((folder) => restrict(`src/${folder}/**/*.ts`, layerPatterns(folder)));

/**
 * Inside fleet/, the pure rules decide and import no operation, list reading or wait, so that
 * every rule is tested without an API.
 */
const pureRules = restrict("src/fleet/rules/*.ts", [
  ...layerPatterns("fleet"),
  {
    regex: "^\\.\\./(?!\\.\\./)",
    message: "src/fleet/rules/ is pure: it imports only other rules and the layers below fleet/.",
  },
]);

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", ".drill/"] },
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
  pureRules,
);
