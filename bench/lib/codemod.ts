/**
 * The codemod that turns this project's deep provider imports into the root namespace imports
 * that `cdktf init --template typescript` users write:
 *
 *   import { IamRole } from "@cdktf/provider-aws/lib/iam-role";   new IamRole(...)
 * becomes
 *   import { iamRole } from "@cdktf/provider-aws";                new iamRole.IamRole(...)
 *
 * It works on the syntax tree, not on text, so strings, comments and property names stay as
 * they are. Whatever it does not understand (a default or namespace import of a deep path, a
 * re-export, a local binding with an imported name) stops it with an error rather than producing
 * a copy that differs from the app in something other than its imports.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const ROOT_MODULE = "@cdktf/provider-aws";
const DEEP_MODULE_RE = /^@cdktf\/provider-aws\/lib\/([a-z0-9-]+)$/;

/** Namespace name of each module of the provider, from its root index (`export * as iamRole from './iam-role'`). */
export type NamespaceIndex = ReadonlyMap<string, string>;

/** Reads the provider's root index: module (`iam-role`) to namespace (`iamRole`). */
export function readNamespaceIndex(projectRoot: string): NamespaceIndex {
  const indexFile = path.join(projectRoot, "node_modules", ROOT_MODULE, "lib", "index.d.ts");
  const index = new Map<string, string>();
  for (const m of fs.readFileSync(indexFile, "utf8").matchAll(/^export \* as (\w+) from '\.\/([a-z0-9-]+)';$/gm)) {
    index.set(m[2], m[1]);
  }
  if (index.size === 0) throw new Error(`${indexFile} exports no namespaces: has the provider's layout changed?`);
  return index;
}

/** A replacement of the text from `start` to `end`. */
interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** What one file imports by deep path. */
interface DeepImports {
  readonly declarations: readonly ts.ImportDeclaration[];
  /** Local name to the root module's namespace and the name exported from it. */
  readonly locals: ReadonlyMap<string, { readonly module: string; readonly exported: string }>;
}

function fail(file: string, node: ts.Node, what: string): never {
  const { line } = node.getSourceFile().getLineAndCharacterOfPosition(node.getStart());
  throw new Error(`codemod: ${file}:${line + 1}: ${what}`);
}

function deepModule(node: ts.Node): string | undefined {
  if (!ts.isImportDeclaration(node) && !ts.isExportDeclaration(node)) return undefined;
  const spec = node.moduleSpecifier;
  return spec && ts.isStringLiteral(spec) ? DEEP_MODULE_RE.exec(spec.text)?.[1] : undefined;
}

function collectDeepImports(file: string, source: ts.SourceFile): DeepImports {
  const declarations: ts.ImportDeclaration[] = [];
  const locals = new Map<string, { module: string; exported: string }>();
  for (const statement of source.statements) {
    const module = deepModule(statement);
    if (module === undefined) continue;
    if (!ts.isImportDeclaration(statement)) fail(file, statement, "re-exports of a deep path are not supported");
    const bindings = statement.importClause?.namedBindings;
    if (statement.importClause?.name || !bindings || !ts.isNamedImports(bindings)) {
      fail(file, statement, "only named imports `import { X } from` a deep path are supported");
    }
    declarations.push(statement);
    for (const element of bindings.elements) {
      locals.set(element.name.text, { module, exported: (element.propertyName ?? element.name).text });
    }
  }
  return { declarations, locals };
}

/** Names bound by declarations in the file, other than the deep imports' own bindings. */
function boundNames(source: ts.SourceFile, deep: readonly ts.ImportDeclaration[]): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (deep.includes(node as ts.ImportDeclaration)) return;
    const name = (node as { name?: ts.Node }).name;
    const declares =
      ts.isVariableDeclaration(node) ||
      ts.isParameter(node) ||
      ts.isBindingElement(node) ||
      ts.isFunctionDeclaration(node) ||
      ts.isClassDeclaration(node) ||
      ts.isInterfaceDeclaration(node) ||
      ts.isTypeAliasDeclaration(node) ||
      ts.isEnumDeclaration(node) ||
      ts.isImportSpecifier(node) ||
      ts.isImportClause(node) ||
      ts.isNamespaceImport(node);
    if (declares && name && ts.isIdentifier(name)) names.add(name.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

/** Whether an identifier names something other than a binding in scope: a property, a member, a label. */
function isMemberName(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) || ts.isQualifiedName(parent)) {
    return (ts.isPropertyAccessExpression(parent) ? parent.name : parent.right) === node;
  }
  const named =
    ts.isPropertyAssignment(parent) ||
    ts.isPropertySignature(parent) ||
    ts.isPropertyDeclaration(parent) ||
    ts.isMethodDeclaration(parent) ||
    ts.isMethodSignature(parent) ||
    ts.isGetAccessor(parent) ||
    ts.isSetAccessor(parent) ||
    ts.isEnumMember(parent) ||
    ts.isLabeledStatement(parent);
  return named && (parent as { name?: ts.Node }).name === node;
}

