// The layers of the project, as a lint rule: an import that goes the wrong way fails `npm test`.
//
// The product is what `cdktf synth` runs and users deploy: main.ts wires app.ts, app.ts the
// stacks, the stacks read the settings (config/) and build constructs (constructs/). Each layer
// imports only from layers below it (or from its own folder). The tooling may import the
// product, never the other way: scripts/ (the local run and the wrappers) imports neither bench/
// nor __tests__/, and bench/ does not import __tests__/.
const path = require("path");

const ROOT = __dirname;

/** Layers by the first segment of a project-relative path; a higher rank may import a lower one. */
const PRODUCT = {
  "main.ts": 5,
  "app.ts": 4,
  stacks: 3,
  config: 2,
  constructs: 1,
  "token-traces.ts": 0,
};

/** Which tooling folders each tooling folder may not import (the product it may). */
const TOOLING_MAY_NOT_IMPORT = {
  scripts: ["bench", "__tests__"],
  bench: ["__tests__"],
  __tests__: [],
};

/** The first segment of a project-relative path, or undefined outside the project. */
function topOf(file) {
  const relative = path.relative(ROOT, file);
  if (relative.startsWith("..") || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep)[0];
}

/** Where an import of `specifier` from `file` leads inside the project, or undefined (a package). */
function targetTop(file, specifier) {
  if (!specifier.startsWith(".")) return undefined;
  const top = topOf(path.resolve(path.dirname(file), specifier));
  // "./app" names app.ts: imports leave the extension out.
  return top !== undefined && `${top}.ts` in PRODUCT ? `${top}.ts` : top;
}

/** Why importing `to` from `from` breaks the layers, or undefined when it does not. */
function violation(from, to) {
  if (from === to || to === undefined || from === undefined) return undefined;
  const fromRank = PRODUCT[from];
  const toRank = PRODUCT[to];
  const toTooling = to in TOOLING_MAY_NOT_IMPORT;
  if (fromRank !== undefined) {
    if (toTooling) return `the product (${from}) imports nothing from the tooling (${to}/)`;
    if (toRank !== undefined && toRank >= fromRank)
      return `${from} may not import ${to}: imports go down the layers main.ts > app.ts > stacks/ > config/ > constructs/`;
    return undefined;
  }
  if (from in TOOLING_MAY_NOT_IMPORT && TOOLING_MAY_NOT_IMPORT[from].includes(to)) {
    return `${from}/ may not import ${to}/: scripts/ imports neither bench/ nor __tests__/, bench/ not __tests__/`;
  }
  return undefined;
}

/** @type {import("eslint").Rule.RuleModule} */
const importsGoDown = {
  meta: { type: "problem", docs: { description: "Imports follow the project's layers." }, schema: [] },
  create(context) {
    const from = topOf(context.filename);
    const check = (node, source) => {
      if (!source || typeof source.value !== "string") return;
      const why = violation(from, targetTop(context.filename, source.value));
      if (why) context.report({ node, message: `Import of "${source.value}": ${why}.` });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
      TSImportType: (node) => check(node, node.argument?.literal ?? node.argument),
      CallExpression: (node) => {
        if (node.callee.type === "Identifier" && node.callee.name === "require") check(node, node.arguments[0]);
      },
    };
  },
};

module.exports = { rules: { "imports-go-down": importsGoDown }, violation };
