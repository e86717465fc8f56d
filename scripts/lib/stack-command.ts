/**
 * The logic of `scripts/stack.ts`, kept free of I/O so that unit tests can pin it down: which
 * stacks a command means, the cdktf arguments it runs, and what a failed run's output means
 * for the user.
 */
import * as path from "path";
import { AppConfig } from "../../config";

/** What the wrapper runs. */
export type StackAction = "deploy" | "destroy" | "diff";

/** Which half of the iam-stack/ec2-stack pair. */
export type StackKind = "iam" | "ec2";

/** One iam-stack/ec2-stack pair, as `defineStacks` names them. */
export interface StackPairNames {
  readonly iam: string;
  readonly ec2: string;
  /** The target's name in a multi-target configuration. */
  readonly target?: string;
}

/** A command line the wrapper cannot make sense of; its message says what is allowed. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The stack pairs of a configuration: `iam-stack`/`ec2-stack`, or one pair per target. */
export function stackPairs(config: AppConfig): StackPairNames[] {
  if (config.targets.length === 0) return [{ iam: "iam-stack", ec2: "ec2-stack" }];
  return config.targets.map((t) => ({ iam: `iam-stack-${t.name}`, ec2: `ec2-stack-${t.name}`, target: t.name }));
}

/** The stacks one command acts on: one kind, in one or more pairs. */
export interface StackSelection {
  readonly kind: StackKind;
  readonly pairs: readonly StackPairNames[];
}

/** Names of the selected stacks. */
export function selectedStacks(selection: StackSelection): string[] {
  return selection.pairs.map((p) => p[selection.kind]);
}

/**
 * Resolves a stack argument: `iam-stack` or `ec2-stack` means that stack of every pair (or of
 * `--target`'s pair); `iam-stack-<name>` or `ec2-stack-<name>` means that one stack.
 */
export function selectStacks(pairs: readonly StackPairNames[], stack: string, target?: string): StackSelection {
  const known = pairs.flatMap((p) => [p.iam, p.ec2]);
  const kindMatch = /^(iam|ec2)-stack(?:-(.+))?$/.exec(stack);
  if (!kindMatch) {
    throw new UsageError(`unknown stack ${JSON.stringify(stack)}; this configuration has ${known.join(", ")}`);
  }
  const kind = kindMatch[1] as StackKind;
  const named = kindMatch[2];
  if (named !== undefined && target !== undefined && named !== target) {
    throw new UsageError(`stack ${stack} and --target ${target} disagree; give one of them`);
  }
  const wanted = named ?? target;
  if (wanted === undefined) return { kind, pairs };
  const pair = pairs.find((p) => p.target === wanted);
  if (!pair) {
    const what = named !== undefined ? `stack ${JSON.stringify(stack)}` : `target ${JSON.stringify(wanted)}`;
    throw new UsageError(`unknown ${what}; this configuration has ${known.join(", ")}`);
  }
  return { kind, pairs: [pair] };
}

/** The parsed command line of the wrapper. */
export interface StackCommand {
  readonly action: StackAction;
  readonly stack: string;
  readonly target?: string;
  /** Destroy iam-stack even though ec2-stack still has resources. */
  readonly force: boolean;
  /** Arguments for cdktf, e.g. `--auto-approve`. */
  readonly passThrough: readonly string[];
}

/** The stack argument of `npm run destroy`: every stack, in dependency order. */
export const ALL_STACKS = "all";

export const USAGE =
  "usage: scripts/stack.ts <deploy|destroy|diff> <iam-stack|ec2-stack|iam-stack-NAME|ec2-stack-NAME> " +
  "[--target NAME] [--force] [cdktf options, e.g. --auto-approve] [-- more cdktf options]\n" +
  "       scripts/stack.ts destroy all [--target NAME] [cdktf options]   (every ec2 stack, then every iam stack)";

/** Parses `<action> <stack> [options]`; unknown options go to cdktf unchanged. */
export function parseStackCommand(argv: readonly string[]): StackCommand {
  const [action, stack, ...rest] = argv;
  if (action !== "deploy" && action !== "destroy" && action !== "diff") throw new UsageError(USAGE);
  if (!stack || stack.startsWith("-")) throw new UsageError(USAGE);
  let target: string | undefined;
  let force = false;
  const passThrough: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === "--") {
      passThrough.push(...rest.slice(i + 1));
      break;
    } else if (arg === "--force") {
      force = true;
    } else if (arg === "--target") {
      target = rest[++i];
      if (!target) throw new UsageError(`--target needs a target name\n${USAGE}`);
    } else if (arg.startsWith("--target=")) {
      target = arg.slice("--target=".length);
    } else {
      passThrough.push(arg);
    }
  }
  if (force && action !== "destroy") throw new UsageError("--force only applies to destroy");
  if (stack === ALL_STACKS && action !== "destroy") {
    throw new UsageError(`${ALL_STACKS} only applies to destroy: deploy iam-stack first, then ec2-stack`);
  }
  return { action, stack, target, force, passThrough };
}

