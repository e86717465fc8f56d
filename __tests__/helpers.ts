/**
 * Shared helpers of the unit tests: obviously fake accounts, a config built from a context
 * object (never from the real environment), a fresh app with the stacks, readers of the
 * synthesized JSON, and provider mirrors for the Terraform set-up's specs.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
// The global types of the matchers that `Testing.setupJest()` (in setup.ts) adds to expect().
import type {} from "cdktf/lib/testing/adapters/jest";
import { defineStacks, StackPair } from "../app";
import { AppConfig, loadConfig } from "../config";
import { requiredPlatforms } from "../scripts/lib/terraform-cli-config";

/** The account that assumes the role. */
export const SOURCE_ACCOUNT = "111111111111";
/** The account that holds the role and the instance. */
export const DESTINATION_ACCOUNT = "222222222222";
/** Directory the tests' configs resolve a relative `stateDir` against; nothing is written there. */
export const PROJECT_DIR = "/project";
/** What {@link normaliseStatePaths} puts in place of the state directory. */
export const STATE_DIR_PLACEHOLDER = "<stateDir>";

/** Settings as they would appear in the `context` block of cdktf.json. */
export type Context = Readonly<Record<string, unknown>>;
/** Environment variables. */
export type Env = Readonly<Record<string, string | undefined>>;

/** `toThrow("...")` passes if the message merely contains the text; this matches all of it. */
export function exactly(message: string): RegExp {
  return new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
}

/** Validated settings from a context object and, optionally, environment variables. */
export function configFrom(context: Context = {}, env: Env = {}): AppConfig {
  return loadConfig({ context: (key) => context[key], env, cwd: PROJECT_DIR });
}

const outdirs: string[] = [];

