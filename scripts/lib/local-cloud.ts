import { ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SETTINGS } from "../../config";
import { AccessKey, AwsClients, emulatorClients } from "./aws-clients";
import { createUserWithKey, EMULATOR_DEFAULT_ACCOUNT } from "./accounts";
import { CredentialsFile } from "./credentials";
import { projectCli } from "./cdk-cli";
import { attachEmulator, Emulator, startEmulator } from "./emulator";
import { FaultInjection, FaultProxy } from "./fault-proxy";
import { CommandResult, failureReport, runCommand, stopProcessGroup } from "./process";
import { installProvider } from "./provider-cache";
import {
  ProviderInstallation,
  providerInstallation,
  terraformEnv,
  writeTerraformCliConfig,
} from "./terraform-cli-config";
import { PROJECT_ROOT } from "./project-root";

/** The destination account of the local run unless told otherwise. */
export const DEFAULT_DESTINATION_ACCOUNT = "222222222222";

/** Environment variables that would make a run act outside its own sandbox. */
const FOREIGN_AWS_ENV = [
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_ROLE_ARN",
  "AWS_ROLE_SESSION_NAME",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_DEFAULT_REGION",
  // TF_PLUGIN_CACHE_DIR is not here: terraformEnv() sets it, empty, and keeps cdktf from setting it (see there).
  "TF_DATA_DIR",
  "TF_WORKSPACE",
];

/** A profile of the credentials file and the account its key belongs to. */
export interface ProfileAccount {
  readonly profile: string;
  readonly accountId: string;
}

/** The permissions of a profile's deployer user when the emulator enforces IAM. */
export interface DeployerPolicies {
  /** Managed policies attached to the user. @default none */
  readonly managedPolicyArns?: readonly string[];
  /** Inline policy documents (JSON) of the user, by policy name. @default none */
  readonly inlinePolicies?: Readonly<Record<string, string>>;
}

/** Options of {@link LocalCloud.start}. */
export interface LocalCloudOptions {
  /** Region of the run. @default "us-east-1" */
  readonly region?: string;
  /** Source profile and account. @default source in moto's default account 123456789012 */
  readonly source?: ProfileAccount;
  /** Destination profiles and accounts. @default destination in 222222222222 */
  readonly destinations?: readonly ProfileAccount[];
  /** Settings passed to every cdktf run as environment variables, e.g. `{ PERMISSIONS: "least-privilege" }`. */
  readonly settings?: Readonly<Record<string, string>>;
  /**
   * Enforce IAM policies in the emulator (see docs/emulator-iam.md for what it evaluates). Each
   * account first gets an `admin` user with `AdministratorAccess` (see {@link LocalCloud.adminClients}),
   * which then creates the account's deployer; every later request must be signed by a known key.
   * @default false
   */
  readonly enforceIam?: boolean;
  /**
   * With `enforceIam`: the policies of the deployer user of each profile named here.
   * @default - every deployer has `AdministratorAccess`
   */
  readonly deployerPolicies?: Readonly<Record<string, DeployerPolicies>>;
  /** Parent of the run's own directory. @default the system temp dir */
  readonly tmpRoot?: string;
  /** Let the emulator outlive this process. @default false */
  readonly detached?: boolean;
  /**
   * Faults of real AWS that the emulator lacks (IAM propagation delay, throttling), injected by
   * a proxy in front of it (see {@link FaultProxy}): every cdktf, Terraform and script run of
   * this sandbox reaches AWS through the proxy, while the SDK clients of {@link LocalCloud.clients}
   * and friends, which tests check results with, talk to the emulator directly. AccessDenied
   * messages name the source profile's deployer unless `callerArn` says otherwise.
   * Cannot be combined with `detached`: the proxy lives in this process.
   * @default - no proxy: runs talk to the emulator directly
   */
  readonly faults?: FaultInjection;
}

/** What {@link LocalCloud.attach} needs to find a running sandbox again; holds no keys. */
interface SessionFile {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  readonly region: string;
  readonly source: ProfileAccount;
  readonly destinations: readonly ProfileAccount[];
  readonly settings: Readonly<Record<string, string>>;
}

/** Administrator policy of the emulated accounts' deployer users. */
const ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess";
/** Keys of the accounts' administrators under enforced IAM: never in the file cdktf reads. */
const ADMIN_CREDENTIALS = "admin-credentials";

/** How a command runs in the sandbox: the cdktf CLI, or the project's scripts that run it. */
export interface SandboxRunOptions {
  /** Environment on top of the sandbox's, e.g. settings. */
  readonly env?: Readonly<Record<string, string>>;
  /** cdktf's output directory. @default the sandbox's */
  readonly outDir?: string;
  /** @default 10 minutes for the cdktf CLI */
  readonly timeoutMs?: number;
  readonly onSpawn?: (child: ChildProcess) => void;
  readonly onOutput?: (text: string) => void;
}

