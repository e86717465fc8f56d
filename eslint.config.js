// Lint: typescript-eslint's recommended, type-aware rules on all TypeScript sources.
const tseslint = require("typescript-eslint");

module.exports = tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", ".gen/", ".local/", "coverage/", "**/*.js", "**/*.d.ts"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-console": "error",
    },
  },
  {
    // Command-line scripts and benchmarks talk to the user on the console.
    files: ["scripts/**/*.ts", "bench/**/*.ts"],
    rules: { "no-console": "off" },
  },
);