/**
 * The stacks a command acts on, one cdktf run per selection, in order. `destroy all` is every
 * ec2 stack, then every iam stack (of `--target`'s pair only, with --target): ec2-stack reaches
 * the destination account through iam-stack's role, so the role goes last.
 */
export function commandSelections(pairs: readonly StackPairNames[], command: StackCommand): StackSelection[] {
  if (command.stack !== ALL_STACKS) return [selectStacks(pairs, command.stack, command.target)];
  return [selectStacks(pairs, "ec2-stack", command.target), selectStacks(pairs, "iam-stack", command.target)];
}

/**
 * The cdktf command lines of a selection, run one after the other. One half of a pair never
 * runs with the other, so cdktf's dependency check, which would refuse (deploy ec2-stack alone,
 * destroy iam-stack alone), is left to the wrapper: it reads the state instead.
 *
 * Destroying ec2 stacks needs no such flag (no stack depends on them). Destroying several iam
 * stacks is one run per stack: cdktf 0.21's destroy, given several stacks and
 * --ignore-missing-stack-dependencies, never starts any of them (its scheduler keeps picking the
 * stack it already runs) and spins until it runs out of memory.
 */
export function cdktfRuns(action: StackAction, selection: StackSelection, passThrough: readonly string[]): string[][] {
  const stacks = selectedStacks(selection);
  const ignoreDependencies = "--ignore-missing-stack-dependencies";
  // cdktf diff plans one stack per run, and only reads the other stack's outputs.
  if (action === "diff") return stacks.map((stack) => [action, stack, ...passThrough]);
  if (action === "destroy" && selection.kind === "ec2") return [[action, ...stacks, ...passThrough]];
  if (action === "destroy") return stacks.map((stack) => [action, stack, ignoreDependencies, ...passThrough]);
  return [[action, ...stacks, ignoreDependencies, ...passThrough]];
}

/** The npm command that runs `action` on `kind` for a pair, as the user types it. */
export function npmCommand(action: StackAction, kind: StackKind, pair?: StackPairNames, extra = ""): string {
  const args = [pair?.target ? `--target ${pair.target}` : "", extra].filter((a) => a !== "").join(" ");
  return `npm run ${action}:${kind}${args ? ` -- ${args}` : ""}`;
}

/** What a deployed ec2-stack still holds, for the destroy guard. */
export interface DependentResources {
  readonly pair: StackPairNames;
  /** Terraform addresses of the managed resources in ec2-stack's state. */
  readonly addresses: readonly string[];
}

/** The message that refuses to destroy iam stacks whose ec2 stacks still have resources. */
export function refuseDestroyMessage(dependents: readonly DependentResources[]): string {
  const lines = dependents.map(({ pair, addresses }) => {
    const n = addresses.length;
    return (
      `Refusing to destroy ${pair.iam}: ${pair.ec2} still has ${n} resource${n === 1 ? "" : "s"} in its state ` +
      `(${addresses.join(", ")}). ${pair.ec2} reaches the destination account only through ${pair.iam}'s role: ` +
      `without it, those resources could no longer be changed or destroyed by this app.`
    );
  });
  const pair = dependents.length === 1 ? dependents[0].pair : undefined;
  return [
    ...lines,
    `Destroy ${pair?.ec2 ?? "the ec2 stacks"} first:  ${npmCommand("destroy", "ec2", pair)}`,
    `To destroy ${pair?.iam ?? "the iam stacks"} anyway, on purpose:  ${npmCommand("destroy", "iam", pair, "--force")}`,
  ].join("\n");
}

/** The provider of `terraform_data`: its resources live in the state only and reach no account. */
const BUILTIN_PROVIDER = "terraform.io/builtin/terraform";

/**
 * Terraform addresses of the managed resources with instances in a state file's JSON, apart
 * from the built-in provider's (the pins of the region and subnet), which need no role.
 */