/**
 * A local two-(or more-)account AWS: the emulator, a deployer user with a key in each
 * account, a credentials file with one profile per account, a Terraform CLI config that
 * installs the AWS provider from a filesystem mirror or, without one, from the plugin cache
 * that the first run downloads it into, and the run's own state and output directories. The
 * app is run through the real cdktf CLI; the emulator is reached through the environment
 * only, so the synthesized configuration is the one used on real AWS.
 */
export class LocalCloud {
  /** Directories and files of the run. */
  readonly stateDir: string;
  readonly outDir: string;
  readonly logDir: string;
  /** Where the run's Terraform gets the AWS provider. */
  readonly provider: ProviderInstallation;
  readonly cliConfigFile: string;
  readonly configFile: string;
  private readonly deployedStacks = new Set<string>();
  private readonly running = new Set<ChildProcess>();

  private constructor(
    readonly dir: string,
    readonly emulator: Emulator,
    readonly credentials: CredentialsFile,
    readonly region: string,
    readonly source: ProfileAccount,
    readonly destinations: readonly ProfileAccount[],
    private readonly settings: Readonly<Record<string, string>>,
    private readonly admins?: CredentialsFile,
    /** The fault-injecting proxy and its counters, when the sandbox was started with `faults`. */
    readonly faults?: FaultProxy,
  ) {
    this.stateDir = path.join(dir, "state");
    this.outDir = path.join(dir, "cdktf.out");
    this.logDir = path.join(dir, "logs");
    this.provider = providerInstallation();
    this.cliConfigFile = writeTerraformCliConfig(dir, this.provider);
    this.configFile = path.join(dir, "aws-config");
    for (const d of [this.stateDir, this.logDir]) fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(this.configFile, "", { mode: 0o600 });
  }

