import { Testing } from "cdktf";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { WAIT_UNTIL_ASSUMABLE_SCRIPT } from "../constructs/role-ready-wait";
import {
  Block,
  blocksOf,
  Context,
  DESTINATION_ACCOUNT,
  normaliseStatePaths,
  onlyBlock,
  SOURCE_ACCOUNT,
  StackJson,
  STATE_DIR_PLACEHOLDER,
  synthPair,
  trustStatement,
  trustStatements,
} from "./helpers";

/** The synthesized iam-stack of `context`, as a string for the matchers and parsed. */
function iamStack(context: Context = {}): { synth: string; json: StackJson } {
  const { iam } = synthPair(context);
  const synth = Testing.synth(iam);
  return { synth, json: JSON.parse(synth) as StackJson };
}

/** The statements of the least-privilege policy's document. */
function deployerStatements(json: StackJson): Block[] {
  const documents = blocksOf(json, "data", DataAwsIamPolicyDocument.tfResourceType);
  const [id] = Object.keys(documents).filter((name) => name.includes("Ec2DeployerPolicy"));
  return documents[id].statement as Block[];
}

describe("IamStack", () => {
  describe("providers", () => {
    it("has a source and a destination provider with their profiles, in the region", () => {
      // WHEN
      const { json } = iamStack();

      // THEN
      expect(json.provider?.aws).toEqual([
        { alias: "source", profile: "source", region: "us-east-1" },
        { alias: "destination", profile: "destination", region: "us-east-1" },
      ]);
    });

    it("configures no source provider when nothing reads the source account: hub roles, or trusted principals named", () => {
      for (const settings of [
        { hubRoleArns: ["arn:aws:iam::333333333333:role/hub"] },
        { trustedPrincipalArns: ["arn:aws:iam::111111111111:role/deployer"] },
      ]) {
        // WHEN
        const { json } = iamStack(settings);

        // THEN only the destination's provider, and nothing that names the source's
        expect(json.provider?.aws).toEqual([{ alias: "destination", profile: "destination", region: "us-east-1" }]);
        expect(JSON.stringify(json)).not.toContain("aws.source");
        expect(blocksOf(json, "data", DataAwsCallerIdentity.tfResourceType)).toEqual({});
      }
    });

    it("signs in at stsRegion's STS endpoint, for a region the source account has not enabled", () => {
      // WHEN
      const { json } = iamStack({ region: "ap-east-1", stsRegion: "us-east-1" });

      // THEN the providers act in the region, and sign in (and the wait assumes the role) at us-east-1
      expect(json.provider?.aws).toEqual([
        { alias: "source", profile: "source", region: "ap-east-1", sts_region: "us-east-1" },
        { alias: "destination", profile: "destination", region: "ap-east-1", sts_region: "us-east-1" },
      ]);
      const wait = onlyBlock(json, "resource", "terraform_data").block;
      const exec = (wait.provisioner as { "local-exec": { environment: Record<string, string> } }[])[0]["local-exec"];
      expect(exec.environment.WAIT_REGION).toBe("us-east-1");
    });

    it("signs the source provider in with the OIDC token, reading no profile, with sourceAuth web-identity", () => {
      const { json } = iamStack({
        sourceAuth: "web-identity",
        sourceRoleArn: "arn:aws:iam::111111111111:role/ci",
        webIdentityTokenFile: "/run/token",
      });
      const source = (json.provider?.aws ?? []).find((p) => p.alias === "source");
      expect(source).toEqual({
        alias: "source",
        region: "us-east-1",
        assume_role_with_web_identity: [
          {
            role_arn: "arn:aws:iam::111111111111:role/ci",
            web_identity_token_file: "/run/token",
            session_name: "cdktf-iam-stack",
          },
        ],
      });
    });

    it("trusts only the last hub role, not the source account, with hubRoleArns", () => {
      const { json } = iamStack({ hubRoleArns: ["arn:aws:iam::333333333333:role/hub"] });
      for (const statement of trustStatements(json)) {
        expect(statement.principals).toEqual([{ type: "AWS", identifiers: ["arn:aws:iam::333333333333:role/hub"] }]);
      }
    });

    it("uses the configured profiles and region", () => {
      // WHEN
      const { synth } = iamStack({ sourceProfile: "ci", destinationProfile: "prod-admin", region: "eu-west-1" });

      // THEN
      expect(synth).toHaveProviderWithProperties(AwsProvider, {
        alias: "source",
        profile: "ci",
        region: "eu-west-1",
      });
      expect(synth).toHaveProviderWithProperties(AwsProvider, {
        alias: "destination",
        profile: "prod-admin",
        region: "eu-west-1",
      });
    });

    it("restricts each provider to its account when the account ids are set", () => {
      // WHEN
      const { synth } = iamStack({ sourceAccountId: SOURCE_ACCOUNT, destinationAccountId: DESTINATION_ACCOUNT });

      // THEN
      expect(synth).toHaveProviderWithProperties(AwsProvider, {
        alias: "source",
        allowed_account_ids: [SOURCE_ACCOUNT],
      });
      expect(synth).toHaveProviderWithProperties(AwsProvider, {
        alias: "destination",
        allowed_account_ids: [DESTINATION_ACCOUNT],
      });
    });
  });

  describe("trust policy", () => {
    it("trusts the root of the source account, looked up with the source provider", () => {
      // WHEN
      const { json } = iamStack();

      // THEN
      const source = onlyBlock(json, "data", DataAwsCallerIdentity.tfResourceType);
      const partition = onlyBlock(json, "data", DataAwsPartition.tfResourceType);
      expect(source.block.provider).toBe("aws.source");
      const principals = [
        {
          type: "AWS",
          identifiers: [
            `arn:\${data.aws_partition.${partition.id}.partition}:iam::\${data.aws_caller_identity.${source.id}.account_id}:root`,
          ],
        },
      ];
      expect(trustStatements(json)).toEqual([
        { sid: "TrustSourceAccount", effect: "Allow", actions: ["sts:AssumeRole"], principals },
        {
          sid: "TagSessionAndSetSourceIdentity",
          effect: "Allow",
          actions: ["sts:TagSession", "sts:SetSourceIdentity"],
          principals,
        },
      ]);
    });

    it.each<[string, Context, Block]>([
      [
        "externalId",
        { externalId: "tenant-42" },
        { test: "StringEquals", variable: "sts:ExternalId", values: ["tenant-42"] },
      ],
      [
        "externalIds",
        { externalIds: ["tenant-42", "tenant-43"], externalId: "tenant-43" },
        { test: "StringEquals", variable: "sts:ExternalId", values: ["tenant-42", "tenant-43"] },
      ],
      [
        "requireSourceIdentity",
        { requireSourceIdentity: true, sourceIdentity: "alice" },
        { test: "Null", variable: "sts:SourceIdentity", values: ["false"] },
      ],
      ["requireMfa", { requireMfa: true }, { test: "Bool", variable: "aws:MultiFactorAuthPresent", values: ["true"] }],
      [
        "mfaMaxAgeSeconds",
        { requireMfa: true, mfaMaxAgeSeconds: 900 },
        { test: "NumericLessThan", variable: "aws:MultiFactorAuthAge", values: ["900"] },
      ],
      [
        "principalOrgId",
        { principalOrgId: "o-a1b2c3d4e5" },
        { test: "StringEquals", variable: "aws:PrincipalOrgID", values: ["o-a1b2c3d4e5"] },
      ],
    ])("adds a condition for %s", (_setting, context, condition) => {
      // WHEN
      const { json } = iamStack(context);

      // THEN
      expect(trustStatement(json).condition).toContainEqual(condition);
    });

    it("has no condition by default", () => {
      expect(trustStatements(iamStack().json).map((s) => s.condition)).toEqual([undefined, undefined]);
    });

    it("lets the trusted principals tag the session and set its source identity, as the tutorial does", () => {
      expect(trustStatements(iamStack().json)[1].actions).toEqual(["sts:TagSession", "sts:SetSourceIdentity"]);
    });

    it("trusts the configured principals instead of the source account's root", () => {
      // GIVEN
      const principals = [`arn:aws:iam::${SOURCE_ACCOUNT}:role/Deployer`];

      // WHEN
      const { json } = iamStack({ trustedPrincipalArns: principals });

      // THEN
      expect(trustStatement(json).principals).toEqual([{ type: "AWS", identifiers: principals }]);
      expect(blocksOf(json, "data", DataAwsCallerIdentity.tfResourceType)).toEqual({});
    });
  });

  describe("role", () => {
    it("is created in the destination account with the default name, path and session duration", () => {
      // WHEN
      const { json } = iamStack();

      // THEN
      const document = Object.keys(blocksOf(json, "data", DataAwsIamPolicyDocument.tfResourceType))[0];
      expect(onlyBlock(json, "resource", IamRole.tfResourceType).block).toEqual({
        provider: "aws.destination",
        name: "cdktf-assume-role-ec2",
        path: "/",
        max_session_duration: 3600,
        assume_role_policy: `\${data.aws_iam_policy_document.${document}.json}`,
        tags: { ManagedBy: "cdktf-assume-role" },
      });
    });

    it("uses the configured name, path, session duration, permissions boundary and tags", () => {
      // WHEN
      const { synth } = iamStack({
        roleName: "deployer",
        rolePath: "/deployers/",
        maxSessionDurationSeconds: 7200,
        permissionsBoundaryArn: `arn:aws:iam::${DESTINATION_ACCOUNT}:policy/Boundary`,
        tags: { team: "platform" },
      });

      // THEN
      expect(synth).toHaveResourceWithProperties(IamRole, {
        name: "deployer",
        path: "/deployers/",
        max_session_duration: 7200,
        permissions_boundary: `arn:aws:iam::${DESTINATION_ACCOUNT}:policy/Boundary`,
        tags: { team: "platform", ManagedBy: "cdktf-assume-role" },
      });
    });

    it("outputs the role's ARN", () => {
      // WHEN
      const { json } = iamStack();

      // THEN
      const role = onlyBlock(json, "resource", IamRole.tfResourceType).id;
      expect(json.output?.role_arn).toEqual({
        value: `\${aws_iam_role.${role}.arn}`,
        description: "ARN of the role that principals of the source account may assume",
      });
    });
  });

  describe("readiness", () => {
    /** The local-exec provisioner of the one wait resource. */
    const waitOf = (json: StackJson) => {
      const wait = onlyBlock(json, "resource", "terraform_data").block;
      const exec = (
        wait.provisioner as { "local-exec": { command: string; environment: Record<string, string> } }[]
      )[0]["local-exec"];
      return { wait, exec };
    };

    it("waits, after the role and its permissions, until the source profile can assume the role", () => {
      // WHEN
      const { json } = iamStack();

      // THEN
      const role = onlyBlock(json, "resource", IamRole.tfResourceType).id;
      const attachments = onlyBlock(json, "resource", IamRolePolicyAttachment.tfResourceType).id;
      const trust = Object.entries(blocksOf(json, "data", DataAwsIamPolicyDocument.tfResourceType)).find(([id]) =>
        id.includes("TrustPolicy"),
      )![0];
      const { wait, exec } = waitOf(json);
      expect(wait.depends_on).toEqual([`aws_iam_role_policy_attachment.${attachments}`]);
      const partition = onlyBlock(json, "data", DataAwsPartition.tfResourceType).id;
      expect(wait.triggers_replace).toEqual({
        roleArn: `\${aws_iam_role.${role}.arn}`,
        trustPolicy: `\${data.aws_iam_policy_document.${trust}.json}`,
        permissions: JSON.stringify({
          attached: {
            AmazonEC2FullAccess: `arn:\${data.aws_partition.${partition}.partition}:iam::aws:policy/AmazonEC2FullAccess`,
          },
          leastPrivilege: "",
          boundary: "",
        }),
      });
      expect(exec.command).toBe(`node ${JSON.stringify(WAIT_UNTIL_ASSUMABLE_SCRIPT)}`);
      expect(exec.environment).toEqual({
        WAIT_ROLE_ARN: `\${aws_iam_role.${role}.arn}`,
        WAIT_PROFILE: "source",
        WAIT_REGION: "us-east-1",
        WAIT_TIMEOUT_SECONDS: "120",
      });
    });

    it("opens the session ec2-stack opens: profile, external id, source identity, tags, and the configured timeout", () => {
      const { json } = iamStack({
        sourceProfile: "ci",
        region: "eu-west-1",
        externalId: "tenant-42",
        sourceIdentity: "alice",
        sessionTags: { team: "platform" },
        roleReadyTimeoutSeconds: 600,
      });
      expect(waitOf(json).exec.environment).toEqual(
        expect.objectContaining({
          WAIT_PROFILE: "ci",
          WAIT_REGION: "eu-west-1",
          WAIT_TIMEOUT_SECONDS: "600",
          WAIT_EXTERNAL_ID: "tenant-42",
          WAIT_SOURCE_IDENTITY: "alice",
          WAIT_SESSION_TAGS: '{"team":"platform"}',
        }),
      );
    });

    it("signs in for the wait as ec2-stack does: OIDC token, hub roles", () => {
      const { json } = iamStack({
        sourceAuth: "web-identity",
        sourceRoleArn: "arn:aws:iam::111111111111:role/ci",
        webIdentityTokenFile: "/run/token",
        hubRoleArns: ["arn:aws:iam::333333333333:role/hub"],
      });
      const { environment } = waitOf(json).exec;
      expect(environment).not.toHaveProperty("WAIT_PROFILE");
      expect(environment).toMatchObject({
        WAIT_WEB_IDENTITY_ROLE_ARN: "arn:aws:iam::111111111111:role/ci",
        WAIT_WEB_IDENTITY_TOKEN_FILE: "/run/token",
        WAIT_HUB_ROLE_ARNS: '["arn:aws:iam::333333333333:role/hub"]',
      });
    });

    it("waits again when the role's permissions change, after the new policy version and attachments", () => {
      // GIVEN least privilege, a further managed policy and a permissions boundary
      const settings = {
        permissions: "least-privilege",
        managedPolicyArns: ["arn:aws:iam::222222222222:policy/extra"],
        permissionsBoundaryArn: "arn:aws:iam::222222222222:policy/boundary",
      };

      // WHEN
      const { json } = iamStack(settings);

      // THEN the trigger digests the policy as applied (a new version re-runs the wait, after it
      // is the default version) and every attached ARN; the wait runs after the attachments
      const policy = onlyBlock(json, "resource", IamPolicy.tfResourceType).id;
      const attachments = onlyBlock(json, "resource", IamRolePolicyAttachment.tfResourceType).id;
      const { wait } = waitOf(json);
      const triggers = wait.triggers_replace as Record<string, string>;
      expect(Object.keys(triggers).sort()).toEqual(["permissions", "roleArn", "trustPolicy"]);
      expect(JSON.parse(triggers.permissions)).toEqual({
        attached: {
          Ec2Deployer: `\${aws_iam_policy.${policy}.arn}`,
          "arn:aws:iam::222222222222:policy/extra": "arn:aws:iam::222222222222:policy/extra",
        },
        leastPrivilege: `\${aws_iam_policy.${policy}.policy}`,
        boundary: "arn:aws:iam::222222222222:policy/boundary",
      });
      expect(triggers.permissions).toContain(`aws_iam_policy.${policy}.policy`);
      expect(triggers.permissions).toContain(`aws_iam_policy.${policy}.arn`);
      expect(triggers.permissions).toContain("arn:aws:iam::222222222222:policy/extra");
      expect(triggers.permissions).toContain("arn:aws:iam::222222222222:policy/boundary");
      expect(wait.depends_on).toEqual([`aws_iam_policy.${policy}`, `aws_iam_role_policy_attachment.${attachments}`]);
      // another attached policy is another digest
      const other = waitOf(
        iamStack({ ...settings, managedPolicyArns: ["arn:aws:iam::222222222222:policy/other"] }).json,
      ).wait.triggers_replace as Record<string, string>;
      expect(other.permissions).not.toBe(triggers.permissions);
    });

    it("digests the AWS managed policy's ARN with the default permissions", () => {
      const triggers = waitOf(iamStack().json).wait.triggers_replace as Record<string, string>;
      expect(triggers.permissions).toContain("policy/AmazonEC2FullAccess");
    });

    it("does not wait with roleReadyTimeoutSeconds 0", () => {
      expect(blocksOf(iamStack({ roleReadyTimeoutSeconds: 0 }).json, "resource", "terraform_data")).toEqual({});
    });
  });

  describe("permissions", () => {
    it("attaches AmazonEC2FullAccess by default, keyed by name, with the ARN built from the partition", () => {
      // WHEN
      const { synth, json } = iamStack();

      // THEN
      const partition = onlyBlock(json, "data", DataAwsPartition.tfResourceType).id;
      const role = onlyBlock(json, "resource", IamRole.tfResourceType).id;
      expect(synth).toHaveResourceWithProperties(IamRolePolicyAttachment, {
        provider: "aws.destination",
        for_each: {
          AmazonEC2FullAccess: `arn:\${data.aws_partition.${partition}.partition}:iam::aws:policy/AmazonEC2FullAccess`,
        },
        role: `\${aws_iam_role.${role}.name}`,
        policy_arn: "${each.value}",
      });
      expect(blocksOf(json, "resource", IamPolicy.tfResourceType)).toEqual({});
    });

    it("attaches only the least-privilege policy when asked, not AmazonEC2FullAccess", () => {
      // WHEN
      const { json } = iamStack({ permissions: "least-privilege" });

      // THEN
      const policy = onlyBlock(json, "resource", IamPolicy.tfResourceType).id;
      const attachment = onlyBlock(json, "resource", IamRolePolicyAttachment.tfResourceType).block;
      expect(attachment.for_each).toEqual({ Ec2Deployer: `\${aws_iam_policy.${policy}.arn}` });
      expect(JSON.stringify(json)).not.toContain("AmazonEC2FullAccess");
    });

    it("adds the configured managed policies, keyed by ARN", () => {
      // WHEN
      const { json } = iamStack({
        managedPolicyArns: [
          "arn:aws:iam::aws:policy/ReadOnlyAccess",
          `arn:aws:iam::${DESTINATION_ACCOUNT}:policy/Extra`,
        ],
      });

      // THEN
      const attachment = onlyBlock(json, "resource", IamRolePolicyAttachment.tfResourceType).block;
      expect(attachment.for_each).toEqual({
        AmazonEC2FullAccess: expect.stringMatching(/:iam::aws:policy\/AmazonEC2FullAccess$/),
        "arn:aws:iam::aws:policy/ReadOnlyAccess": "arn:aws:iam::aws:policy/ReadOnlyAccess",
        [`arn:aws:iam::${DESTINATION_ACCOUNT}:policy/Extra`]: `arn:aws:iam::${DESTINATION_ACCOUNT}:policy/Extra`,
      });
    });

    it("names, places and tags the least-privilege policy after the role", () => {
      // WHEN
      const { synth } = iamStack({ permissions: "least-privilege", roleName: "deployer", rolePath: "/deployers/" });

      // THEN
      expect(synth).toHaveResourceWithProperties(IamPolicy, {
        provider: "aws.destination",
        name: "deployer-ec2-deployer",
        path: "/deployers/",
        tags: { ManagedBy: "cdktf-assume-role" },
      });
    });

    it("limits every least-privilege statement to the configured region", () => {
      // WHEN
      const statements = deployerStatements(iamStack({ permissions: "least-privilege", region: "eu-west-1" }).json);

      // THEN
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) {
        expect(statement.condition).toContainEqual({
          test: "StringEquals",
          variable: "aws:RequestedRegion",
          values: ["eu-west-1"],
        });
      }
    });

    it("has no least-privilege statement that allows every action", () => {
      // WHEN
      const statements = deployerStatements(iamStack({ permissions: "least-privilege" }).json);

      // THEN
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) {
        expect(statement.effect).toBe("Allow");
        expect(statement.actions).not.toContain("*");
        for (const action of statement.actions as string[]) expect(action).not.toMatch(/\*/);
      }
    });
  });

  describe("state", () => {
    it("keeps its state in a local file named after the stack in the state directory", () => {
      // WHEN
      const { json } = iamStack({ stateDir: "state" });

      // THEN
      expect(json.terraform?.backend).toEqual({ local: { path: "/project/state/terraform.iam-stack.tfstate" } });
    });

    it("keeps its state in S3, encrypted and with S3 locking, when asked", () => {
      // WHEN
      const { json } = iamStack({
        backend: "s3",
        stateBucket: "my-state",
        stateKeyPrefix: "teams/platform",
        stateRegion: "eu-west-1",
        stateProfile: "state",
      });

      // THEN
      expect(json.terraform?.backend).toEqual({
        s3: {
          bucket: "my-state",
          key: "teams/platform/iam-stack.tfstate",
          region: "eu-west-1",
          profile: "state",
          encrypt: true,
          use_lockfile: true,
        },
      });
    });

    it("signs in to the S3 state with the OIDC token when the source does", () => {
      const { json } = iamStack({
        sourceAuth: "web-identity",
        sourceRoleArn: "arn:aws:iam::111111111111:role/ci",
        webIdentityTokenFile: "/run/token",
        backend: "s3",
        stateBucket: "my-state",
      });
      expect(json.terraform?.backend).toEqual({
        s3: {
          bucket: "my-state",
          key: "cdktf-assume-role/iam-stack.tfstate",
          region: "us-east-1",
          assume_role_with_web_identity: {
            role_arn: "arn:aws:iam::111111111111:role/ci",
            web_identity_token_file: "/run/token",
            session_name: "cdktf-iam-stack-state",
          },
          encrypt: true,
          use_lockfile: true,
        },
      });
    });

    it("signs both providers in with HCP Terraform's dynamic credentials, reading no profile, when asked", () => {
      const { json } = iamStack({ backend: "cloud", cloudOrganization: "acme", cloudDynamicCredentials: true });
      expect(json.provider?.aws).toEqual([
        {
          alias: "source",
          region: "us-east-1",
          shared_config_files: ["${var.tfc_aws_dynamic_credentials.default.shared_config_file}"],
        },
        {
          alias: "destination",
          region: "us-east-1",
          shared_config_files: ['${var.tfc_aws_dynamic_credentials.aliases["destination"].shared_config_file}'],
        },
      ]);
      expect((json as { variable?: Record<string, Block> }).variable?.tfc_aws_dynamic_credentials).toEqual({
        type: "object({ default = object({ shared_config_file = string }), aliases = map(object({ shared_config_file = string })) })",
        description: "Set by HCP Terraform when dynamic provider credentials are enabled on the workspace",
      });
      expect(blocksOf(json, "resource", "terraform_data")).toEqual({});
    });

    it("keeps its state in its own HCP Terraform workspace with backend cloud", () => {
      const { json } = iamStack({
        backend: "cloud",
        cloudOrganization: "acme",
        cloudHostname: "tfe.acme.example",
        cloudWorkspacePrefix: "net-",
        cloudExecutionMode: "local",
      });
      expect(json.terraform?.backend).toBeUndefined();
      expect((json.terraform as Block).cloud).toEqual({
        organization: "acme",
        hostname: "tfe.acme.example",
        workspaces: { name: "net-iam-stack" },
      });
    });

    it("names no DynamoDB table in the backend when the S3 lock file locks the state", () => {
      // WHEN
      const { json } = iamStack({
        backend: "s3",
        stateBucket: "my-state",
        stateLock: "lockfile",
        stateLockTable: "terraform-locks",
      });

      // THEN
      expect(json.terraform?.backend?.s3).not.toHaveProperty("dynamodb_table");
      expect(json.terraform?.backend?.s3).toMatchObject({ bucket: "my-state", encrypt: true });
    });

    it("encrypts every state write with stateKmsKeyId, so that a bucket requiring aws:kms accepts it", () => {
      // WHEN
      const key = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
      const { json } = iamStack({ backend: "s3", stateBucket: "my-state", stateKmsKeyId: key });

      // THEN
      expect(json.terraform?.backend?.s3).toMatchObject({ bucket: "my-state", encrypt: true, kms_key_id: key });
      const { json: withoutKey } = iamStack({ backend: "s3", stateBucket: "my-state" });
      expect(withoutKey.terraform?.backend?.s3).not.toHaveProperty("kms_key_id");
    });

    it("locks the S3 state with DynamoDB when asked", () => {
      // WHEN
      const { json } = iamStack({
        backend: "s3",
        stateBucket: "my-state",
        stateLock: "dynamodb",
        stateLockTable: "terraform-locks",
      });

      // THEN
      expect(json.terraform?.backend).toEqual({
        s3: {
          bucket: "my-state",
          key: "cdktf-assume-role/iam-stack.tfstate",
          region: "us-east-1",
          profile: "source",
          encrypt: true,
          dynamodb_table: "terraform-locks",
        },
      });
    });
  });

  it("matches the snapshot with the default settings", () => {
    // WHEN
    const { iam, config } = synthPair();

    // THEN
    // The wait script's path is absolute too: the project's directory on this machine.
    const synth = Testing.synth(iam).replaceAll(
      JSON.stringify(JSON.stringify(WAIT_UNTIL_ASSUMABLE_SCRIPT)).slice(1, -1),
      '\\"<project>/constructs/wait-until-assumable.js\\"',
    );
    const json = normaliseStatePaths(JSON.parse(synth), config.state.dir);
    expect(JSON.stringify(json)).toContain(`${STATE_DIR_PLACEHOLDER}/terraform.iam-stack.tfstate`);
    expect(JSON.stringify(json)).toContain('node \\"<project>/constructs/wait-until-assumable.js\\"');
    expect(json).toMatchSnapshot();
  });
});
