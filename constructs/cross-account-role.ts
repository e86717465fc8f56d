import { Construct } from "constructs";
import { Annotations, TerraformIterator, Token } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatementCondition,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IAM_ROLE_NAME, ROLE_PRINCIPAL } from "./shared/aws-names";

/** Properties of a {@link CrossAccountRole}. */
export interface CrossAccountRoleProps {
  /** Provider of the destination account, where the role is created. */
  readonly provider: AwsProvider;
  /**
   * Provider of the source account; its caller identity is the account trusted by default.
   * Needed only without `trustedPrincipalArns`.
   * @default - none: `trustedPrincipalArns` must name the principals
   */
  readonly sourceProvider?: AwsProvider;
  /** Name of the role: 1 to 64 characters of letters, digits and `_+=,.@-`. */
  readonly roleName: string;
  /**
   * IAM path of the role.
   * @default "/"
   */
  readonly path?: string;
  /**
   * Principals allowed to call `sts:AssumeRole` (and to tag the session and set its source
   * identity while doing so).
   * @default - the whole source account: `arn:<partition>:iam::<source account id>:root`
   */
  readonly trustedPrincipalArns?: readonly string[];
  /**
   * Values the caller may pass as `sts:ExternalId`; it must pass one of them.
   * @default - no external id condition
   */
  readonly externalIds?: readonly string[];
  /**
   * Whether the caller must have signed in with MFA (`aws:MultiFactorAuthPresent`).
   * @default false
   */
  readonly requireMfa?: boolean;
  /**
   * Maximum age of the caller's MFA sign-in (`aws:MultiFactorAuthAge`); needs `requireMfa`.
   * @default - any age
   */
  readonly mfaMaxAgeSeconds?: number;
  /**
   * AWS Organizations id the caller must belong to (`aws:PrincipalOrgID`).
   * @default - no organization condition
   */
  readonly principalOrgId?: string;
  /**
   * Whether the caller must set a source identity (`sts:SourceIdentity`), which CloudTrail then
   * records for every call made through the session.
   * @default false
   */
  readonly requireSourceIdentity?: boolean;
  /**
   * Maximum session duration of the role, 3600 to 43200 seconds.
   * @default 3600
   */
  readonly maxSessionDurationSeconds?: number;
  /**
   * ARN of the policy that bounds the role's permissions.
   * @default - no permissions boundary
   */
  readonly permissionsBoundaryArn?: string;
  /**
   * Names of AWS managed policies to attach, e.g. `AmazonEC2FullAccess`; their ARNs are built
   * from the destination account's partition.
   * @default - none
   */
  readonly awsManagedPolicyNames?: readonly string[];
  /**
   * ARNs of further managed policies to attach, keyed by a stable name (the key becomes part of
   * the Terraform address, so the value may be unknown until apply).
   * @default - none
   */
  readonly policyArns?: Readonly<Record<string, string>>;
  /**
   * Tags of the role.
   * @default - no tags
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * An IAM role in the destination account that principals of the source account may assume.
 */
export class CrossAccountRole extends Construct {
  /** The role itself: the escape hatch for what these props do not cover. */
  public readonly resource: IamRole;
  /** ARN of the role. */
  public readonly roleArn: string;
  /** The trust policy document. */
  public readonly trustPolicy: DataAwsIamPolicyDocument;
  /** Principals the trust policy names. */
  public readonly trustedPrincipalArns: readonly string[];
  /** Conditions of the trust policy's `sts:AssumeRole` statement. */
  public readonly trustConditions: readonly DataAwsIamPolicyDocumentStatementCondition[];
  /**
   * Conditions of the statement that allows `sts:TagSession` and `sts:SetSourceIdentity`: those
   * of {@link trustConditions} that AWS evaluates for these actions too.
   */
  public readonly sessionConditions: readonly DataAwsIamPolicyDocumentStatementCondition[];
  /** The one attachment resource, iterating over every managed policy. */
  public readonly policyAttachments?: IamRolePolicyAttachment;
  /** Every managed policy attached to the role, ARN by stable key (AWS managed ones by name). */
  public readonly attachedPolicyArns: Readonly<Record<string, string>>;
  /** ARN of the policy that bounds the role's permissions, if any. */
  public readonly permissionsBoundaryArn?: string;

