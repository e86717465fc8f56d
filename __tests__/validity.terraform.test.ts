/**
 * Real Terraform validity of the synthesized stacks: `terraform init -backend=false` and
 * `terraform validate`, with the AWS provider from a filesystem mirror (`TF_PROVIDER_MIRROR`,
 * or the default path), or without one from the plugin cache that the first run downloads it
 * into, through a CLI config of our own, passed in the environment of the terraform processes
 * only.
 *
 * Each stack directory, as `cdktf synth` writes it, is called as a module of one root
 * configuration, so one `terraform validate` checks all four stacks: loading the AWS
 * provider's schema takes most of a run (about 3 s of 3.5 s per stack). Terraform validates a
 * child module's providers, resources, data sources and outputs as it does a root module's;
 * it only ignores the backend block (with a warning), which `-backend=false` ignores in a
 * root module too.
 *
 * Why not cdktf's `toBeValidTerraform()`: it does honour process.env (it runs terraform with
 * `env: process.env` as it is at the call), but it runs `terraform init` with the backend,
 * which for S3 needs AWS, and one stack after the other.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { installProvider } from "../scripts/lib/provider-cache";
import { providerInstallation, terraformEnv, writeTerraformCliConfig } from "../scripts/lib/terraform-cli-config";
import { Context, DESTINATION_ACCOUNT, SOURCE_ACCOUNT, synthApp } from "./helpers";

const run = promisify(execFile);
const TERRAFORM = process.env.TERRAFORM_BINARY_NAME ?? "terraform";

/** Every optional setting at once, so that each optional argument reaches Terraform. */
const EVERY_OPTION: Context = {
  region: "eu-west-1",
  sourceAccountId: SOURCE_ACCOUNT,
  destinationAccountId: DESTINATION_ACCOUNT,
  rolePath: "/deployers/",
  permissions: "least-privilege",
  managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
  trustedPrincipalArns: [`arn:aws:iam::${SOURCE_ACCOUNT}:role/Deployer`],
  externalIds: ["tenant-41", "tenant-42"],
  externalId: "tenant-42",
  requireMfa: true,
  mfaMaxAgeSeconds: 900,
  principalOrgId: "o-a1b2c3d4e5",
  requireSourceIdentity: true,
  sourceIdentity: "alice",
  sessionTags: { team: "platform" },
  maxSessionDurationSeconds: 7200,
  sessionDurationSeconds: 3600,
  permissionsBoundaryArn: `arn:aws:iam::${DESTINATION_ACCOUNT}:policy/Boundary`,
  instanceType: "t3.micro",
  associatePublicIpAddress: true,
  rootVolumeSizeGib: 30,
  tags: { team: "platform" },
  backend: "s3",
  stateBucket: "my-state",
};

/** The settings of a pipeline and a landing zone: OIDC, a hub, HCP Terraform, own subnet and image parameter. */
const PIPELINE: Context = {
  sourceAuth: "web-identity",
  sourceRoleArn: `arn:aws:iam::${SOURCE_ACCOUNT}:role/ci`,
  webIdentityTokenFile: "/run/token",
  hubRoleArns: ["arn:aws:iam::333333333333:role/hub-deployer"],
  permissions: "least-privilege",
  amiSsmParameter: "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id",
  replaceOnNewAmi: true,
  subnetId: "subnet-0123456789abcdef0",
  securityGroupIds: ["sg-0123456789abcdef0"],
  backend: "cloud",
  cloudOrganization: "acme",
  // The token file is the pipeline's: Terraform runs there, with the workspaces in local execution mode.
  cloudExecutionMode: "local",
};

/** The value HCP Terraform gives `tfc_aws_dynamic_credentials`: a config file per configuration. */
const DYNAMIC_CREDENTIALS = {
  default: { shared_config_file: "/home/tfc-agent/.tfc-agent/aws/default.config" },
  aliases: { destination: { shared_config_file: "/home/tfc-agent/.tfc-agent/aws/destination.config" } },
};

const SETTINGS: Readonly<Record<string, Context>> = {
  "the default settings": {},
  "every optional setting": EVERY_OPTION,
  "the pipeline settings": PIPELINE,
  "HCP Terraform's dynamic credentials": { backend: "cloud", cloudOrganization: "acme", cloudDynamicCredentials: true },
};
const STACKS = ["iam-stack", "ec2-stack"] as const;
const CASES = Object.keys(SETTINGS).flatMap((settings) => STACKS.map((stack) => ({ settings, stack })));

