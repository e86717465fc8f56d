/**
 * The tutorial's flow with IAM enforced by the emulator: every request must be signed by a known
 * key and is checked against the identity policies of the user or assumed role that signed it.
 * The source user may only assume the role; the destination deployer may only manage IAM; the
 * instance is deployed, changed and destroyed through the role alone, and every call the AWS
 * provider makes must be in the recorded list that the IAM evaluation specs judge
 * (__tests__/iam/). docs/emulator-iam.md says what the emulator evaluates and what it does not,
 * and so what these tests prove.
 */
import * as fs from "fs";
import * as path from "path";
import {
  CreateSecurityGroupCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
} from "@aws-sdk/client-ec2";
import { CreateUserCommand, GetPolicyCommand, GetPolicyVersionCommand } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { DEFAULTS } from "../../config";
import { MANAGED_BY, MANAGED_BY_KEY } from "../../constructs/shared/tags";
import { AwsClients, destroyClients, emulatorClients } from "../../scripts/lib/aws-clients";
import { describeInstance, describeRole, liveInstances } from "../../scripts/lib/checks";
import { EMULATOR_DEFAULT_ACCOUNT } from "../../scripts/lib/accounts";
import {
  driftMetadataOptions,
  keepDefaultSubnetsOffering,
  SANDBOX_ROLE_ARN,
  startEnforcedCloud,
} from "../../scripts/lib/enforced-iam";
import { DEFAULT_DESTINATION_ACCOUNT, LocalCloud } from "../../scripts/lib/local-cloud";
import {
  callLogEnv,
  CHANGED_SETTINGS,
  INITIAL_SETTINGS,
  loadRecordedCalls,
  METADATA_DRIFT_HOP_LIMIT,
  parseProviderLog,
  unrecordedCalls,
} from "../../scripts/lib/provider-calls";
import { canonicalPolicy, documentNamed, renderDocument, SynthesizedStack } from "../iam/policy-json";
import { cleanUp, planExitCode, STEP_TIMEOUT_MS, synthesizedStacks, withClients } from "./support";

jest.setTimeout(STEP_TIMEOUT_MS);

const SOURCE = EMULATOR_DEFAULT_ACCOUNT;
const DESTINATION = DEFAULT_DESTINATION_ACCOUNT;
const ROLE_ARN = SANDBOX_ROLE_ARN;

/** Runs `fn` as the administrator of a profile's account: for checks the deployers may not make. */
async function asAdmin<T>(cloud: LocalCloud, profile: string, fn: (c: AwsClients) => Promise<T>): Promise<T> {
  const clients = cloud.adminClients(profile);
  try {
    return await fn(clients);
  } finally {
    destroyClients(clients);
  }
}

/** Assumes the role with the source user's key through the SDK, as the ec2-stack provider does. */
async function asAssumedRole<T>(
  cloud: LocalCloud,
  fn: (c: AwsClients, region: (name: string) => AwsClients) => Promise<T>,
): Promise<T> {
  const { Credentials: creds } = await withClients(cloud, "source", (c) =>
    c.sts.send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: "enforced-iam-check" })),
  );
  const key = {
    accessKeyId: creds!.AccessKeyId!,
    secretAccessKey: creds!.SecretAccessKey!,
    sessionToken: creds!.SessionToken,
  };
  const opened: AwsClients[] = [];
  const inRegion = (name: string): AwsClients => {
    const clients = emulatorClients(cloud.emulator.endpoint, name, { key });
    opened.push(clients);
    return clients;
  };
  try {
    return await fn(inRegion(cloud.region), inRegion);
  } finally {
    opened.forEach(destroyClients);
  }
}