export function managedResources(stateJson: string): string[] {
  const state = JSON.parse(stateJson) as {
    resources?: {
      mode?: string;
      type?: string;
      name?: string;
      module?: string;
      provider?: string;
      instances?: unknown[];
    }[];
  };
  return (state.resources ?? [])
    .filter((r) => r.mode === "managed" && (r.instances?.length ?? 0) > 0)
    .filter((r) => !(r.provider ?? "").includes(BUILTIN_PROVIDER))
    .map((r) => `${r.module ? `${r.module}.` : ""}${r.type}.${r.name}`);
}

/** Context of {@link explainFailure}. */
export interface FailureContext {
  readonly action: StackAction;
  readonly selection: StackSelection;
  /** cdktf's output directory, as given (`--output`). @default "cdktf.out" */
  readonly outDir?: string;
}

/** The `--output` directory among cdktf arguments, if any. */
export function outputDir(cdktfArguments: readonly string[]): string | undefined {
  for (let i = 0; i < cdktfArguments.length; i++) {
    if (cdktfArguments[i] === "--output") return cdktfArguments[i + 1];
    if (cdktfArguments[i].startsWith("--output=")) return cdktfArguments[i].slice("--output=".length);
  }
  return undefined;
}

/**
 * Says what a failed cdktf run means and what to do, from its output; undefined when the output
 * matches nothing known (the output itself is then all the user gets).
 */
export function explainFailure(output: string, context: FailureContext): string | undefined {
  const { selection } = context;
  const stacks = selectedStacks(selection);
  // Terraform wraps long lines at the terminal's width: match across the breaks.
  const flat = output.replace(/\s*\n\s*/g, " ");
  // Terraform boxes its diagnostics with "│" at the start of each line.
  const unboxed = flat.replace(/\s*│\s*/g, " ");
  const onlyStack = stacks.length === 1 ? stacks[0] : undefined;

  // ec2-stack reads the role ARN from iam-stack's outputs; no state, or a destroyed one, has none.
  if (
    /Unable to find remote state/.test(flat) ||
    (/Unsupported attribute/.test(flat) && /cross-stack-output-/.test(flat))
  ) {
    const named = /cross-stack-reference-input-([\w-]+)/.exec(flat)?.[1];
    const pair =
      selection.pairs.find((p) => p.iam === named) ?? (selection.pairs.length === 1 ? selection.pairs[0] : undefined);
    const iam = pair?.iam ?? named ?? "iam-stack";
    const then = context.action === "destroy" ? "then destroy again" : "then run this command again";
    return `${iam} has not been deployed (no outputs in its state): run \`${npmCommand("deploy", "iam", pair)}\` first, ${then}.`;
  }

  // The bucket refused a write of the state or its lock: not a lock held by another run.
  const refusedWrite = /PutObject, https response error StatusCode: 403\b.*?api error AccessDenied/.test(unboxed);
  const fix =
    "If the bucket's policy requires SSE-KMS, set stateKmsKeyId (STATE_KMS_KEY_ID) to the key's ARN, the key " +
    "`npm run bootstrap-state` set as the bucket's default: without it, Terraform asks for SSE-S3 (AES256) on " +
    "every write. Otherwise give stateProfile's principal s3:PutObject on the state objects (docs/state.md).";
  if (refusedWrite && /errored\.tfstate/.test(flat)) {
    const where = onlyStack ? ` in ${path.join(context.outDir ?? "cdktf.out", "stacks", onlyStack)}` : "";
    return (
      `The state bucket refused to save the state of ${onlyStack ?? "the stack"} (AccessDenied on PutObject) after ` +
      `Terraform had made changes: the state is in errored.tfstate${where}. Keep that file. ${fix} Then push it ` +
      "with `terraform state push errored.tfstate` in that directory, and run this command again."
    );
  }
  if (refusedWrite && /Error acquiring the state lock/.test(flat)) {
    return (
      `The state bucket refused to write the lock of ${onlyStack ?? "the stack"}'s state (AccessDenied on PutObject): ` +
      `nothing was changed. ${fix} Then run this command again.`
    );
  }

  if (/Error acquiring the state lock/.test(flat)) {
    const info = output.slice(output.indexOf("Lock Info:"));
    const id = /\bID:\s+(\S+)/.exec(info)?.[1];
    const who = /\bWho:\s+(.+?)\s*$/m.exec(info)?.[1];
    const operation = /\bOperation:\s+(.+?)\s*$/m.exec(info)?.[1];
    const created = /\bCreated:\s+(.+?)\s*$/m.exec(info)?.[1];
    const holder = [who && `by ${who}`, operation && `for ${operation}`, created && `since ${created}`]
      .filter(Boolean)
      .join(" ");
    const where = onlyStack ? ` in ${path.join(context.outDir ?? "cdktf.out", "stacks", onlyStack)}` : "";
    return (
      `The state of ${onlyStack ?? "the stack"} is locked by another run${holder ? ` (${holder})` : ""}: nothing was changed. ` +
      "Wait for that run to finish, then run this command again. If no run is active any more (one was killed), " +
      `release the lock with \`terraform force-unlock${id ? ` ${id}` : " <ID>"}\`${where}.`
    );
  }

  const unreachable =
    /dial tcp ([^\s:]+:\d+): connect: connection refused/.exec(flat) ??
    /dial tcp: lookup (\S+?)(?::| on ).*?no such host/.exec(flat) ??
    /dial tcp ([^\s:]+:\d+): i\/o timeout/.exec(flat);
  if (unreachable) {
    const url = /(?:Post|Get|Put|Head|Delete) "(https?:\/\/[^"/]+)/.exec(flat)?.[1] ?? unreachable[1];
    const reason = /connection refused/.test(unreachable[0])
      ? "connection refused"
      : /no such host/.test(unreachable[0])
        ? "unknown host"
        : "timed out";
    return (
      `Cannot reach the AWS endpoint ${url} (${reason}). Check the network connection, any proxy, and ` +
      "AWS_ENDPOINT_URL if you set one. The state keeps whatever was done before the failure: " +
      "run the same command again once the endpoint answers."
    );
  }

  if (/Backend configuration changed/.test(flat)) {
    const again = npmCommand(
      context.action,
      selection.kind,
      selection.pairs.length === 1 ? selection.pairs[0] : undefined,
      "--migrate-state",
    );
    return (
      `The state settings (backend, bucket, key prefix, KMS key or state directory) changed since ${onlyStack ?? "the stack"} ` +
      `was last run from ${context.outDir ?? "cdktf.out"}: nothing was changed. To move the existing state to the new ` +
      `place, run \`${again}\` (Terraform copies it; see docs/state.md).`
    );
  }

  // AWS's text; a source profile that is an SSO or role_arn profile opens a role session too,
  // which the app cannot know at synth.
  if (/DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining/.test(unboxed)) {
    return (
      "AWS refused the session that sessionDurationSeconds asks for: the role is assumed from a role session " +
      "(role chaining: the source profile is an SSO or role_arn profile, or a hub role or web identity stands " +
      "before it), and AWS limits such a session to one hour. Set sessionDurationSeconds (SESSION_DURATION_SECONDS) " +
      "to 3600 or less, or sign in with the source profile's own keys; then run this command again. Nothing " +
      "was changed by the step that failed."
    );
  }

  if (/Interrupt received/.test(flat)) {
    return (
      "The run was interrupted. Terraform finished the operations in flight and saved the state: " +
      "run the same command again to complete it."
    );
  }
  return undefined;
}