/** Edits that turn each use of an imported name into `<namespace>.<name>`. */
function usageEdits(source: ts.SourceFile, deep: DeepImports, alias: ReadonlyMap<string, string>): Edit[] {
  const edits: Edit[] = [];
  const visit = (node: ts.Node): void => {
    if (deep.declarations.includes(node as ts.ImportDeclaration)) return;
    if (ts.isIdentifier(node) && !isMemberName(node)) {
      const imported = deep.locals.get(node.text);
      if (imported) {
        const qualified = `${alias.get(imported.module)}.${imported.exported}`;
        const shorthand = ts.isShorthandPropertyAssignment(node.parent);
        edits.push({
          start: node.getStart(),
          end: node.getEnd(),
          text: shorthand ? `${node.text}: ${qualified}` : qualified,
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edits;
}

/**
 * The namespace each imported module is known by in the file: its name in the root index, or
 * `aws` + that name when the file binds the name itself (a local `const instance`, say).
 */
function namespaceAliases(file: string, source: ts.SourceFile, deep: DeepImports, index: NamespaceIndex) {
  const bound = boundNames(source, deep.declarations);
  const alias = new Map<string, string>();
  for (const [local, { module }] of deep.locals) {
    const namespace = index.get(module);
    if (namespace === undefined) throw new Error(`codemod: ${file}: ${ROOT_MODULE} has no module ${module}`);
    if (bound.has(local)) throw new Error(`codemod: ${file}: ${local} is both imported and declared`);
    const free = bound.has(namespace) ? `aws${namespace[0].toUpperCase()}${namespace.slice(1)}` : namespace;
    if (bound.has(free) || deep.locals.has(free)) {
      throw new Error(`codemod: ${file}: no free name for namespace ${namespace}`);
    }
    alias.set(module, free);
  }
  return alias;
}

function rootImport(alias: ReadonlyMap<string, string>, index: NamespaceIndex): string {
  const specifiers = [...alias]
    .map(([module, local]) => (index.get(module) === local ? local : `${index.get(module)} as ${local}`))
    .sort();
  return `import { ${[...new Set(specifiers)].join(", ")} } from "${ROOT_MODULE}";`;
}

/** The position after the line break that follows `pos`, if one does. */
function lineEnd(text: string, pos: number): number {
  const match = /^[ \t]*\r?\n/.exec(text.slice(pos, pos + 80));
  return match ? pos + match[0].length : pos;
}

function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Rewrites one file's deep provider imports to a root namespace import; other files come back unchanged. */
export function rewriteDeepImports(file: string, text: string, index: NamespaceIndex): string {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const deep = collectDeepImports(file, source);
  if (deep.declarations.length === 0) return text;
  const alias = namespaceAliases(file, source, deep, index);
  const [first, ...rest] = deep.declarations;
  const importEdits: Edit[] = [
    { start: first.getStart(), end: first.getEnd(), text: rootImport(alias, index) },
    // Each further deep import goes, with its line break (not with the comments above it).
    ...rest.map((d) => ({ start: d.getStart(), end: lineEnd(text, d.getEnd()), text: "" })),
  ];
  return applyEdits(text, [...importEdits, ...usageEdits(source, deep, alias)]);
}

const EXAMPLE_IN = `import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
// A comment that names IamRole stays.
import { IamRole as Role, IamRoleConfig } from "@cdktf/provider-aws/lib/iam-role";
import { Instance } from "@cdktf/provider-aws/lib/instance";

export function make(scope: Construct, config: IamRoleConfig, instance: Instance) {
  const p = new AwsProvider(scope, "AwsProvider", { alias: "AwsProvider" });
  return { p, Role, Instance, role: new Role(scope, "Role", config), id: instance.id, x: p.AwsProvider };
}
`;

const EXAMPLE_OUT = `import { Construct } from "constructs";
import { iamRole, instance as awsInstance, provider } from "@cdktf/provider-aws";
// A comment that names IamRole stays.

export function make(scope: Construct, config: iamRole.IamRoleConfig, instance: awsInstance.Instance) {
  const p = new provider.AwsProvider(scope, "AwsProvider", { alias: "AwsProvider" });
  return { p, Role: iamRole.IamRole, Instance: awsInstance.Instance, role: new iamRole.IamRole(scope, "Role", config), id: instance.id, x: p.AwsProvider };
}
`;

/** Checks the codemod on a known example; throws with both texts if it does not give the expected one. */
export function checkCodemod(index: NamespaceIndex): void {
  const actual = rewriteDeepImports("example.ts", EXAMPLE_IN, index);
  if (actual !== EXAMPLE_OUT) {
    throw new Error(`codemod self-check failed.\n--- expected\n${EXAMPLE_OUT}\n--- actual\n${actual}`);
  }
}
