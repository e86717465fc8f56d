import { AnnotationMetadataEntryType, TerraformOutput, TerraformVariable, Testing } from "cdktf";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { CrossAccountRole, CrossAccountRoleProps } from "../constructs/cross-account-role";
import {
  Block,
  blocksOf,
  exactly,
  onlyBlock,
  providedStack,
  ProvidedStack,
  SOURCE_ACCOUNT,
  stackJson,
  trustStatement,
  trustStatements,
} from "./helpers";

/** A CrossAccountRole in a fresh stack, with the providers of both accounts. */
function roleIn(given: ProvidedStack, props: Partial<CrossAccountRoleProps> = {}): CrossAccountRole {
  return new CrossAccountRole(given.stack, "CrossAccountRole", {
    provider: given.destination,
    sourceProvider: given.source,
    roleName: "deployer",
    ...props,
  });
}

/** The warnings on a construct. */
function warningsOn(role: CrossAccountRole): string[] {
  return role.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data));
}

describe("CrossAccountRole", () => {
  describe("trust policy", () => {
    it("trusts the root of the source account, built from the partition and the source caller identity", () => {
      // GIVEN
      const given = providedStack();

      // WHEN
      roleIn(given);

      // THEN
      const json = stackJson(given.stack);
      const partition = onlyBlock(json, "data", DataAwsPartition.tfResourceType);
      const source = onlyBlock(json, "data", DataAwsCallerIdentity.tfResourceType);
      expect(source.block.provider).toBe("aws.source");
      expect(partition.block.provider).toBe("aws.destination");
      const principals = [
        {
          type: "AWS",
          identifiers: [
            `arn:\${data.aws_partition.${partition.id}.partition}:iam::\${data.aws_caller_identity.${source.id}.account_id}:root`,
          ],
        },
      ];
      expect(Testing.synth(given.stack)).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
        provider: "aws.destination",
        statement: [
          { sid: "TrustSourceAccount", effect: "Allow", actions: ["sts:AssumeRole"], principals },
          {
            sid: "TagSessionAndSetSourceIdentity",
            effect: "Allow",
            actions: ["sts:TagSession", "sts:SetSourceIdentity"],
            principals,
          },
        ],
      });
    });

    it("makes the role's assume_role_policy the trust policy document", () => {
      // GIVEN
      const given = providedStack();

      // WHEN
      roleIn(given);

      // THEN
      const document = onlyBlock(stackJson(given.stack), "data", DataAwsIamPolicyDocument.tfResourceType);
      expect(Testing.synth(given.stack)).toHaveResourceWithProperties(IamRole, {
        assume_role_policy: `\${data.aws_iam_policy_document.${document.id}.json}`,
      });
    });

    it("has no condition by default", () => {
      // GIVEN
      const given = providedStack();

      // WHEN
      const role = roleIn(given);

      // THEN
      expect(trustStatements(stackJson(given.stack)).map((s) => s.condition)).toEqual([undefined, undefined]);
      expect(role.trustConditions).toEqual([]);
      expect(role.sessionConditions).toEqual([]);
    });

    it.each<[string, Partial<CrossAccountRoleProps>, Block[]]>([
      [
        "an external id",
        { externalIds: ["tenant-42"] },
        [{ test: "StringEquals", variable: "sts:ExternalId", values: ["tenant-42"] }],
      ],
      [
        "one of several external ids",
        { externalIds: ["tenant-42", "tenant-43"] },
        [{ test: "StringEquals", variable: "sts:ExternalId", values: ["tenant-42", "tenant-43"] }],
      ],
      [
        "a source identity",
        { requireSourceIdentity: true },
        [{ test: "Null", variable: "sts:SourceIdentity", values: ["false"] }],
      ],
      ["MFA", { requireMfa: true }, [{ test: "Bool", variable: "aws:MultiFactorAuthPresent", values: ["true"] }]],
      [
        "a recent MFA sign-in",
        { requireMfa: true, mfaMaxAgeSeconds: 900 },
        [
          { test: "Bool", variable: "aws:MultiFactorAuthPresent", values: ["true"] },
          { test: "NumericLessThan", variable: "aws:MultiFactorAuthAge", values: ["900"] },
        ],
      ],
      [
        "membership of an organization",
        { principalOrgId: "o-a1b2c3d4e5" },
        [{ test: "StringEquals", variable: "aws:PrincipalOrgID", values: ["o-a1b2c3d4e5"] }],
      ],
      [
        "all of them together",
        {
          externalIds: ["tenant-42"],
          requireSourceIdentity: true,
          requireMfa: true,
          mfaMaxAgeSeconds: 900,
          principalOrgId: "o-a1b2c3d4e5",
        },
        [
          { test: "StringEquals", variable: "sts:ExternalId", values: ["tenant-42"] },
          { test: "Null", variable: "sts:SourceIdentity", values: ["false"] },
          { test: "Bool", variable: "aws:MultiFactorAuthPresent", values: ["true"] },
          { test: "NumericLessThan", variable: "aws:MultiFactorAuthAge", values: ["900"] },
          { test: "StringEquals", variable: "aws:PrincipalOrgID", values: ["o-a1b2c3d4e5"] },
        ],
      ],
    ])("requires %s when asked", (_what, props, conditions) => {
      // GIVEN
      const given = providedStack();

      // WHEN
      const role = roleIn(given, props);

      // THEN
      expect(trustStatement(stackJson(given.stack)).condition).toEqual(conditions);
      expect(role.trustConditions).toEqual(conditions);
    });

    it.each<[string, Partial<CrossAccountRoleProps>, Block[] | undefined]>([
      ["an external id", { externalIds: ["tenant-42"] }, undefined],
      ["a source identity", { requireSourceIdentity: true }, undefined],
      [
        "MFA and an organization",
        { requireMfa: true, mfaMaxAgeSeconds: 900, principalOrgId: "o-a1b2c3d4e5", externalIds: ["tenant-42"] },
        [
          { test: "Bool", variable: "aws:MultiFactorAuthPresent", values: ["true"] },
          { test: "NumericLessThan", variable: "aws:MultiFactorAuthAge", values: ["900"] },
          { test: "StringEquals", variable: "aws:PrincipalOrgID", values: ["o-a1b2c3d4e5"] },
        ],
      ],
    ])(
      "allows session tags and a source identity under the global conditions only, with %s",
      (_what, props, conditions) => {
        // GIVEN
        const given = providedStack();

        // WHEN
        const role = roleIn(given, props);

        // THEN sts:ExternalId and sts:SourceIdentity are in the request context of sts:AssumeRole only
        const [, session] = trustStatements(stackJson(given.stack));
        expect(session.actions).toEqual(["sts:TagSession", "sts:SetSourceIdentity"]);
        expect(session.principals).toEqual(trustStatement(stackJson(given.stack)).principals);
        expect(session.condition).toEqual(conditions);
        expect(role.sessionConditions).toEqual(conditions ?? []);
      },
    );

    it("warns when MFA is required of role principals, whose sessions carry no MFA", () => {
      // GIVEN
      const given = providedStack();
      const ci = `arn:aws:iam::${SOURCE_ACCOUNT}:role/ci`;
      const sso = `arn:aws:sts::${SOURCE_ACCOUNT}:assumed-role/sso/alice`;

      // WHEN
      const role = roleIn(given, {
        requireMfa: true,
        trustedPrincipalArns: [ci, `arn:aws:iam::${SOURCE_ACCOUNT}:user/alice`, sso],
      });

      // THEN
      expect(warningsOn(role)).toEqual([
        `requireMfa is set and the role trusts role principals (${ci}, ${sso}): sessions of roles, such as SSO or CI ` +
          "roles, carry no MFA unless they were themselves created with an MFA code, so the trust policy refuses " +
          "them; trust users who sign in with MFA (docs/mfa.md), or drop requireMfa for these principals",
      ]);
    });

    it.each<[string, Partial<CrossAccountRoleProps>]>([
      ["MFA of users", { requireMfa: true, trustedPrincipalArns: [`arn:aws:iam::${SOURCE_ACCOUNT}:user/alice`] }],
      ["no MFA of roles", { trustedPrincipalArns: [`arn:aws:iam::${SOURCE_ACCOUNT}:role/ci`] }],
      ["MFA of the source account", { requireMfa: true }],
    ])("does not warn when it requires %s", (_what, props) => {
      expect(warningsOn(roleIn(providedStack(), props))).toEqual([]);
    });

    it("trusts the given principals instead of the whole source account", () => {
      // GIVEN
      const given = providedStack();
      const principals = [`arn:aws:iam::${SOURCE_ACCOUNT}:role/Deployer`, `arn:aws:iam::${SOURCE_ACCOUNT}:user/ci`];

      // WHEN
      const role = roleIn(given, { trustedPrincipalArns: principals });

      // THEN
      for (const statement of trustStatements(stackJson(given.stack))) {
        expect(statement.principals).toEqual([{ type: "AWS", identifiers: principals }]);
      }
      expect(role.trustedPrincipalArns).toEqual(principals);
      expect(blocksOf(stackJson(given.stack), "data", DataAwsCallerIdentity.tfResourceType)).toEqual({});
    });

    it("trusts the whole source account when the list of principals is empty", () => {
      // GIVEN
      const given = providedStack();

      // WHEN
      const role = roleIn(given, { trustedPrincipalArns: [] });

      // THEN
      expect(role.trustedPrincipalArns).toHaveLength(1);
      expect(trustStatement(stackJson(given.stack)).principals).toEqual([
        { type: "AWS", identifiers: [expect.stringMatching(/^arn:\$\{data\.aws_partition\..+\}:root$/)] },
      ]);
    });
  });

  describe("role", () => {
    it("is created in the destination account with safe defaults", () => {
      // GIVEN
      const given = providedStack();

      // WHEN
      roleIn(given);

      // THEN
      const iamRole = onlyBlock(stackJson(given.stack), "resource", IamRole.tfResourceType).block;
      expect(iamRole).toMatchObject({
        provider: "aws.destination",
        name: "deployer",
        path: "/",
        max_session_duration: 3600,
      });
      expect(iamRole.permissions_boundary).toBeUndefined();
      expect(iamRole.tags).toBeUndefined();
    });

    it("exposes the role's ARN for the stacks that assume it", () => {
      // GIVEN
      const given = providedStack();
      const role = roleIn(given);

      // WHEN
      new TerraformOutput(given.stack, "RoleArn", { value: role.roleArn });

      // THEN
      const json = stackJson(given.stack);
      const id = onlyBlock(json, "resource", IamRole.tfResourceType).id;
      expect(json.output?.RoleArn.value).toBe(`\${aws_iam_role.${id}.arn}`);
    });

    it("accepts the shortest maximum session duration AWS allows, one hour", () => {
      // GIVEN
      const given = providedStack();

      // WHEN
      roleIn(given, { maxSessionDurationSeconds: 3600 });

      // THEN
      expect(Testing.synth(given.stack)).toHaveResourceWithProperties(IamRole, { max_session_duration: 3600 });
    });

    it("sets the path, maximum session duration, permissions boundary and tags", () => {
      // GIVEN
      const given = providedStack();

      // WHEN
      roleIn(given, {
        path: "/deployers/",
        maxSessionDurationSeconds: 43200,
        permissionsBoundaryArn: "arn:aws:iam::222222222222:policy/Boundary",
        tags: { team: "platform" },
      });

      // THEN
      expect(Testing.synth(given.stack)).toHaveResourceWithProperties(IamRole, {
        path: "/deployers/",
        max_session_duration: 43200,
        permissions_boundary: "arn:aws:iam::222222222222:policy/Boundary",
        tags: { team: "platform" },
      });
    });
  });

  describe("policy attachments", () => {
    it("attaches nothing by default", () => {
      // GIVEN
      const given = providedStack();

      // WHEN
      const role = roleIn(given);

      // THEN
      expect(role.policyAttachments).toBeUndefined();
      expect(blocksOf(stackJson(given.stack), "resource", IamRolePolicyAttachment.tfResourceType)).toEqual({});
    });

    it("attaches AWS managed policies with one for_each keyed by name, building the ARN from the partition", () => {
      // GIVEN
      const given = providedStack();

      // WHEN
      roleIn(given, {
        awsManagedPolicyNames: ["AmazonEC2FullAccess"],
        policyArns: { Extra: "arn:aws:iam::222222222222:policy/Extra" },
      });

      // THEN
      const json = stackJson(given.stack);
      const partition = onlyBlock(json, "data", DataAwsPartition.tfResourceType).id;
      const iamRole = onlyBlock(json, "resource", IamRole.tfResourceType).id;
      expect(Testing.synth(given.stack)).toHaveResourceWithProperties(IamRolePolicyAttachment, {
        provider: "aws.destination",
        for_each: {
          AmazonEC2FullAccess: `arn:\${data.aws_partition.${partition}.partition}:iam::aws:policy/AmazonEC2FullAccess`,
          Extra: "arn:aws:iam::222222222222:policy/Extra",
        },
        role: `\${aws_iam_role.${iamRole}.name}`,
        policy_arn: "${each.value}",
      });
    });
  });

  describe("validation", () => {
    it.each<[string, Partial<CrossAccountRoleProps>, string]>([
      [
        "a role name with a space",
        { roleName: "my role" },
        'roleName "my role" must be 1 to 64 letters, digits or _+=,.@- (IAM role name rules)',
      ],
      [
        "a role name of 65 characters",
        { roleName: "r".repeat(65) },
        `roleName "${"r".repeat(65)}" must be 1 to 64 letters, digits or _+=,.@- (IAM role name rules)`,
      ],
      [
        "a session of less than an hour",
        { maxSessionDurationSeconds: 3599 },
        "maxSessionDurationSeconds 3599 must be a whole number from 3600 to 43200",
      ],
      [
        "a session of more than 12 hours",
        { maxSessionDurationSeconds: 43201 },
        "maxSessionDurationSeconds 43201 must be a whole number from 3600 to 43200",
      ],
      ["an MFA age without MFA", { mfaMaxAgeSeconds: 900 }, "mfaMaxAgeSeconds 900 only applies with requireMfa: true"],
      [
        "a wildcard principal",
        { trustedPrincipalArns: [`arn:aws:iam::${SOURCE_ACCOUNT}:root`, " * "] },
        'trustedPrincipalArns must not contain "*": name the principals of the source account',
      ],
      [
        "neither a source provider nor trusted principals",
        { sourceProvider: undefined },
        "give sourceProvider or trustedPrincipalArns: without principals the role trusts the source account, found through sourceProvider",
      ],
    ])("rejects %s", (_what, props, message) => {
      // GIVEN
      const given = providedStack();

      // THEN
      expect(() => roleIn(given, props)).toThrow(exactly(message));
    });

    it("needs no source provider when the trusted principals are named", () => {
      // GIVEN
      const given = providedStack();

      // WHEN
      roleIn(given, { sourceProvider: undefined, trustedPrincipalArns: ["arn:aws:iam::111111111111:role/hub"] });

      // THEN
      expect(Object.keys(stackJson(given.stack).data ?? {})).not.toContain(DataAwsCallerIdentity.tfResourceType);
    });

    it("does not validate a role name that is only known at apply time", () => {
      // GIVEN
      const given = providedStack();
      const roleName = new TerraformVariable(given.stack, "RoleName", { type: "string" }).stringValue;

      // WHEN
      roleIn(given, { roleName });

      // THEN
      expect(Testing.synth(given.stack)).toHaveResourceWithProperties(IamRole, { name: "${var.RoleName}" });
    });
  });
});