/** "allowed", or the name of the error the call failed with. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "allowed";
  } catch (err) {
    return (err as { name?: string }).name ?? String(err);
  }
}

describe("PERMISSIONS=least-privilege with IAM enforced", () => {
  let cloud: LocalCloud;
  let instanceId: string;
  /** Terraform's debug logs of the ec2-stack runs: every request the provider sent. */
  const callLogs: string[] = [];
  const logging = (step: string): Record<string, string> => {
    const file = path.join(cloud.logDir, `terraform-${step}.log`);
    callLogs.push(file);
    return callLogEnv(file);
  };

  beforeAll(async () => {
    cloud = await startEnforcedCloud("least-privilege");
    // The instance changes type in place below: it must launch in a zone that offers both types.
    await keepDefaultSubnetsOffering(cloud, CHANGED_SETTINGS.INSTANCE_TYPE);
  });

  afterAll(() => cleanUp(cloud));

  it("the source user may learn who it is and assume the role, nothing else", async () => {
    await withClients(cloud, "source", async (c) => {
      const identity = await c.sts.send(new GetCallerIdentityCommand({}));
      expect(identity.Arn).toBe(`arn:aws:iam::${SOURCE}:user/deployer`);
      expect(await outcome(c.ec2.send(new DescribeInstancesCommand({})))).toBe("AccessDenied");
      expect(await outcome(c.iam.send(new CreateUserCommand({ UserName: "intruder" })))).toBe("AccessDenied");
      // The resource of sts:AssumeRole is evaluated: only the one role ARN.
      const otherRole = `arn:aws:iam::${DESTINATION}:role/some-other-role`;
      expect(await outcome(c.sts.send(new AssumeRoleCommand({ RoleArn: otherRole, RoleSessionName: "other" })))).toBe(
        "AccessDenied",
      );
    });
  });

  it("deploys iam-stack with a destination deployer limited to IAMFullAccess", async () => {
    // WHEN
    const outputs = await cloud.deploy(["iam-stack"], { env: INITIAL_SETTINGS });

    // THEN the role carries the least-privilege policy only
    expect(outputs["iam-stack"].role_arn).toBe(ROLE_ARN);
    const role = await withClients(cloud, "destination", (c) => describeRole(c, DEFAULTS.roleName));
    expect(role?.attachedPolicyArns).toEqual([`arn:aws:iam::${DESTINATION}:policy/${DEFAULTS.roleName}-ec2-deployer`]);
  });

  it("the provider created the policies the IAM evaluation specs judge: their rendering of the synthesized documents", async () => {
    // GIVEN the synthesized iam-stack, rendered as the evaluation specs render it
    const stack = JSON.parse(synthesizedStacks(cloud.outDir)["iam-stack"]) as SynthesizedStack;
    const accounts = { source: SOURCE, destination: DESTINATION };
    const trust = renderDocument(stack, documentNamed(stack, "TrustPolicy"), accounts);
    const deployer = renderDocument(stack, documentNamed(stack, "Ec2Deployer"), accounts);

    // WHEN the documents are read back from IAM
    const policyArn = `arn:aws:iam::${DESTINATION}:policy/${DEFAULTS.roleName}-ec2-deployer`;
    const [role, created] = await withClients(cloud, "destination", async (c) => {
      const { Policy: policy } = await c.iam.send(new GetPolicyCommand({ PolicyArn: policyArn }));
      const { PolicyVersion: version } = await c.iam.send(
        new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: policy!.DefaultVersionId }),
      );
      return [await describeRole(c, DEFAULTS.roleName), JSON.parse(decodeURIComponent(version!.Document!))];
    });

    // THEN
    expect(canonicalPolicy(role!.trustPolicy)).toEqual(canonicalPolicy(trust));
    expect(canonicalPolicy(created)).toEqual(canonicalPolicy(deployer));
  });

  it("deploys ec2-stack through the role, with the destination profile absent", async () => {
    // GIVEN
    cloud.credentials.hide("destination");

    // WHEN
    const outputs = await cloud.deploy(["ec2-stack"], { env: { ...INITIAL_SETTINGS, ...logging("create") } });

    // THEN
    instanceId = outputs["ec2-stack"].instance_id;
    expect(instanceId).toMatch(/^i-[0-9a-f]+$/);
    expect(outputs["ec2-stack"].account_id).toBe(DESTINATION);
  });

  it("the instance runs in the destination account and not in the source account", async () => {
    const seen = await asAdmin(cloud, "destination", (c) => describeInstance(c, instanceId));
    expect(seen).toMatchObject({ ownerId: DESTINATION, state: "running" });
    expect(seen!.instance.Tags).toEqual(expect.arrayContaining([{ Key: "ManagedBy", Value: MANAGED_BY }]));
    expect(await asAdmin(cloud, "source", (c) => describeInstance(c, instanceId))).toBeUndefined();
  });

  it("a second plan of ec2-stack changes nothing: every read the provider makes is allowed", async () => {
    expect(await planExitCode(cloud, "ec2-stack")).toBe(0);
  });

  it("the assumed role is refused what its policy does not grant", async () => {
    await asAssumedRole(cloud, async (role) => {
      // a read it needs: allowed
      expect(await outcome(role.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })))).toBe("allowed");
      // outside the policy
      expect(await outcome(role.iam.send(new CreateUserCommand({ UserName: "intruder" })))).toBe("AccessDenied");
      expect(await outcome(role.ec2.send(new DescribeSecurityGroupsCommand({})))).toBe("AccessDenied");
      expect(
        await outcome(role.ec2.send(new CreateSecurityGroupCommand({ GroupName: "intruder", Description: "open" }))),
      ).toBe("AccessDenied");
    });
    const seen = await asAdmin(cloud, "destination", (c) => describeInstance(c, instanceId));
    expect(seen?.state).toBe("running");
  });

  it("the emulator does not evaluate aws:RequestedRegion: the role reads in another region too", async () => {
    // On AWS this call fails (UnauthorizedOperation): the policy allows its region only. If this
    // starts failing, the emulator evaluates conditions now; update docs/emulator-iam.md.
    await asAssumedRole(cloud, async (_, inRegion) => {
      expect(await outcome(inRegion("eu-west-1").ec2.send(new DescribeInstancesCommand({})))).toBe("allowed");
    });
  });

  it("changes the instance through the role: tags, instance type, metadata options set back after a drift", async () => {
    // GIVEN the new instance type in the role's policy first, and a drift of the metadata options
    cloud.credentials.restore("destination");
    await cloud.deploy(["iam-stack"], { env: CHANGED_SETTINGS });
    cloud.credentials.hide("destination");
    await driftMetadataOptions(cloud, instanceId, METADATA_DRIFT_HOP_LIMIT);

    // WHEN
    const outputs = await cloud.deploy(["ec2-stack"], { env: { ...CHANGED_SETTINGS, ...logging("change") } });

    // THEN the same instance, changed in place
    expect(outputs["ec2-stack"].instance_id).toBe(instanceId);
    const seen = await asAdmin(cloud, "destination", (c) => describeInstance(c, instanceId));
    expect(seen).toMatchObject({ state: "running" });
    expect(seen!.instance.InstanceType).toBe(CHANGED_SETTINGS.INSTANCE_TYPE);
    expect(seen!.instance.MetadataOptions).toMatchObject({ HttpTokens: "required", HttpPutResponseHopLimit: 1 });
    const tags = Object.fromEntries((seen!.instance.Tags ?? []).map((t) => [t.Key, t.Value]));
    expect(tags).toEqual({ [MANAGED_BY_KEY]: MANAGED_BY, Name: DEFAULTS.instanceName, env: "dev" });
  });

  it("destroys ec2-stack through the role, and iam-stack with the destination deployer", async () => {
    await cloud.destroy(["ec2-stack"], { ignoreDependents: true, env: { ...CHANGED_SETTINGS, ...logging("destroy") } });
    const seen = await asAdmin(cloud, "destination", (c) => describeInstance(c, instanceId));
    expect(seen?.state ?? "terminated").toBe("terminated");

    cloud.credentials.restore("destination");
    await cloud.destroy(["iam-stack"], { ignoreDependents: true, env: CHANGED_SETTINGS });

    expect(await withClients(cloud, "destination", (c) => describeRole(c, DEFAULTS.roleName))).toBeUndefined();
    expect(await asAdmin(cloud, "destination", (c) => liveInstances(c, MANAGED_BY))).toEqual([]);
  });

  it("the provider made no call that the recorded list lacks (npm run record:provider-calls)", () => {
    // GIVEN every request the provider sent for ec2-stack: create, change, destroy
    expect(callLogs).toHaveLength(3);
    const calls = callLogs.flatMap((file) => parseProviderLog(fs.readFileSync(file, "utf8")));
    expect(calls.map((c) => c.action)).toEqual(expect.arrayContaining(["ec2:RunInstances", "ec2:TerminateInstances"]));

    // THEN
    expect(unrecordedCalls(calls, loadRecordedCalls())).toEqual([]);
  });
});

