import { Construct } from "constructs";
import { Token } from "cdktf";
import { AwsProvider, AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";
import { STS_SESSION_NAME } from "./shared/aws-names";

/** An OIDC token exchanged for a role session (`sts:AssumeRoleWithWebIdentity`): no stored keys. */
export interface WebIdentity {
  /** The role that trusts the OIDC provider. */
  readonly roleArn: string;
  /** The file the token is in; read at each run. */
  readonly tokenFile: string;
}

/** How a provider signs in: exactly one of these. */
export interface SignIn {
  /** A shared-credentials profile. */
  readonly profile?: string;
  /** An OIDC token exchanged for a role session. */
  readonly webIdentity?: WebIdentity;
  /** The default profile of a shared config file (e.g. HCP Terraform's dynamic credentials). */
  readonly sharedConfigFile?: string;
}

/**
 * The AWS provider's arguments for a way of signing in; `sessionName` names the web-identity
 * session. Throws unless exactly one way is given.
 */
export function signInArguments(
  signIn: SignIn,
  sessionName: string,
): Pick<AwsProviderConfig, "profile" | "sharedConfigFiles" | "assumeRoleWithWebIdentity"> {
  const ways = [signIn.profile, signIn.webIdentity, signIn.sharedConfigFile].filter((w) => w !== undefined);
  if (ways.length !== 1) {
    throw new Error("give exactly one of profile, webIdentity and sharedConfigFile: how the provider signs in");
  }
  const web = signIn.webIdentity;
  return {
    profile: signIn.profile,
    sharedConfigFiles: signIn.sharedConfigFile !== undefined ? [signIn.sharedConfigFile] : undefined,
    assumeRoleWithWebIdentity: web
      ? [{ roleArn: web.roleArn, webIdentityTokenFile: web.tokenFile, sessionName }]
      : undefined,
  };
}

/** Properties of an {@link AssumedRoleProvider}. */
export interface AssumedRoleProviderProps {
  /** AWS region the provider acts in. */
  readonly region: string;
  /**
   * Region of the STS endpoint the provider signs in and assumes the roles at (`sts_region`).
   * @default - `region`'s endpoint
   */
  readonly stsRegion?: string;
  /**
   * Shared-credentials profile whose principal assumes the role (the source account's).
   * Exactly one of `profile` and `webIdentity`.
   * @default - none: `webIdentity`
   */
  readonly profile?: string;
  /**
   * Sign in with an OIDC token instead of a profile; the session of its role assumes the roles.
   * @default - none: `profile`
   */
  readonly webIdentity?: WebIdentity;
  /**
   * Sign in with the default profile of this shared config file instead (e.g. the one HCP
   * Terraform writes for dynamic provider credentials).
   * @default - none: `profile`
   */
  readonly sharedConfigFile?: string;
  /**
   * Roles assumed, in this order, before `roleArn` (hub and spoke: e.g. a deployer role in a
   * tooling account that every workload account's role trusts). Each is a chained session,
   * which AWS caps at one hour.
   * @default - none: `roleArn` is assumed directly
   */
  readonly hubRoleArns?: readonly string[];
  /** ARN of the role to assume; usually a token from another stack. */
  readonly roleArn: string;
  /** Name of the role session, seen in CloudTrail: 2 to 64 characters of `[\w+=,.@-]`. */
  readonly sessionName: string;
  /**
   * External id the role's trust policy requires.
   * @default - none
   */
  readonly externalId?: string;
  /**
   * Duration of the role session in seconds, at most the role's maximum session duration.
   * @default - the provider's default (15 minutes)
   */
  readonly durationSeconds?: number;
  /**
   * Source identity of the session (`sts:SourceIdentity`): CloudTrail records it for every call
   * made through the session, and it stays with the session when it assumes further roles. The
   * role's trust policy must allow `sts:SetSourceIdentity`.
   * @default - no source identity
   */
  readonly sourceIdentity?: string;
  /**
   * Session tags (`aws:PrincipalTag/<key>` in the role's policies). The role's trust policy must
   * allow `sts:TagSession`.
   * @default - no session tags
   */
  readonly sessionTags?: Readonly<Record<string, string>>;
  /**
   * Accounts the provider may act in; any other stops the run before a change.
   * @default - any account
   */
  readonly allowedAccountIds?: readonly string[];
  /**
   * Provider alias.
   * @default - the default provider of the stack
   */
  readonly alias?: string;
}

/**
 * An AWS provider that signs in with one profile (or an OIDC token) only and acts through an
 * assumed role, optionally through hub roles first (`assume_role` blocks, in order).
 */
export class AssumedRoleProvider extends Construct {
  /** The provider, to pass to the resources that must act in the role's account. */
  public readonly provider: AwsProvider;

  constructor(scope: Construct, id: string, props: AssumedRoleProviderProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.sessionName) && !STS_SESSION_NAME.test(props.sessionName)) {
      throw new Error(`sessionName "${props.sessionName}" must be 2 to 64 letters, digits or _+=,.@-`);
    }
    const source = props.sourceIdentity;
    if (source !== undefined && !Token.isUnresolved(source) && !STS_SESSION_NAME.test(source)) {
      throw new Error(`sourceIdentity "${source}" must be 2 to 64 letters, digits or _+=,.@-`);
    }
    const tags = props.sessionTags ?? {};
    this.provider = new AwsProvider(this, "Provider", {
      alias: props.alias,
      region: props.region,
      stsRegion: props.stsRegion,
      ...signInArguments(props, props.sessionName),
      allowedAccountIds: props.allowedAccountIds ? [...props.allowedAccountIds] : undefined,
      assumeRole: [
        ...(props.hubRoleArns ?? []).map((roleArn) => ({ roleArn, sessionName: props.sessionName })),
        {
          roleArn: props.roleArn,
          sessionName: props.sessionName,
          externalId: props.externalId,
          duration: props.durationSeconds !== undefined ? `${props.durationSeconds}s` : undefined,
          sourceIdentity: props.sourceIdentity,
          tags: Object.keys(tags).length > 0 ? { ...tags } : undefined,
        },
      ],
    });
  }
}
