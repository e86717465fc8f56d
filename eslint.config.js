// Lint: typescript-eslint's recommended, type-aware rules on all TypeScript sources.
const tseslint = require("typescript-eslint");
const layers = require("./eslint-layers");

module.exports = tseslint.config(
  {
    ignores: ["node_modules/", "cdktf.out/", ".gen/", ".local/", "coverage/", ".stryker-tmp/", "**/*.js", "**/*.d.ts"],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-console": "error",
    },
  },
  {
    // The product apart from its tooling, and each layer importing only below it: eslint-layers.js.
    plugins: { layers },
    rules: { "layers/imports-go-down": "error" },
  },
  {
    // The unit specs run as one jest test file (__tests__/unit.test.ts) and share their modules:
    // a module mock or a reset in one spec would leak into the specs after it.
    files: ["__tests__/**/*.spec.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        ...["mock", "doMock", "unmock", "resetModules", "isolateModules", "replaceProperty"].map((property) => ({
          object: "jest",
          property,
          message: "The unit specs share one module registry; pass dependencies in instead.",
        })),
      ],
    },
  },
  {
    // Command-line scripts and benchmarks talk to the user on the console.
    files: ["scripts/**/*.ts", "bench/**/*.ts"],
    rules: { "no-console": "off" },
  },
);