describe("PERMISSIONS=ec2-full-access with IAM enforced", () => {
  let cloud: LocalCloud;
  let instanceId: string;
  /** Stacks that may hold resources: added before a deploy, removed after a destroy. */

  beforeAll(async () => {
    cloud = await startEnforcedCloud("ec2-full-access");
  });

  afterAll(() => cleanUp(cloud));

  it("deploys iam-stack: the role has AmazonEC2FullAccess", async () => {
    await cloud.deploy(["iam-stack"]);

    const role = await withClients(cloud, "destination", (c) => describeRole(c, DEFAULTS.roleName));
    expect(role?.attachedPolicyArns).toEqual(["arn:aws:iam::aws:policy/AmazonEC2FullAccess"]);
  });

  it("deploys ec2-stack through the role, with the destination profile absent", async () => {
    cloud.credentials.hide("destination");

    const outputs = await cloud.deploy(["ec2-stack"]);

    instanceId = outputs["ec2-stack"].instance_id;
    expect(outputs["ec2-stack"].account_id).toBe(DESTINATION);
    const seen = await asAdmin(cloud, "destination", (c) => describeInstance(c, instanceId));
    expect(seen).toMatchObject({ ownerId: DESTINATION, state: "running" });
  });

  it("the assumed role may use all of EC2 but still no IAM", async () => {
    await asAssumedRole(cloud, async (role) => {
      expect(await outcome(role.ec2.send(new DescribeSecurityGroupsCommand({})))).toBe("allowed");
      expect(await outcome(role.iam.send(new CreateUserCommand({ UserName: "intruder" })))).toBe("AccessDenied");
    });
  });

  it("destroys ec2-stack through the role, and iam-stack with the destination deployer", async () => {
    await cloud.destroy(["ec2-stack"], { ignoreDependents: true });
    cloud.credentials.restore("destination");
    await cloud.destroy(["iam-stack"], { ignoreDependents: true });

    expect(await withClients(cloud, "destination", (c) => describeRole(c, DEFAULTS.roleName))).toBeUndefined();
    expect(await asAdmin(cloud, "destination", (c) => liveInstances(c, MANAGED_BY))).toEqual([]);
  });
});
