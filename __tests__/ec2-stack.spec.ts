import { DataTerraformRemoteState, Testing } from "cdktf";
import { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SUPPRESSION_METADATA_TYPE } from "../constructs/policy/rule";
import {
  allStrings,
  Block,
  Context,
  DESTINATION_ACCOUNT,
  normaliseStatePaths,
  onlyBlock,
  onlyProvider,
  stackJson,
  StackJson,
  STATE_DIR_PLACEHOLDER,
  synthPair,
} from "./helpers";

/** The synthesized ec2-stack (and its iam-stack) of `context`, as a string for the matchers and parsed. */
function ec2Stack(context: Context = {}): { synth: string; json: StackJson; iam: StackJson } {
  const pair = synthPair(context);
  const synth = Testing.synth(pair.ec2);
  return { synth, json: JSON.parse(synth) as StackJson, iam: stackJson(pair.iam) };
}

/** The provider's one assume_role block. */
function assumeRole(json: StackJson): Block {
  const blocks = onlyProvider(json).assume_role as Block[];
  expect(blocks).toHaveLength(1);
  return blocks[0];
}

const REMOTE_ROLE_ARN =
  /^\$\{data\.terraform_remote_state\.(cross-stack-reference-input-iam-stack)\.outputs\.([\w-]+)\}$/;

