/**
 * The validated settings as the stacks read them. The type of each field comes from its
 * setting's declaration (`SettingValue<"roleName">`), so a declaration and the field it fills
 * cannot disagree.
 */
import { SettingValue } from "./settings";

/** Which permissions the cross-account role grants in the destination account. */
export type Permissions = SettingValue<"permissions">;

/** Where Terraform keeps the state of each stack: files, S3, or HCP Terraform workspaces. */
export type BackendType = SettingValue<"backend">;

/** How the source account's principal signs in. */
export type SourceAuth = SettingValue<"sourceAuth">;

/** How the S3 backend locks the state. */
export type StateLock = SettingValue<"stateLock">;

/** Settings of the role in the destination account and of the session that assumes it. */
export interface RoleSettings {
  /** IAM role name. */
  readonly name: SettingValue<"roleName">;
  /** IAM path of the role. */
  readonly path: SettingValue<"rolePath">;
  /** Principals allowed to assume the role; empty means the whole source account (`:root`). */
  readonly trustedPrincipalArns: SettingValue<"trustedPrincipalArns">;
  /** External ids the trust policy accepts (`sts:ExternalId`, any one of them); empty means no condition. */
  readonly externalIds: SettingValue<"externalIds">;
  /** The external id the ec2-stack provider sends: one of `externalIds`. */
  readonly externalId?: SettingValue<"externalId">;
  /** Whether the trust policy requires MFA. */
  readonly requireMfa: SettingValue<"requireMfa">;
  /** Maximum MFA age, only with `requireMfa`. */
  readonly mfaMaxAgeSeconds?: SettingValue<"mfaMaxAgeSeconds">;
  /** Required `aws:PrincipalOrgID` of the caller. */
  readonly principalOrgId?: SettingValue<"principalOrgId">;
  /** Whether the trust policy refuses sessions without a source identity (`sts:SourceIdentity`). */
  readonly requireSourceIdentity: SettingValue<"requireSourceIdentity">;
  /** Source identity the ec2-stack provider sets on its session. */
  readonly sourceIdentity?: SettingValue<"sourceIdentity">;
  /** Session tags the ec2-stack provider passes. */
  readonly sessionTags: SettingValue<"sessionTags">;
  /** Role's maximum session duration. */
  readonly maxSessionDurationSeconds?: SettingValue<"maxSessionDurationSeconds">;
  /** Session duration the ec2-stack provider asks for; at most the role's maximum. */
  readonly sessionDurationSeconds?: SettingValue<"sessionDurationSeconds">;
  /** Permissions boundary of the role. */
  readonly permissionsBoundaryArn?: SettingValue<"permissionsBoundaryArn">;
  /** The permissions the role grants. */
  readonly permissions: Permissions;
  /** Further managed policies attached to the role. */
  readonly managedPolicyArns: SettingValue<"managedPolicyArns">;
}

/** Settings of the EC2 instance. */
export interface InstanceSettings {
  /** EC2 instance type. */
  readonly type: SettingValue<"instanceType">;
  /** Value of the instance's `Name` tag. */
  readonly name: SettingValue<"instanceName">;
  /** AMI owners (account ids or aliases). */
  readonly amiOwners: SettingValue<"amiOwners">;
  /** AMI name filter (wildcards allowed). */
  readonly amiNameFilter: SettingValue<"amiNameFilter">;
  /** Whether the instance gets a public IP address. */
  readonly associatePublicIpAddress: SettingValue<"associatePublicIpAddress">;
  /** Size of the encrypted root volume in GiB; at least the AMI's snapshot size. */
  readonly rootVolumeSizeGib: SettingValue<"rootVolumeSizeGib">;
  /** An explicit AMI id: no lookup. */
  readonly amiId?: SettingValue<"amiId">;
  /** A public (or own) SSM parameter that holds the AMI id, instead of the name lookup. */
  readonly amiSsmParameter?: SettingValue<"amiSsmParameter">;
  /** Whether a newly published image that the lookup finds replaces the running instance. */
  readonly replaceOnNewAmi: SettingValue<"replaceOnNewAmi">;
  /** Subnet of the instance; without it, a default subnet in a zone that offers the type. */
  readonly subnetId?: SettingValue<"subnetId">;
  /** Security groups of the instance; empty means the subnet's VPC's default group. */
  readonly securityGroupIds: SettingValue<"securityGroupIds">;
}