  constructor(scope: Construct, id: string, props: CrossAccountRoleProps) {
    super(scope, id);
    validate(props);

    const partition = new DataAwsPartition(this, "Partition", { provider: props.provider });
    if (props.trustedPrincipalArns && props.trustedPrincipalArns.length > 0) {
      this.trustedPrincipalArns = [...props.trustedPrincipalArns];
    } else {
      if (props.sourceProvider === undefined) {
        throw new Error(
          "give sourceProvider or trustedPrincipalArns: without principals the role trusts the source account, found through sourceProvider",
        );
      }
      const source = new DataAwsCallerIdentity(this, "SourceIdentity", { provider: props.sourceProvider });
      this.trustedPrincipalArns = [`arn:${partition.partition}:iam::${source.accountId}:root`];
    }

    // Global condition keys (MFA, organization) are in the request context of every action;
    // sts:ExternalId and sts:SourceIdentity only in that of sts:AssumeRole, so they go on that
    // statement alone (on sts:TagSession they would never match, and refuse every tagged session).
    const global: DataAwsIamPolicyDocumentStatementCondition[] = [];
    if (props.requireMfa) {
      global.push({ test: "Bool", variable: "aws:MultiFactorAuthPresent", values: ["true"] });
      if (props.mfaMaxAgeSeconds !== undefined) {
        global.push({
          test: "NumericLessThan",
          variable: "aws:MultiFactorAuthAge",
          values: [String(props.mfaMaxAgeSeconds)],
        });
      }
    }
    if (props.principalOrgId !== undefined) {
      global.push({ test: "StringEquals", variable: "aws:PrincipalOrgID", values: [props.principalOrgId] });
    }
    const assumeOnly: DataAwsIamPolicyDocumentStatementCondition[] = [];
    if (props.externalIds !== undefined && props.externalIds.length > 0) {
      assumeOnly.push({ test: "StringEquals", variable: "sts:ExternalId", values: [...props.externalIds] });
    }
    if (props.requireSourceIdentity) {
      assumeOnly.push({ test: "Null", variable: "sts:SourceIdentity", values: ["false"] });
    }
    this.trustConditions = [...assumeOnly, ...global];
    this.sessionConditions = global;

    const principals = [{ type: "AWS", identifiers: [...this.trustedPrincipalArns] }];
    const orNone = (c: readonly DataAwsIamPolicyDocumentStatementCondition[]) => (c.length > 0 ? [...c] : undefined);
    this.trustPolicy = new DataAwsIamPolicyDocument(this, "TrustPolicy", {
      provider: props.provider,
      statement: [
        {
          sid: "TrustSourceAccount",
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals,
          condition: orNone(this.trustConditions),
        },
        {
          // As in the tutorial: session tags and a source identity (who acted, in CloudTrail).
          sid: "TagSessionAndSetSourceIdentity",
          effect: "Allow",
          actions: ["sts:TagSession", "sts:SetSourceIdentity"],
          principals,
          condition: orNone(this.sessionConditions),
        },
      ],
    });
    if (props.requireMfa) warnOfRolePrincipalsWithoutMfa(this, this.trustedPrincipalArns);

    this.resource = new IamRole(this, "Role", {
      provider: props.provider,
      name: props.roleName,
      path: props.path ?? "/",
      assumeRolePolicy: this.trustPolicy.json,
      maxSessionDuration: props.maxSessionDurationSeconds ?? 3600,
      permissionsBoundary: props.permissionsBoundaryArn,
      tags: props.tags ? { ...props.tags } : undefined,
    });
    this.roleArn = this.resource.arn;

    const policies: Record<string, string> = {};
    for (const name of props.awsManagedPolicyNames ?? []) {
      policies[name] = `arn:${partition.partition}:iam::aws:policy/${name}`;
    }
    Object.assign(policies, props.policyArns ?? {});
    this.attachedPolicyArns = policies;
    this.permissionsBoundaryArn = props.permissionsBoundaryArn;
    if (Object.keys(policies).length > 0) {
      // One resource with for_each keyed by a stable name: adding or removing a policy
      // never renumbers (and so never replaces) the other attachments.
      const each = TerraformIterator.fromMap(policies);
      this.policyAttachments = new IamRolePolicyAttachment(this, "PolicyAttachments", {
        provider: props.provider,
        forEach: each,
        role: this.resource.name,
        policyArn: each.value,
      });
    }
  }
}

/**
 * Sessions of roles (SSO permission sets, CI roles) carry no MFA: a trust policy that requires it
 * refuses them. A warning, since a role session created with MFA does carry it.
 */
function warnOfRolePrincipalsWithoutMfa(role: CrossAccountRole, principals: readonly string[]): void {
  const roles = principals.filter((arn) => !Token.isUnresolved(arn) && ROLE_PRINCIPAL.test(arn));
  if (roles.length === 0) return;
  Annotations.of(role).addWarning(
    `requireMfa is set and the role trusts role principals (${roles.join(", ")}): sessions of roles, ` +
      "such as SSO or CI roles, carry no MFA unless they were themselves created with an MFA code, so the " +
      "trust policy refuses them; trust users who sign in with MFA (docs/mfa.md), or drop requireMfa for these principals",
  );
}

function validate(props: CrossAccountRoleProps): void {
  const known = (v: unknown): boolean => v !== undefined && !Token.isUnresolved(v);
  if (known(props.roleName) && !IAM_ROLE_NAME.test(props.roleName)) {
    throw new Error(`roleName "${props.roleName}" must be 1 to 64 letters, digits or _+=,.@- (IAM role name rules)`);
  }
  const d = props.maxSessionDurationSeconds;
  if (known(d) && (!Number.isInteger(d) || d! < 3600 || d! > 43200)) {
    throw new Error(`maxSessionDurationSeconds ${d} must be a whole number from 3600 to 43200`);
  }
  if (props.mfaMaxAgeSeconds !== undefined && !props.requireMfa) {
    throw new Error(`mfaMaxAgeSeconds ${props.mfaMaxAgeSeconds} only applies with requireMfa: true`);
  }
  for (const arn of props.trustedPrincipalArns ?? []) {
    if (known(arn) && arn.trim() === "*") {
      throw new Error('trustedPrincipalArns must not contain "*": name the principals of the source account');
    }
  }
}
