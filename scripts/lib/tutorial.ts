import { AwsClients, destroyClients } from "./aws-clients";
import { describeInstance, describeRole, describeRootVolume, liveInstances, trustedPrincipals } from "./checks";
import { LocalCloud } from "./local-cloud";
import { MANAGED_BY } from "../../constructs/shared/tags";
import { DEFAULTS } from "../../config";

/** One step of the tutorial and how long it took. */
export interface StepTiming {
  readonly step: string;
  readonly ms: number;
}

/** What the deploy half of the tutorial produced and verified. */
export interface DeployResult {
  readonly roleArn: string;
  readonly instanceId: string;
  /** Owner of the instance's reservation, from the AWS API. */
  readonly instanceOwner: string;
  /** Account the ec2-stack's provider acted in, from its output. */
  readonly accountIdOutput: string;
}

/** Reports steps as they run. */
export type StepReporter = (event: { step: string; state: "start" | "done"; ms?: number }) => void;

/** Runs the tutorial's steps against a {@link LocalCloud}, verifying each through the AWS API. */
export class Tutorial {
  readonly timings: StepTiming[] = [];

  constructor(
    private readonly cloud: LocalCloud,
    private readonly report: StepReporter = () => undefined,
    /** Role name the stacks are configured with. */
    private readonly roleName: string = DEFAULTS.roleName,
  ) {}

  private async step<T>(step: string, fn: () => Promise<T>): Promise<T> {
    this.report({ step, state: "start" });
    const started = Date.now();
    const result = await fn();
    const ms = Date.now() - started;
    this.timings.push({ step, ms });
    this.report({ step, state: "done", ms });
    return result;
  }

  private async withClients<T>(profile: string, fn: (c: AwsClients) => Promise<T>): Promise<T> {
    const clients = this.cloud.clients(profile);
    try {
      return await fn(clients);
    } finally {
      destroyClients(clients);
    }
  }

  private get destination(): string {
    return this.cloud.destinations[0].profile;
  }

  /** Deploys both stacks as the tutorial does and verifies where everything landed. */
  async deploy(): Promise<DeployResult> {
    const iam = await this.step("cdktf deploy iam-stack", () => this.cloud.deploy(["iam-stack"]));
    const roleArn = iam["iam-stack"]?.role_arn;
    if (!roleArn) throw new Error("iam-stack has no role_arn output");

    await this.step("remove the destination profile", async () => this.cloud.credentials.hide(this.destination));
    const ec2 = await this.step("cdktf deploy ec2-stack (source profile only)", () => this.cloud.deploy(["ec2-stack"]));
    const instanceId = ec2["ec2-stack"]?.instance_id;
    const accountIdOutput = ec2["ec2-stack"]?.account_id;
    if (!instanceId || !accountIdOutput) throw new Error("ec2-stack has no instance_id or account_id output");

    const instanceOwner = await this.step("verify through the AWS API", () => this.verifyDeployed(roleArn, instanceId));
    return { roleArn, instanceId, instanceOwner, accountIdOutput };
  }

  /** Checks the role and the instance through the AWS API; returns the instance's owner. */
  async verifyDeployed(roleArn: string, instanceId: string): Promise<string> {
    const { accountId: destinationAccount } = this.cloud.destinations[0];
    const sourceAccount = this.cloud.source.accountId;
    // The destination profile is hidden from the credentials file, not from the checks.
    const role = await this.withClients(this.destination, (c) => describeRole(c, this.roleName));
    if (!role || role.arn !== roleArn) throw new Error(`role ${roleArn} not found in account ${destinationAccount}`);
    const principals = trustedPrincipals(role);
    if (!principals.some((p) => p.split(":")[4] === sourceAccount)) {
      throw new Error(`role ${roleArn} does not trust account ${sourceAccount}: ${principals.join(", ")}`);
    }
    const seen = await this.withClients(this.destination, (c) => describeInstance(c, instanceId));
    if (!seen) throw new Error(`instance ${instanceId} not found in the destination account ${destinationAccount}`);
    if (seen.ownerId !== destinationAccount) {
      throw new Error(`instance ${instanceId} is owned by ${seen.ownerId}, not the destination ${destinationAccount}`);
    }
    const root = await this.withClients(this.destination, (c) => describeRootVolume(c, seen));
    if (!root?.Encrypted)
      throw new Error(`instance ${instanceId}'s root volume is not encrypted: ${JSON.stringify(root)}`);
    const fromSource = await this.withClients(this.cloud.source.profile, (c) => describeInstance(c, instanceId));
    if (fromSource) throw new Error(`instance ${instanceId} is visible from the source account ${sourceAccount}`);
    return seen.ownerId;
  }

  /** Destroys both stacks in the tutorial's order and verifies nothing is left. */
  async destroy(): Promise<void> {
    await this.step("cdktf destroy ec2-stack (source profile only)", async () => {
      this.cloud.credentials.hide(this.destination);
      await this.cloud.destroy(["ec2-stack"], { ignoreDependents: true });
    });
    await this.step("restore the destination profile", async () => this.cloud.credentials.restore(this.destination));
    await this.step("cdktf destroy iam-stack", () => this.cloud.destroy(["iam-stack"], { ignoreDependents: true }));
    await this.step("verify nothing is left", () => this.verifyDestroyed());
  }

  /** Checks through the AWS API that no instance of the app runs and the role is gone. */
  async verifyDestroyed(): Promise<void> {
    const live = await this.withClients(this.destination, (c) => liveInstances(c, MANAGED_BY));
    if (live.length > 0) throw new Error(`instances still running in the destination account: ${live.join(", ")}`);
    const role = await this.withClients(this.destination, (c) => describeRole(c, this.roleName));
    if (role) throw new Error(`role ${role.arn} still exists`);
  }
}