/** Everything one iam-stack/ec2-stack pair needs. */
export interface DeploymentSettings {
  /** AWS region of both accounts' resources. */
  readonly region: SettingValue<"region">;
  /** Region of the STS endpoint the providers and the readiness wait sign in at; none: `region`'s. */
  readonly stsRegion?: SettingValue<"stsRegion">;
  /** Shared-credentials profile of the source account (with `sourceAuth` "profile"). */
  readonly sourceProfile: SettingValue<"sourceProfile">;
  /**
   * How the source principal signs in: its profile, or an OIDC token (`webIdentityTokenFile`)
   * exchanged for a session of `sourceRoleArn` (`sts:AssumeRoleWithWebIdentity`), no keys read.
   */
  readonly sourceAuth: SourceAuth;
  /** With `web-identity`: the source account's role that trusts the OIDC provider. */
  readonly sourceRoleArn?: SettingValue<"sourceRoleArn">;
  /** With `web-identity`: the file the OIDC token is in (read at each run, never stored). */
  readonly webIdentityTokenFile?: SettingValue<"webIdentityTokenFile">;
  /** Roles assumed in this order before the destination role (hub and spoke); empty: none. */
  readonly hubRoleArns: SettingValue<"hubRoleArns">;
  /** Shared-credentials profile of the destination account. */
  readonly destinationProfile: SettingValue<"destinationProfile">;
  /** If set, the source provider refuses to act in any other account. */
  readonly sourceAccountId?: SettingValue<"sourceAccountId">;
  /** If set, the destination and assumed-role providers refuse to act in any other account. */
  readonly destinationAccountId?: SettingValue<"destinationAccountId">;
  readonly role: RoleSettings;
  /**
   * How long iam-stack waits, after creating or changing the role, until the source profile can
   * assume it (IAM is eventually consistent); 0 does not wait.
   */
  readonly roleReadyTimeoutSeconds: SettingValue<"roleReadyTimeoutSeconds">;
  readonly instance: InstanceSettings;
  /** Tags put on every taggable resource, besides `ManagedBy` (and `Name` on the instance). */
  readonly tags: SettingValue<"tags">;
}

/** One destination of a multi-target configuration. */
export interface TargetSettings extends DeploymentSettings {
  /** Short name; the stacks are `iam-stack-<name>` and `ec2-stack-<name>`. */
  readonly name: string;
}

/** Where the state of each stack lives. */
export interface StateSettings {
  readonly backend: BackendType;
  /** Absolute directory of the local state files `terraform.<stack>.tfstate`. */
  readonly dir: string;
  /** S3 bucket of the state (backend `s3`). */
  readonly bucket?: SettingValue<"stateBucket">;
  /** Key prefix of the state objects (backend `s3`): `<prefix>/<stack>.tfstate`. */
  readonly keyPrefix: SettingValue<"stateKeyPrefix">;
  /** Region of the state bucket. */
  readonly region: SettingValue<"stateRegion">;
  /** Profile that reads and writes the state. */
  readonly profile: SettingValue<"stateProfile">;
  /** Locking of the S3 state. */
  readonly lock: StateLock;
  /** KMS key of the S3 state (`kms_key_id`); undefined: SSE-S3. */
  readonly kmsKeyId?: SettingValue<"stateKmsKeyId">;
  /** DynamoDB lock table (lock `dynamodb`). */
  readonly lockTable?: SettingValue<"stateLockTable">;
  /**
   * With `sourceAuth` "web-identity" and no `stateProfile`: the S3 backend signs in as the
   * pipeline does, with the token, instead of a profile.
   */
  readonly webIdentity?: { readonly roleArn: string; readonly tokenFile: string };
  /** HCP Terraform organization (backend `cloud`). */
  readonly cloudOrganization?: SettingValue<"cloudOrganization">;
  /** HCP Terraform host (backend `cloud`). */
  readonly cloudHostname: SettingValue<"cloudHostname">;
  /** Workspace names are `<prefix><stack>` (backend `cloud`). */
  readonly cloudWorkspacePrefix: SettingValue<"cloudWorkspacePrefix">;
  /**
   * Backend `cloud`: the providers sign in with HCP Terraform's dynamic provider credentials
   * (the shared config files of the `tfc_aws_dynamic_credentials` variable), no profile.
   */
  readonly cloudDynamicCredentials: SettingValue<"cloudDynamicCredentials">;
  /** Backend `cloud`: where the workspaces run Terraform, which decides how the providers may sign in. */
  readonly cloudExecutionMode: SettingValue<"cloudExecutionMode">;
}

/** The validated settings of the app. */
export interface AppConfig extends DeploymentSettings {
  readonly state: StateSettings;
  /** Destinations; empty means the single pair `iam-stack` and `ec2-stack`. */
  readonly targets: readonly TargetSettings[];
}