describe("Ec2Stack", () => {
  describe("provider", () => {
    it("signs in with the source profile only", () => {
      // WHEN
      const { synth } = ec2Stack({ sourceProfile: "ci", destinationProfile: "prod-admin", region: "eu-west-1" });

      // THEN
      expect(synth).toHaveProviderWithProperties(AwsProvider, { profile: "ci", region: "eu-west-1" });
      expect(allStrings(JSON.parse(synth))).not.toContain("prod-admin");
    });

    it("assumes the role at stsRegion's STS endpoint, and acts in the region", () => {
      const provider = onlyProvider(ec2Stack({ region: "ap-east-1", stsRegion: "us-east-1" }).json);
      expect(provider).toMatchObject({ region: "ap-east-1", sts_region: "us-east-1" });
    });

    it("sets no sts_region without stsRegion: the provider signs in at the region's endpoint", () => {
      expect(onlyProvider(ec2Stack({ region: "eu-west-1" }).json)).not.toHaveProperty("sts_region");
    });

    it("signs in with the OIDC token and reads no profile with sourceAuth web-identity, then goes through the hubs", () => {
      // WHEN
      const { json } = ec2Stack({
        sourceAuth: "web-identity",
        sourceRoleArn: "arn:aws:iam::111111111111:role/ci",
        webIdentityTokenFile: "/run/token",
        hubRoleArns: ["arn:aws:iam::333333333333:role/hub"],
      });

      // THEN
      const provider = onlyProvider(json);
      expect(provider).not.toHaveProperty("profile");
      expect(provider.assume_role_with_web_identity).toEqual([
        {
          role_arn: "arn:aws:iam::111111111111:role/ci",
          web_identity_token_file: "/run/token",
          session_name: "cdktf-ec2-stack",
        },
      ]);
      const chain = provider.assume_role as Block[];
      expect(chain.map((hop) => hop.role_arn)).toEqual([
        "arn:aws:iam::333333333333:role/hub",
        expect.stringMatching(REMOTE_ROLE_ARN),
      ]);
    });

    it("reads iam-stack's role ARN from its HCP Terraform workspace with backend cloud", () => {
      // WHEN
      const { json } = ec2Stack({ backend: "cloud", cloudOrganization: "acme", cloudExecutionMode: "local" });

      // THEN
      expect(json.terraform).toMatchObject({
        cloud: {
          organization: "acme",
          hostname: "app.terraform.io",
          workspaces: { name: "cdktf-assume-role-ec2-stack" },
        },
      });
      expect(Object.values(json.data?.terraform_remote_state ?? {})).toEqual([
        {
          backend: "remote",
          config: {
            organization: "acme",
            hostname: "app.terraform.io",
            workspaces: { name: "cdktf-assume-role-iam-stack" },
          },
        },
      ]);
    });

    it("signs in with HCP Terraform's dynamic credentials, reading no profile, when asked", () => {
      const provider = onlyProvider(
        ec2Stack({ backend: "cloud", cloudOrganization: "acme", cloudDynamicCredentials: true }).json,
      );
      expect(provider).not.toHaveProperty("profile");
      expect(provider.shared_config_files).toEqual(["${var.tfc_aws_dynamic_credentials.default.shared_config_file}"]);
    });

    it("does not use the default destination profile anywhere", () => {
      // WHEN
      const { json } = ec2Stack();

      // THEN
      expect(onlyProvider(json).profile).toBe("source");
      expect(allStrings(json)).not.toContain("destination");
    });

    it("assumes the iam-stack's role, read from that stack's outputs, never a literal ARN", () => {
      // WHEN
      const { json, iam } = ec2Stack();

      // THEN
      const roleArn = assumeRole(json).role_arn as string;
      const [, remoteState, output] = REMOTE_ROLE_ARN.exec(roleArn) ?? [];
      expect(roleArn).toMatch(REMOTE_ROLE_ARN);
      expect(roleArn).not.toMatch(/arn:aws/);
      expect(Object.keys(json.data?.terraform_remote_state ?? {})).toEqual([remoteState]);
      const role = onlyBlock(iam, "resource", "aws_iam_role").id;
      expect(iam.output?.[output]).toEqual({ value: `\${aws_iam_role.${role}.arn}`, sensitive: true });
    });

    it("names the session after the stack and passes no external id or duration by default", () => {
      // WHEN
      const { json } = ec2Stack();

      // THEN
      expect(assumeRole(json)).toEqual({
        role_arn: expect.stringMatching(REMOTE_ROLE_ARN),
        session_name: "cdktf-ec2-stack",
      });
    });

    it("passes the external id, source identity, session tags and session duration when set", () => {
      // WHEN
      const { json } = ec2Stack({
        externalId: "tenant-42",
        sourceIdentity: "alice",
        sessionTags: { team: "platform" },
        maxSessionDurationSeconds: 7200,
        sessionDurationSeconds: 5400,
      });

      // THEN
      expect(assumeRole(json)).toEqual({
        role_arn: expect.stringMatching(REMOTE_ROLE_ARN),
        session_name: "cdktf-ec2-stack",
        external_id: "tenant-42",
        source_identity: "alice",
        tags: { team: "platform" },
        duration: "5400s",
      });
    });

    it("asks for the provider's default duration, not the role's maximum, when only the maximum is set", () => {
      expect(assumeRole(ec2Stack({ maxSessionDurationSeconds: 7200 }).json).duration).toBeUndefined();
    });

    it.each<[string, Context]>([
      ["the only one of externalIds", { externalIds: ["tenant-42"] }],
      ["externalId, one of externalIds", { externalIds: ["tenant-41", "tenant-42"], externalId: "tenant-42" }],
    ])("sends %s as the external id", (_what, context) => {
      expect(assumeRole(ec2Stack(context).json).external_id).toBe("tenant-42");
    });

    it("acts only in the destination account when its id is set", () => {
      // WHEN
      const { synth } = ec2Stack({ destinationAccountId: DESTINATION_ACCOUNT });

      // THEN
      expect(synth).toHaveProviderWithProperties(AwsProvider, { allowed_account_ids: [DESTINATION_ACCOUNT] });
    });

    it("acts in any account the role belongs to when no id is set", () => {
      expect(onlyProvider(ec2Stack().json).allowed_account_ids).toBeUndefined();
    });
  });

  describe("instance", () => {
    it("is hardened: IMDSv2 only, an encrypted root volume and no public IP address", () => {
      expect(ec2Stack().synth).toHaveResourceWithProperties(Instance, {
        provider: "aws",
        instance_type: "t2.micro",
        associate_public_ip_address: false,
        metadata_options: expect.objectContaining({ http_tokens: "required" }),
        root_block_device: expect.objectContaining({ encrypted: true }),
      });
    });

    it("gets a public IP address when the setting asks for one", () => {
      expect(ec2Stack({ associatePublicIpAddress: true }).synth).toHaveResourceWithProperties(Instance, {
        associate_public_ip_address: true,
      });
    });

    it("suppresses no policy rule by default", () => {
      // WHEN
      const pair = synthPair();

      // THEN
      const constructs = [...pair.iam.node.findAll(), ...pair.ec2.node.findAll()];
      expect(constructs).toContain(pair.ec2.instance.resource);
      const suppressions = constructs.flatMap((c) =>
        c.node.metadata.filter((m) => m.type === SUPPRESSION_METADATA_TYPE).map((m) => [c.node.path, m.data]),
      );
      expect(suppressions).toEqual([]);
    });

    it("suppresses only InstanceNoPublicIp, on the instance, when the setting asks for a public IP address", () => {
      // WHEN
      const pair = synthPair({ associatePublicIpAddress: true });

      // THEN
      const suppressions = pair.ec2.node
        .findAll()
        .flatMap((c) =>
          c.node.metadata.filter((m) => m.type === SUPPRESSION_METADATA_TYPE).map((m) => [c.node.path, m.data]),
        );
      expect(suppressions).toEqual([
        [
          pair.ec2.instance.resource.node.path,
          { rule: "InstanceNoPublicIp", reason: "setting associatePublicIpAddress=true" },
        ],
      ]);
    });

    it("uses the configured type and root volume size", () => {
      expect(ec2Stack({ instanceType: "m5.large", rootVolumeSizeGib: 30 }).synth).toHaveResourceWithProperties(
        Instance,
        {
          instance_type: "m5.large",
          root_block_device: expect.objectContaining({ encrypted: true, volume_size: 30 }),
        },
      );
    });

    it("is tagged with its name, ManagedBy and the configured tags", () => {
      expect(ec2Stack({ instanceName: "web", tags: { team: "platform" } }).synth).toHaveResourceWithProperties(
        Instance,
        { tags: { Name: "web", ManagedBy: "cdktf-assume-role", team: "platform" } },
      );
    });

    it("runs the newest build of Canonical's Ubuntu 24.04 LTS on gp3 by default, never another release", () => {
      expect(ec2Stack().synth).toHaveDataSourceWithProperties(DataAwsAmi, {
        provider: "aws",
        most_recent: true,
        owners: ["099720109477"],
        filter: [
          { name: "name", values: ["ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"] },
          { name: "virtualization-type", values: ["hvm"] },
        ],
      });
    });

    it("keeps the running instance's image when the lookup finds a newer one, unless replaceOnNewAmi", () => {
      expect(ec2Stack().synth).toHaveResourceWithProperties(Instance, { lifecycle: { ignore_changes: ["ami"] } });
      const replacing = ec2Stack({ replaceOnNewAmi: true }).json;
      expect(onlyBlock(replacing, "resource", Instance.tfResourceType).block.lifecycle).toBeUndefined();
    });

    it("names the account and region in the message of a failed default-subnet lookup", () => {
      const json = ec2Stack({ region: "eu-west-1" }).json;
      const subnets = onlyBlock(json, "data", "aws_subnets").block as {
        lifecycle: { postcondition: { error_message: string }[] };
      };
      expect(subnets.lifecycle.postcondition[0].error_message).toBe(
        "There is no default subnet in account ${data.aws_caller_identity.AssumedIdentity.account_id} region eu-west-1 " +
          "in an availability zone that offers t2.micro: the account has no default VPC (landing zones delete it), " +
          "or its default subnets are elsewhere. Set the subnetId setting to a subnet of your VPC.",
      );
    });

    it("pins the region it launches in: a plan in another region fails, naming both, before the instance is touched", () => {
      // WHEN
      const { json } = ec2Stack({ region: "eu-west-1" });

      // THEN
      const pins = Object.entries(json.resource?.terraform_data ?? {});
      const region = pins.find(([id]) => /RegionPin/.test(id))?.[1] as {
        input: unknown;
        lifecycle: { ignore_changes: string[]; postcondition: { condition: string; error_message: string }[] };
      };
      expect(region.input).toEqual({ region: "eu-west-1" });
      expect(region.lifecycle.ignore_changes).toEqual(["input"]);
      expect(region.lifecycle.postcondition[0].condition).toBe('${self.input.region == "eu-west-1"}');
      expect(region.lifecycle.postcondition[0].error_message).toContain(
        "and this run acts in eu-west-1 (the region setting, or AWS_REGION, which wins over it)",
      );
    });

    it("pins the default subnet it launches in, and only without subnetId", () => {
      const pinned = (context: Context): string[] =>
        Object.keys(ec2Stack(context).json.resource?.terraform_data ?? {}).filter((id) => /SubnetPin/.test(id));
      expect(pinned({})).toHaveLength(1);
      expect(pinned({ subnetId: "subnet-0123456789abcdef0" })).toEqual([]);
    });

    it("launches into the configured subnet with the configured security groups, without the default lookups", () => {
      const json = ec2Stack({
        subnetId: "subnet-0123456789abcdef0",
        securityGroupIds: ["sg-01234567", "sg-89abcdef"],
      }).json;
      expect(onlyBlock(json, "resource", Instance.tfResourceType).block).toMatchObject({
        subnet_id: "subnet-0123456789abcdef0",
        vpc_security_group_ids: ["sg-01234567", "sg-89abcdef"],
      });
      expect(json.data?.aws_subnets).toBeUndefined();
      expect(json.data?.aws_ec2_instance_type_offerings).toBeUndefined();
    });

    it("looks the AMI up with the configured owners and name filter", () => {
      expect(ec2Stack({ amiOwners: ["amazon"], amiNameFilter: "al2023-ami-*" }).synth).toHaveDataSourceWithProperties(
        DataAwsAmi,
        {
          owners: ["amazon"],
          filter: [
            { name: "name", values: ["al2023-ami-*"] },
            { name: "virtualization-type", values: ["hvm"] },
          ],
        },
      );
    });
  });

  describe("outputs", () => {
    it("outputs the instance id and the account the role acts in", () => {
      // WHEN
      const { json } = ec2Stack();

      // THEN
      const instance = onlyBlock(json, "resource", Instance.tfResourceType).id;
      const identity = onlyBlock(json, "data", DataAwsCallerIdentity.tfResourceType);
      expect(identity.block.provider).toBe("aws");
      expect(json.output).toEqual({
        instance_id: { value: `\${aws_instance.${instance}.id}`, description: "Id of the EC2 instance" },
        account_id: {
          value: `\${data.aws_caller_identity.${identity.id}.account_id}`,
          description: "Account the assumed role acts in: where the instance runs",
        },
      });
    });
  });

  describe("state", () => {
    it("keeps its state in a local file and reads the iam-stack's local state", () => {
      // WHEN
      const { synth, json } = ec2Stack({ stateDir: "state" });

      // THEN
      expect(json.terraform?.backend).toEqual({ local: { path: "/project/state/terraform.ec2-stack.tfstate" } });
      expect(synth).toHaveDataSourceWithProperties(DataTerraformRemoteState, {
        backend: "local",
        config: { path: "/project/state/terraform.iam-stack.tfstate" },
      });
    });

    it("keeps its state in S3 and reads the iam-stack's state from S3", () => {
      // WHEN
      const { synth, json } = ec2Stack({
        backend: "s3",
        stateBucket: "my-state",
        stateKeyPrefix: "teams/platform",
        stateProfile: "state",
      });

      // THEN
      expect(json.terraform?.backend).toEqual({
        s3: {
          bucket: "my-state",
          key: "teams/platform/ec2-stack.tfstate",
          region: "us-east-1",
          profile: "state",
          encrypt: true,
          use_lockfile: true,
        },
      });
      expect(synth).toHaveDataSourceWithProperties(DataTerraformRemoteState, {
        backend: "s3",
        config: {
          bucket: "my-state",
          key: "teams/platform/iam-stack.tfstate",
          region: "us-east-1",
          profile: "state",
          encrypt: true,
        },
      });
    });

    it("locks its S3 state with DynamoDB when asked", () => {
      // WHEN
      const { json } = ec2Stack({
        backend: "s3",
        stateBucket: "my-state",
        stateLock: "dynamodb",
        stateLockTable: "terraform-locks",
      });

      // THEN
      expect(json.terraform?.backend).toEqual({
        s3: expect.objectContaining({ key: "cdktf-assume-role/ec2-stack.tfstate", dynamodb_table: "terraform-locks" }),
      });
      expect(json.terraform?.backend?.s3.use_lockfile).toBeUndefined();
    });
  });

  it("matches the snapshot with the default settings", () => {
    // WHEN
    const { ec2, config } = synthPair();

    // THEN
    const json = normaliseStatePaths(stackJson(ec2), config.state.dir);
    expect(JSON.stringify(json)).toContain(`${STATE_DIR_PLACEHOLDER}/terraform.iam-stack.tfstate`);
    expect(JSON.stringify(json)).toContain(`${STATE_DIR_PLACEHOLDER}/terraform.ec2-stack.tfstate`);
    expect(json).toMatchSnapshot();
  });
});