  /**
   * Starts the emulator and creates the accounts' deployers. On failure, cleans up what it made.
   * Without a provider mirror, the first sandbox on the machine downloads the provider first.
   */
  static async start(options: LocalCloudOptions = {}): Promise<LocalCloud> {
    const region = options.region ?? "us-east-1";
    const source = options.source ?? { profile: "source", accountId: EMULATOR_DEFAULT_ACCOUNT };
    const destinations = options.destinations ?? [{ profile: "destination", accountId: DEFAULT_DESTINATION_ACCOUNT }];
    const accounts = [source, ...destinations];
    if (options.faults && options.detached) {
      throw new Error("faults cannot be combined with detached: the fault proxy lives in this process");
    }
    for (const profile of Object.keys(options.deployerPolicies ?? {})) {
      if (!options.enforceIam) throw new Error("deployerPolicies only apply with enforceIam: true");
      if (!accounts.some((a) => a.profile === profile)) {
        throw new Error(`deployerPolicies names profile "${profile}", which is neither the source nor a destination`);
      }
    }
    await installProvider(providerInstallation());
    const dir = fs.mkdtempSync(path.join(options.tmpRoot ?? os.tmpdir(), "cdktf-assume-role-"));
    fs.chmodSync(dir, 0o700);
    // Each account's first user (the deployer, or the admin under enforced IAM) takes three
    // unauthenticated requests (user, policy, key); IAM is enforced from the next request on.
    const enforceAfter = options.enforceIam ? accounts.length * 3 : undefined;
    let emulator: Emulator | undefined;
    let faults: FaultProxy | undefined;
    try {
      emulator = await startEmulator({
        logFile: path.join(dir, "emulator.log"),
        enforceIamAfterRequests: enforceAfter,
        detached: options.detached,
      });
      const credentials = new CredentialsFile(path.join(dir, "credentials"));
      const admins = options.enforceIam ? new CredentialsFile(path.join(dir, ADMIN_CREDENTIALS)) : undefined;
      // Under enforced IAM every admin comes first, while requests are still unauthenticated.
      for (const account of accounts) {
        const key = await createUserWithKey({
          endpoint: emulator.endpoint,
          region,
          accountId: account.accountId,
          userName: admins ? "admin" : "deployer",
          policyArns: admins ? [ADMIN_POLICY] : [],
        });
        (admins ?? credentials).set(account.profile, key);
      }
      // Then each admin creates its account's deployer, with signed requests.
      for (const account of admins ? accounts : []) {
        const policies = options.deployerPolicies?.[account.profile];
        const key = await createUserWithKey({
          endpoint: emulator.endpoint,
          region,
          accountId: account.accountId,
          userName: "deployer",
          policyArns: policies ? (policies.managedPolicyArns ?? []) : [ADMIN_POLICY],
          inlinePolicies: policies?.inlinePolicies,
          signWith: admins?.key(account.profile),
        });
        credentials.set(account.profile, key);
      }
      if (options.faults) {
        faults = await FaultProxy.start({
          callerArn: `arn:aws:iam::${source.accountId}:user/deployer`,
          ...options.faults,
          upstream: emulator.endpoint,
        });
      }
      const settings = options.settings ?? {};
      const { endpoint, port, pid } = emulator;
      const session: SessionFile = { endpoint, port, pid, region, source, destinations, settings };
      fs.writeFileSync(path.join(dir, "session.json"), JSON.stringify(session, null, 2));
      return new LocalCloud(dir, emulator, credentials, region, source, destinations, settings, admins, faults);
    } catch (err) {
      await faults?.stop();
      await emulator?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Finds a sandbox that an earlier `start` left running (`npm run local -- --keep`). */
  static attach(dir: string): LocalCloud {
    const sessionFile = path.join(dir, "session.json");
    if (!fs.existsSync(sessionFile)) throw new Error(`${dir} is not a local run's directory (no session.json)`);
    const s = JSON.parse(fs.readFileSync(sessionFile, "utf8")) as SessionFile;
    const credentials = CredentialsFile.load(path.join(dir, "credentials"));
    const emulator = attachEmulator(s.endpoint, s.port, s.pid);
    const adminsFile = path.join(dir, ADMIN_CREDENTIALS);
    const admins = fs.existsSync(adminsFile) ? CredentialsFile.load(adminsFile) : undefined;
    return new LocalCloud(dir, emulator, credentials, s.region, s.source, s.destinations, s.settings, admins);
  }

  /** The AWS endpoint of the sandbox's cdktf, Terraform and script runs: the fault proxy's, if any. */
  get awsEndpoint(): string {
    return this.faults?.endpoint ?? this.emulator.endpoint;
  }

  /** The environment of a cdktf or terraform run: the sandbox's, nothing of the user's AWS set-up. */
  env(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of FOREIGN_AWS_ENV) delete env[name];
    for (const { env: name } of SETTINGS) delete env[name];
    for (const name of Object.keys(env)) if (name.startsWith("AWS_ENDPOINT_URL")) delete env[name];
    return {
      ...env,
      ...terraformEnv(this.cliConfigFile, this.provider),
      AWS_ENDPOINT_URL: this.awsEndpoint,
      // The provider resolves a profile's web_identity_token_file with an STS client that reads
      // only the service-specific variable.
      AWS_ENDPOINT_URL_STS: this.awsEndpoint,
      AWS_SHARED_CREDENTIALS_FILE: this.credentials.path,
      AWS_CONFIG_FILE: this.configFile,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_REGION: this.region,
      STATE_DIR: this.stateDir,
      FORCE_COLOR: "0",
      ...this.settings,
      ...extra,
    };
  }

  /** Runs the project's CDK CLI (cdktf, or cdktn after the migration) with the sandbox's environment. */
  async cdktf(
    args: readonly string[],
    options: SandboxRunOptions & {
      /** Name of the log file under logDir. */
      readonly log?: string;
    } = {},
  ): Promise<CommandResult> {
    let child: ChildProcess | undefined;
    const result = await runCommand(
      process.execPath,
      [projectCli().bin, ...args, "--output", options.outDir ?? this.outDir],
      {
        cwd: PROJECT_ROOT,
        env: this.env(options.env),
        timeoutMs: options.timeoutMs ?? 10 * 60 * 1000,
        // A group of its own, so that a timeout or close() can stop it without touching this
        // process. Terraform runs in cdktf's own pseudo-terminal (a session of its own) and ends
        // with it on SIGHUP; the emulator's data is thrown away with the run anyway.
        detached: true,
        onSpawn: (c) => {
          child = c;
          this.running.add(c);
          options.onSpawn?.(c);
        },
        onOutput: options.onOutput,
      },
    ).finally(() => {
      if (child) this.running.delete(child);
    });
    const log = path.join(this.logDir, `${options.log ?? args.slice(0, 2).join("-")}.log`);
    fs.appendFileSync(log, `$ cdktf ${args.join(" ")}\n${result.output}\n(exit ${result.code ?? result.signal})\n`);
    return result;
  }

  /** `cdktf deploy <stacks>`; resolves with the stacks' outputs. Throws with the CLI's output on failure. */
  async deploy(
    stacks: readonly string[],
    options: { readonly env?: Readonly<Record<string, string>>; readonly outDir?: string } = {},
  ): Promise<Record<string, Record<string, string>>> {
    const outputsFile = path.join(this.dir, `outputs-${stacks.join("+").replace(/[^\w+-]/g, "_")}.json`);
    fs.rmSync(outputsFile, { force: true });
    const result = await this.cdktf(
      ["deploy", ...stacks, "--auto-approve", "--ignore-missing-stack-dependencies", "--outputs-file", outputsFile],
      { ...options, log: `deploy-${stacks.join("+")}` },
    );
    const outputs: Record<string, Record<string, string>> = fs.existsSync(outputsFile)
      ? JSON.parse(fs.readFileSync(outputsFile, "utf8"))
      : {};
    // The outputs name every stack the command deployed, also those a glob matched.
    for (const stack of Object.keys(outputs)) this.deployedStacks.add(stack);
    if (result.code !== 0) throw new CdktfError("deploy", stacks, result);
    return outputs;
  }

  /** `cdktf destroy <stacks>`. Throws with the CLI's output on failure. */
  async destroy(
    stacks: readonly string[],
    options: {
      readonly env?: Readonly<Record<string, string>>;
      readonly ignoreDependents?: boolean;
      readonly timeoutMs?: number;
    } = {},
  ): Promise<CommandResult> {
    const args = ["destroy", ...stacks, "--auto-approve"];
    if (options.ignoreDependents) args.push("--ignore-missing-stack-dependencies");
    const result = await this.cdktf(args, {
      env: options.env,
      timeoutMs: options.timeoutMs,
      log: `destroy-${stacks.join("+")}`,
    });
    if (result.code !== 0) throw new CdktfError("destroy", stacks, result);
    for (const stack of stacks) this.deployedStacks.delete(stack);
    return result;
  }

  /** Stacks deployed through this sandbox and not destroyed since, in the order they were deployed. */
  get deployed(): string[] {
    return [...this.deployedStacks];
  }

  /**
   * Cleanup for `finally` blocks: puts every profile back and destroys what is still deployed,
   * one stack at a time, latest first (so ec2 stacks go before the iam stacks they read).
   * Returns the errors instead of throwing, so the rest of the cleanup still runs.
   */
  async destroyRemaining(timeoutMs = 4 * 60 * 1000): Promise<Error[]> {
    for (const { profile } of [this.source, ...this.destinations]) this.credentials.restore(profile);
    const errors: Error[] = [];
    for (const stack of this.deployed.reverse()) {
      try {
        await this.destroy([stack], { ignoreDependents: true, timeoutMs });
      } catch (err) {
        errors.push(err as Error);
      }
    }
    return errors;
  }

  /** Runs terraform in a synthesized stack's directory (e.g. `plan -detailed-exitcode`). */
  terraform(stack: string, args: readonly string[], outDir = this.outDir): Promise<CommandResult> {
    return runCommand("terraform", args, {
      cwd: path.join(outDir, "stacks", stack),
      env: this.env({ TF_CLI_ARGS: "-no-color" }),
      timeoutMs: 5 * 60 * 1000,
    });
  }

  /** SDK clients acting as a profile's user. */
  clients(profile: string): AwsClients {
    return emulatorClients(this.emulator.endpoint, this.region, { key: this.credentials.key(profile) });
  }

  /**
   * SDK clients acting as the `admin` of a profile's account (only with `enforceIam`): for checks
   * that the profile's own deployer may not be allowed to make.
   */
  adminClients(profile: string): AwsClients {
    if (!this.admins) throw new Error("adminClients needs a sandbox started with enforceIam: true");
    return emulatorClients(this.emulator.endpoint, this.region, { key: this.admins.key(profile) });
  }

  /** SDK clients with a given key (e.g. an assumed role's). */
  clientsWithKey(key: AccessKey): AwsClients {
    return emulatorClients(this.emulator.endpoint, this.region, { key });
  }

  /**
   * Stops running cdktf commands, the fault proxy and the emulator, and removes the run's
   * directory. Safe to call twice.
   */
  async close(options: { readonly keepFiles?: boolean } = {}): Promise<void> {
    await Promise.all([...this.running].map((child) => stopProcessGroup(child)));
    await this.faults?.stop();
    await this.emulator.stop();
    if (!options.keepFiles) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A cdktf command that failed; its message carries the end of the CLI's output. */
export class CdktfError extends Error {
  constructor(
    readonly command: string,
    readonly stacks: readonly string[],
    readonly result: CommandResult,
  ) {
    super(failureReport(`cdktf ${command} ${stacks.join(" ")}`, result));
    this.name = "CdktfError";
  }
}
