/**
 * The synthesized policies of one configuration, ready for the engine: the role's trust policy,
 * its least-privilege policy, the request ec2-stack's provider makes to assume it, and a world of
 * resources for the provider's calls. Everything comes from the stacks `defineStacks` makes
 * (the same JSON `cdktf synth` writes), never from copies of the policies.
 */
import {
  Block,
  Context,
  DESTINATION_ACCOUNT,
  Env,
  onlyBlock,
  onlyProvider,
  SOURCE_ACCOUNT,
  stackJson,
  StackJson,
  synthPair,
} from "../helpers";
import { AppConfig } from "../../config";
import { ProviderCall } from "../../scripts/lib/provider-calls";
import { documentNamed, PolicyJson, renderDocument } from "./policy-json";
import { RequestModel, World } from "./requests";
import { Caller } from "./simulate";

/** A third account, trusted by nothing. */
export const OTHER_ACCOUNT = "333333333333";

/** Everything the evaluation specs need of one configuration. */
export interface Scenario {
  readonly config: AppConfig;
  readonly iam: StackJson;
  readonly ec2: StackJson;
  readonly roleArn: string;
  /** The role's trust policy, as AWS gets it. */
  readonly trustPolicy: PolicyJson;
  /** The least-privilege policy; undefined with `ec2-full-access`. */
  readonly deployerPolicy?: PolicyJson;
  /** The role's permissions boundary ARN, if any. */
  readonly permissionsBoundaryArn?: string;
  /** The tags ec2-stack gives the instance. */
  readonly instanceTags: Readonly<Record<string, string>>;
  /** The sts:AssumeRole call ec2-stack's provider makes, from its `assume_role` block. */
  readonly assumeRoleCall: ProviderCall;
  /** The session ec2-stack's provider gets. */
  readonly sessionArn: string;
}

const cache = new Map<string, Scenario>();

/** The scenario of a configuration (synthesized once per configuration). */
export function scenario(context: Context = {}, env: Env = {}): Scenario {
  const key = JSON.stringify([context, env]);
  const cached = cache.get(key);
  if (cached) return cached;
  const { iam: iamStack, ec2: ec2Stack, config } = synthPair(context, env);
  const iam = stackJson(iamStack);
  const ec2 = stackJson(ec2Stack);
  const accounts = { source: SOURCE_ACCOUNT, destination: DESTINATION_ACCOUNT };
  const role = onlyBlock(iam, "resource", "aws_iam_role").block;
  const roleArn = `arn:aws:iam::${DESTINATION_ACCOUNT}:role${role.path as string}${role.name as string}`;
  const hasDeployer = Object.keys(iam.data?.aws_iam_policy_document ?? {}).some((n) => n.includes("Ec2Deployer"));
  const assumeRole = (onlyProvider(ec2).assume_role as Block[])[0];
  const sessionName = assumeRole.session_name as string;
  const parameters: Record<string, string> = { RoleArn: "<role arn>", RoleSessionName: sessionName };
  if (assumeRole.external_id !== undefined) parameters.ExternalId = assumeRole.external_id as string;
  if (assumeRole.source_identity !== undefined) parameters.SourceIdentity = assumeRole.source_identity as string;
  // The provider asks for 15 minutes unless told otherwise (the recorded calls show it).
  parameters.DurationSeconds =
    assumeRole.duration !== undefined ? String(parseInt(assumeRole.duration as string)) : "900";
  Object.entries((assumeRole.tags ?? {}) as Record<string, string>).forEach(([k, v], i) => {
    parameters[`Tags.member.${i + 1}.Key`] = k;
    parameters[`Tags.member.${i + 1}.Value`] = v;
  });
  const result: Scenario = {
    config,
    iam,
    ec2,
    roleArn,
    trustPolicy: renderDocument(iam, documentNamed(iam, "TrustPolicy"), accounts),
    deployerPolicy: hasDeployer ? renderDocument(iam, documentNamed(iam, "Ec2Deployer"), accounts) : undefined,
    permissionsBoundaryArn: role.permissions_boundary as string | undefined,
    instanceTags: onlyBlock(ec2, "resource", "aws_instance").block.tags as Record<string, string>,
    assumeRoleCall: { action: "sts:AssumeRole", caller: "source", parameters },
    sessionArn: `arn:aws:sts::${DESTINATION_ACCOUNT}:assumed-role/${role.name as string}/${sessionName}`,
  };
  cache.set(key, result);
  return result;
}

/** A source principal's identity policy that allows what ec2-stack's provider asks of the role. */
export function sourcePolicy(roleArn: string): PolicyJson {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
        Resource: roleArn,
      },
    ],
  };
}

/** The world of the ec2-stack's calls in a scenario: ids, the instance's tags, the AMI's owner. */
export function worldOf(s: Scenario, overrides: Partial<World> = {}): World {
  return {
    partition: "aws",
    region: s.config.region,
    account: DESTINATION_ACCOUNT,
    roleArn: s.roleArn,
    availabilityZone: `${s.config.region}a`,
    ids: {
      "<instance id>": "i-0a1b2c3d4e5f60718",
      "<image id>": "ami-0a1b2c3d4e5f60718",
      "<subnet id>": "subnet-0a1b2c3d4e5f60718",
      "<volume id>": "vol-0a1b2c3d4e5f60718",
      "<vpc id>": "vpc-0a1b2c3d4e5f60718",
      "<role arn>": s.roleArn,
    },
    vpcId: "vpc-0a1b2c3d4e5f60718",
    defaultSecurityGroupId: "sg-0a1b2c3d4e5f60718",
    rootVolumeId: "vol-0fedcba9876543210",
    networkInterfaceId: "eni-0a1b2c3d4e5f60718",
    imageOwner: s.config.instance.amiOwners[0],
    instanceTags: s.instanceTags,
    volumeTags: {},
    instanceType: s.config.instance.type,
    httpTokens: "required",
    sourceContext: {},
    ...overrides,
  };
}

/** The request model of a scenario's world. */
export function modelOf(s: Scenario, overrides: Partial<World> = {}): RequestModel {
  return new RequestModel(worldOf(s, overrides));
}

/** The assumed role as a caller: its session, its policies and its boundary. */
export function roleSession(s: Scenario, boundary?: PolicyJson): Caller {
  if (!s.deployerPolicy) throw new Error("the scenario has no least-privilege policy");
  return { arn: s.sessionArn, identityPolicies: [s.deployerPolicy], boundary };
}

/** A principal of the source account (or another) with the source policy. */
export function sourceCaller(s: Scenario, arn = `arn:aws:iam::${SOURCE_ACCOUNT}:user/alice`, policy = true): Caller {
  return { arn, identityPolicies: policy ? [sourcePolicy(s.roleArn)] : [] };
}