/** A diagnostic of `terraform validate -json`. */
interface Diagnostic {
  readonly severity: "error" | "warning";
  readonly summary: string;
  readonly detail?: string;
  readonly range?: { readonly filename: string };
}

/** Runs terraform; a failure carries its output. */
async function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    return (await run(TERRAFORM, args, { cwd, env })).stdout;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    // validate exits with 1 when the configuration is invalid; its JSON report is still on stdout.
    if (args[0] === "validate" && err.code === 1 && err.stdout) return err.stdout;
    throw new Error(`terraform ${args.join(" ")} failed:\n${err.stderr || err.stdout || String(e)}`);
  }
}

/** A stack that is not valid: the check that this test sees errors inside a module. */
const BROKEN_STACK = {
  terraform: { required_providers: { aws: { source: "aws", version: "5.100.0" } } },
  resource: { aws_iam_role: { Broken: { name: "broken", no_such_argument: true } } },
};

let workDir: string;
/** Directory of each case's stack, by `settings/stack`. */
const stackDirs = new Map<string, string>();
let brokenDir: string;
let errors: Diagnostic[];

/** The errors in the files of one directory. */
function errorsIn(dir: string): Diagnostic[] {
  return errors.filter((d) => d.range && path.resolve(workDir, d.range.filename).startsWith(dir + path.sep));
}

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "terraform-validity-"));
  const modules: Record<string, { source: string } & Record<string, unknown>> = {};
  for (const [settings, context] of Object.entries(SETTINGS)) {
    // The helpers remove the app's output directory after this file. app.synth() writes the
    // stacks there, as `cdktf synth` does.
    const { app } = synthApp({ ...context, stateDir: path.join(workDir, "state") });
    app.synth();
    for (const stack of STACKS) {
      const dir = path.join(app.outdir, "stacks", stack);
      stackDirs.set(`${settings}/${stack}`, dir);
      // A local module source must start with ./ or ../; both directories are in os.tmpdir().
      modules[`${settings.replace(/\W+/g, "-")}_${stack}`] = {
        source: path.relative(workDir, dir),
        // What HCP Terraform passes a workspace with dynamic provider credentials.
        ...(context.cloudDynamicCredentials ? { tfc_aws_dynamic_credentials: DYNAMIC_CREDENTIALS } : {}),
      };
    }
  }
  brokenDir = path.join(workDir, "broken");
  fs.mkdirSync(brokenDir);
  fs.writeFileSync(path.join(brokenDir, "cdk.tf.json"), JSON.stringify(BROKEN_STACK));
  modules.broken = { source: "./broken" };
  fs.writeFileSync(path.join(workDir, "main.tf.json"), JSON.stringify({ module: modules }, null, 2));

  const provider = providerInstallation();
  await installProvider(provider);
  const env = {
    ...process.env,
    ...terraformEnv(writeTerraformCliConfig(path.join(workDir, "cli"), provider), provider),
  };
  await terraform(["init", "-backend=false", "-input=false", "-no-color"], workDir, env);
  const report = JSON.parse(await terraform(["validate", "-json", "-no-color"], workDir, env)) as {
    diagnostics: Diagnostic[];
  };
  errors = report.diagnostics.filter((d) => d.severity === "error");
  // The first run without a mirror downloads the provider (675 MB unpacked for linux_amd64) first.
}, 600_000);

afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe("synthesized Terraform", () => {
  it.each(CASES)("the $stack with $settings is valid Terraform", ({ settings, stack }) => {
    expect(errorsIn(stackDirs.get(`${settings}/${stack}`)!)).toEqual([]);
  });

  it("has no error outside the stacks either", () => {
    const dirs = [...stackDirs.values(), brokenDir];
    expect(errors.filter((d) => !dirs.some((dir) => errorsIn(dir).includes(d)))).toEqual([]);
  });

  it("sees the errors of a stack that is not valid", () => {
    expect(errorsIn(brokenDir).map((d) => d.summary)).toEqual(
      expect.arrayContaining(["Extraneous JSON object property", "Missing required argument"]),
    );
  });
});