/**
 * How the destroy guard reads a stack's state from HCP Terraform (backend `cloud`): through
 * Terraform itself, in the synthesized stack's directory, so that the `cloud` block and the
 * token Terraform uses (`terraform login`, `TF_TOKEN_<host>`) apply; the wrapper reads no token.
 */
export interface CloudStateRead {
  /** The synthesized stack's directory, where Terraform runs. */
  readonly cwd: string;
  /** `terraform` argument lists, run in order; the last one prints the state. */
  readonly commands: readonly (readonly string[])[];
}

/** The commands that read `stack`'s state from its HCP Terraform workspace. */
export function cloudStateRead(stack: string, outDir = "cdktf.out"): CloudStateRead {
  return {
    cwd: path.join(outDir, "stacks", stack),
    commands: [
      ["init", "-input=false", "-no-color"],
      ["state", "pull"],
    ],
  };
}

/** What `terraform state pull` printed: the state's JSON, or undefined for a workspace without state. */
export function pulledState(stdout: string): string | undefined {
  return stdout.trim() === "" ? undefined : stdout;
}

/** What to do when the state of an HCP Terraform workspace cannot be read; the destroy is refused. */
export function cloudStateUnreadable(stack: string, workspace: string, read: CloudStateRead, reason: string): string {
  return (
    `could not read the state of the HCP Terraform workspace ${workspace} with \`terraform ${read.commands
      .map((c) => c.join(" "))
      .join("` and `terraform ")}\` in ${read.cwd}: ${reason}. Sign in to HCP Terraform (\`terraform login\`, or ` +
    `TF_TOKEN_<host> with the host's dots as underscores, e.g. TF_TOKEN_app_terraform_io), check in the workspace ` +
    `that ${stack} has no resources left, then run the command again`
  );
}