// Every Testing.app() creates a temporary output directory, even if it never synthesizes.
// The hook is registered when a test file imports this module, so every file cleans up after itself.
afterAll(() => {
  for (const dir of outdirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new empty directory, removed after the test file. */
export function tempDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  outdirs.push(dir);
  return dir;
}

/**
 * A filesystem mirror with (empty files for) hashicorp/aws 5.100.0 for the platforms given, in
 * one of the two layouts Terraform reads: unpacked, as in a plugin cache, or packed, as
 * `terraform providers mirror` writes it.
 */
export function providerMirror(
  layout: "unpacked" | "packed",
  platforms: readonly string[] = requiredPlatforms(),
): string {
  const dir = tempDir(`mirror-${layout}`);
  const aws = path.join(dir, "registry.terraform.io", "hashicorp", "aws");
  for (const p of platforms) {
    const file =
      layout === "unpacked"
        ? path.join(aws, "5.100.0", p, "terraform-provider-aws_v5.100.0_x5")
        : path.join(aws, `terraform-provider-aws_5.100.0_${p}.zip`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, "");
  }
  return dir;
}

/** A fresh `Testing.app()`, whose output directory is removed after the test file. */
export function testApp(): App {
  const app = Testing.app();
  outdirs.push(app.outdir);
  return app;
}

/** An app with its stacks, synthesized. */
export interface SynthesizedApp {
  readonly app: App;
  readonly config: AppConfig;
  readonly pairs: readonly StackPair[];
}

/**
 * A fresh app with the stacks `defineStacks` makes from `context`, synthesized.
 *
 * The stacks are prepared first on purpose: CDKTF turns the ec2-stack's use of the iam-stack's
 * role ARN into an output of the iam-stack and a `terraform_remote_state` in the ec2-stack
 * only when the app prepares its stacks. Without it, `Testing.synth(ec2Stack)` shows a
 * dangling `${aws_iam_role....arn}` and the iam-stack lacks the output. `prepareStack()` on
 * every stack is the part of `app.synth()` that does this, without writing the output files
 * (about a fifth of the time of a stack test); afterwards `Testing.synth(stack)` and
 * `Testing.fullSynth(stack)` give what `cdktf synth` writes (the snapshots prove it).
 */
export function synthApp(context: Context = {}, env: Env = {}): SynthesizedApp {
  const config = configFrom(context, env);
  const app = testApp();
  const pairs = defineStacks(app, config);
  for (const stack of app.node.children) if (stack instanceof TerraformStack) stack.prepareStack();
  return { app, config, pairs };
}

/** The single iam-stack/ec2-stack pair of a configuration without targets. */
export function synthPair(context: Context = {}, env: Env = {}): StackPair & { readonly config: AppConfig } {
  const { config, pairs } = synthApp(context, env);
  expect(pairs).toHaveLength(1);
  return { ...pairs[0], config };
}

/** One block of a synthesized stack, e.g. a resource's arguments. */
export type Block = Record<string, unknown>;

/** The parts of a synthesized stack that the tests read. */
export interface StackJson {
  readonly provider?: Record<string, Block[]>;
  readonly resource?: Record<string, Record<string, Block>>;
  readonly data?: Record<string, Record<string, Block>>;
  readonly output?: Record<string, Block>;
  readonly terraform?: { readonly backend?: Record<string, Block> } & Block;
}

/** The synthesized JSON of a stack, parsed. */
export function stackJson(stack: TerraformStack): StackJson {
  return JSON.parse(Testing.synth(stack)) as StackJson;
}

/** All blocks of one resource or data source type, keyed by their Terraform name. */
export function blocksOf(json: StackJson, kind: "resource" | "data", type: string): Record<string, Block> {
  return json[kind]?.[type] ?? {};
}

/**
 * The one block of a resource or data source type and its Terraform name (`id`, as in
 * `${aws_iam_role.<id>.arn}`); fails the test if there are none or several.
 */
export function onlyBlock(json: StackJson, kind: "resource" | "data", type: string): { id: string; block: Block } {
  const entries = Object.entries(blocksOf(json, kind, type));
  expect(entries.map(([id]) => id)).toHaveLength(1);
  const [id, block] = entries[0];
  return { id, block };
}

/**
 * The statements of the trust policy in a synthesized stack (the policy document of a
 * CrossAccountRole, id `TrustPolicy`): sts:AssumeRole's, then sts:TagSession's and sts:SetSourceIdentity's.
 */
export function trustStatements(json: StackJson): [Block, Block] {
  const documents = blocksOf(json, "data", "aws_iam_policy_document");
  const ids = Object.keys(documents).filter((id) => id.includes("TrustPolicy"));
  if (ids.length !== 1) throw new Error(`expected one trust policy document, found ${JSON.stringify(ids)}`);
  const statements = documents[ids[0]].statement as Block[];
  if (statements.length !== 2) throw new Error(`expected two trust statements, found ${statements.length}`);
  return [statements[0], statements[1]];
}

/** The trust policy's statement that allows sts:AssumeRole. */
export function trustStatement(json: StackJson): Block {
  return trustStatements(json)[0];
}

/** The one configuration of a provider; fails the test if there are none or several. */
export function onlyProvider(json: StackJson, type = "aws"): Block {
  const configs = json.provider?.[type] ?? [];
  expect(configs).toHaveLength(1);
  return configs[0];
}

/** Every string in a synthesized stack, at any depth. */
export function allStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(allStrings);
  return [];
}

/**
 * The synthesized JSON with `stateDir` replaced by {@link STATE_DIR_PLACEHOLDER} in the paths
 * of the local backend and of the ec2-stack's remote state, which are absolute: it keeps
 * snapshots the same on every machine (and path style).
 */
export function normaliseStatePaths(value: unknown, stateDir: string): unknown {
  if (typeof value === "string") {
    return value.startsWith(stateDir)
      ? STATE_DIR_PLACEHOLDER + value.slice(stateDir.length).replace(/\\/g, "/")
      : value;
  }
  if (Array.isArray(value)) return value.map((v) => normaliseStatePaths(v, stateDir));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normaliseStatePaths(v, stateDir)]));
  }
  return value;
}

/** A stack with the two providers a construct test needs, in a fresh app. */
export interface ProvidedStack {
  readonly stack: TerraformStack;
  /** Provider of the source account, alias `source`. */
  readonly source: AwsProvider;
  /** Provider of the destination account, alias `destination`. */
  readonly destination: AwsProvider;
}

/** A fresh app with one stack and the providers of both accounts. */
export function providedStack(): ProvidedStack {
  const stack = new TerraformStack(testApp(), "test");
  const source = new AwsProvider(stack, "Source", { alias: "source", region: "us-east-1", profile: "source" });
  const destination = new AwsProvider(stack, "Destination", {
    alias: "destination",
    region: "us-east-1",
    profile: "destination",
  });
  return { stack, source, destination };
}
