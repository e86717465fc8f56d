/**
 * The app's one settings object: typed, validated, and read in one place.
 *
 * Sources, later wins: the defaults below, the `context` block of cdktf.json
 * (or of `Testing.app({ context })`), then environment variables. Every
 * invalid value is reported with the setting's name, where the value came
 * from, the value itself and what is allowed; all problems are reported at
 * once, before any stack is built.
 *
 * README.md's settings table documents every setting defined here (a unit test
 * keeps the two in step).
 */
import * as path from "path";
import { MANAGED_BY_KEY } from "./stacks/tags";

/** Which permissions the cross-account role grants in the destination account. */
export type Permissions = "ec2-full-access" | "least-privilege";

/** Where Terraform keeps the state of each stack: files, S3, or HCP Terraform workspaces. */
export type BackendType = "local" | "s3" | "cloud";

/** How the source account's principal signs in. */
export type SourceAuth = "profile" | "web-identity";

/** How the S3 backend locks the state. */
export type StateLock = "lockfile" | "dynamodb";

/** Settings of the role in the destination account and of the session that assumes it. */
export interface RoleSettings {
  /** IAM role name. */
  readonly name: string;
  /** IAM path of the role. */
  readonly path: string;
  /** Principals allowed to assume the role; empty means the whole source account (`:root`). */
  readonly trustedPrincipalArns: readonly string[];
  /** External ids the trust policy accepts (`sts:ExternalId`, any one of them); empty means no condition. */
  readonly externalIds: readonly string[];
  /** The external id the ec2-stack provider sends: one of `externalIds`. */
  readonly externalId?: string;
  /** Whether the trust policy requires MFA. */
  readonly requireMfa: boolean;
  /** Maximum MFA age, only with `requireMfa`. */
  readonly mfaMaxAgeSeconds?: number;
  /** Required `aws:PrincipalOrgID` of the caller. */
  readonly principalOrgId?: string;
  /** Whether the trust policy refuses sessions without a source identity (`sts:SourceIdentity`). */
  readonly requireSourceIdentity: boolean;
  /** Source identity the ec2-stack provider sets on its session. */
  readonly sourceIdentity?: string;
  /** Session tags the ec2-stack provider passes. */
  readonly sessionTags: Readonly<Record<string, string>>;
  /** Role's maximum session duration. */
  readonly maxSessionDurationSeconds?: number;
  /** Session duration the ec2-stack provider asks for; at most the role's maximum. */
  readonly sessionDurationSeconds?: number;
  /** Permissions boundary of the role. */
  readonly permissionsBoundaryArn?: string;
  /** The permissions the role grants. */
  readonly permissions: Permissions;
  /** Further managed policies attached to the role. */
  readonly managedPolicyArns: readonly string[];
}

/** Settings of the EC2 instance. */
export interface InstanceSettings {
  /** EC2 instance type. */
  readonly type: string;
  /** Value of the instance's `Name` tag. */
  readonly name: string;
  /** AMI owners (account ids or aliases). */
  readonly amiOwners: readonly string[];
  /** AMI name filter (wildcards allowed). */
  readonly amiNameFilter: string;
  /** Whether the instance gets a public IP address. */
  readonly associatePublicIpAddress: boolean;
  /** Size of the encrypted root volume in GiB; at least the AMI's snapshot size. */
  readonly rootVolumeSizeGib: number;
  /** An explicit AMI id: no lookup. */
  readonly amiId?: string;
  /** A public (or own) SSM parameter that holds the AMI id, instead of the name lookup. */
  readonly amiSsmParameter?: string;
  /** Whether a newly published image that the lookup finds replaces the running instance. */
  readonly replaceOnNewAmi: boolean;
  /** Subnet of the instance; without it, a default subnet in a zone that offers the type. */
  readonly subnetId?: string;
  /** Security groups of the instance; empty means the subnet's VPC's default group. */
  readonly securityGroupIds: readonly string[];
}

/** Everything one iam-stack/ec2-stack pair needs. */
export interface DeploymentSettings {
  /** AWS region of both accounts' resources. */
  readonly region: string;
  /** Shared-credentials profile of the source account (with `sourceAuth` "profile"). */
  readonly sourceProfile: string;
  /**
   * How the source principal signs in: its profile, or an OIDC token (`webIdentityTokenFile`)
   * exchanged for a session of `sourceRoleArn` (`sts:AssumeRoleWithWebIdentity`), no keys read.
   */
  readonly sourceAuth: SourceAuth;
  /** With `web-identity`: the source account's role that trusts the OIDC provider. */
  readonly sourceRoleArn?: string;
  /** With `web-identity`: the file the OIDC token is in (read at each run, never stored). */
  readonly webIdentityTokenFile?: string;
  /** Roles assumed in this order before the destination role (hub and spoke); empty: none. */
  readonly hubRoleArns: readonly string[];
  /** Shared-credentials profile of the destination account. */
  readonly destinationProfile: string;
  /** If set, the source provider refuses to act in any other account. */
  readonly sourceAccountId?: string;
  /** If set, the destination and assumed-role providers refuse to act in any other account. */
  readonly destinationAccountId?: string;
  readonly role: RoleSettings;
  /**
   * How long iam-stack waits, after creating or changing the role, until the source profile can
   * assume it (IAM is eventually consistent); 0 does not wait.
   */
  readonly roleReadyTimeoutSeconds: number;
  readonly instance: InstanceSettings;
  /** Tags put on every taggable resource, besides `ManagedBy` (and `Name` on the instance). */
  readonly tags: Readonly<Record<string, string>>;
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
  readonly bucket?: string;
  /** Key prefix of the state objects (backend `s3`): `<prefix>/<stack>.tfstate`. */
  readonly keyPrefix: string;
  /** Region of the state bucket. */
  readonly region: string;
  /** Profile that reads and writes the state. */
  readonly profile: string;
  /** Locking of the S3 state. */
  readonly lock: StateLock;
  /** DynamoDB lock table (lock `dynamodb`). */
  readonly lockTable?: string;
  /**
   * With `sourceAuth` "web-identity" and no `stateProfile`: the S3 backend signs in as the
   * pipeline does, with the token, instead of a profile.
   */
  readonly webIdentity?: { readonly roleArn: string; readonly tokenFile: string };
  /** HCP Terraform organization (backend `cloud`). */
  readonly cloudOrganization?: string;
  /** HCP Terraform host (backend `cloud`). */
  readonly cloudHostname: string;
  /** Workspace names are `<prefix><stack>` (backend `cloud`). */
  readonly cloudWorkspacePrefix: string;
  /**
   * Backend `cloud`: the providers sign in with HCP Terraform's dynamic provider credentials
   * (the shared config files of the `tfc_aws_dynamic_credentials` variable), no profile.
   */
  readonly cloudDynamicCredentials: boolean;
}

/** The validated settings of the app. */
export interface AppConfig extends DeploymentSettings {
  readonly state: StateSettings;
  /** Destinations; empty means the single pair `iam-stack` and `ec2-stack`. */
  readonly targets: readonly TargetSettings[];
}

/** Thrown when one or more settings are invalid; its message lists each problem on a line. */
export class ConfigError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(
      problems.length === 1
        ? `Invalid setting: ${problems[0]}`
        : `Invalid settings:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

/** Where the settings come from. */
export interface ConfigSources {
  /** Reads a key of the app's context (cdktf.json `context`). */
  readonly context: (key: string) => unknown;
  /** Environment variables. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory that a relative `stateDir` is resolved against. @default process.cwd() */
  readonly cwd?: string;
}

// ---------------------------------------------------------------------------
// Defaults

/** Canonical's AWS account, owner of the official Ubuntu AMIs. */
export const CANONICAL_ACCOUNT_ID = "099720109477";

export const DEFAULTS = {
  region: "us-east-1",
  sourceProfile: "source",
  destinationProfile: "destination",
  roleName: "cdktf-assume-role-ec2",
  rolePath: "/",
  permissions: "ec2-full-access" as Permissions,
  instanceType: "t2.micro",
  instanceName: "cross-account-instance",
  amiOwners: [CANONICAL_ACCOUNT_ID],
  // Canonical's current LTS server image on gp3, pinned to its release: the newest build of
  // 24.04 wins, never another release (Canonical publishes 24.04 and later only as hvm-ssd-gp3).
  amiNameFilter: "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*",
  // The size of Ubuntu's server AMI snapshots.
  rootVolumeSizeGib: 8,
  stateKeyPrefix: "cdktf-assume-role",
  cloudHostname: "app.terraform.io",
  cloudWorkspacePrefix: "cdktf-assume-role-",
  // Real IAM usually propagates a new role in seconds; two minutes covers its slow days.
  roleReadyTimeoutSeconds: 120,
} as const;

// ---------------------------------------------------------------------------
// Rules

const PARTITION = "aws(?:-cn|-us-gov|-iso(?:-[a-z])?)?";
const REGION_RE = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
const PROFILE_RE = /^[A-Za-z0-9][A-Za-z0-9_.+@-]{0,63}$/;
const ROLE_ARN_RE = new RegExp(`^arn:${PARTITION}:iam::\\d{12}:role/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}$`);
/** AWS provider and STS: a chain of assumed roles; more is almost always a mistake. */
const MAX_HUB_ROLES = 5;
const TOKEN_FILE_RE = /^[^\0\n]{1,4096}$/;
// HCP Terraform: organization names are letters, digits, _ and -; workspace names add nothing else.
const CLOUD_ORG_RE = /^[A-Za-z0-9_-]{1,90}$/;
const CLOUD_WORKSPACE_PREFIX_RE = /^[A-Za-z0-9_-]{0,64}$/;
const HOSTNAME_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ROLE_NAME_RE = /^[\w+=,.@-]{1,64}$/;
const IAM_PATH_RE = /^(?:\/|\/[\u0021-\u007E]{1,510}\/)$/;
const ACCOUNT_RE = /^\d{12}$/;
const POLICY_ARN_RE = new RegExp(`^arn:${PARTITION}:iam::(?:\\d{12}|aws):policy/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,128}$`);
const PRINCIPAL_ARN_RE = new RegExp(
  `^arn:${PARTITION}:(?:iam::\\d{12}:(?:root|(?:user|role)/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,128})|sts::\\d{12}:assumed-role/[\\w+=,.@-]{1,64}/[\\w+=,.@-]{2,64})$`,
);
const EXTERNAL_ID_RE = /^[\w+=,.@:/-]{2,1224}$/;
const SOURCE_IDENTITY_RE = /^[\w+=,.@-]{2,64}$/;
/** Principals whose sessions are role sessions: assuming another role from them is role chaining. */
const ROLE_PRINCIPAL_RE = /:(?:role\/|assumed-role\/)/;
const ORG_ID_RE = /^o-[a-z0-9]{10,32}$/;
const INSTANCE_TYPE_RE = /^[a-z][a-z0-9-]*\d[a-z0-9-]*\.[a-z0-9]+$/;
const AMI_OWNER_ALIASES = ["amazon", "aws-marketplace", "self"];
const AMI_ID_RE = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID_RE = /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const SECURITY_GROUP_ID_RE = /^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
/** EC2's maximum of security groups per network interface (the quota's upper limit). */
const MAX_SECURITY_GROUPS = 16;
// SSM parameter names: letters, digits and _.-/, a hierarchy starting with "/" (or a plain name).
const SSM_PARAMETER_RE = /^(?=.{1,2048}$)(?:(?:\/[\w.-]+)+|[\w.-]+)$/;
const AMI_FILTER_RE = /^[\w ()[\]./'@*?-]{1,128}$/;
const TAG_KEY_RE = /^[\p{L}\p{Z}\p{N}_.:/=+@-]{1,128}$/u;
const TAG_VALUE_RE = /^[\p{L}\p{Z}\p{N}_.:/=+@-]{0,256}$/u;
const TARGET_NAME_RE = /^[a-z0-9](?:[a-z0-9-]{0,22}[a-z0-9])?$/;
const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const TABLE_RE = /^[A-Za-z0-9_.-]{3,255}$/;
// Terraform's S3 backend rejects a key that starts with "/" or contains "//".
const KEY_PREFIX_RE = /^(?!\/)(?!.*\/\/)[A-Za-z0-9!_.*'()/-]{1,512}$/;
/** Tags this app sets itself. */
const RESERVED_TAG_KEYS = ["Name", MANAGED_BY_KEY];
/** AWS caps a session that a role session asks for (role chaining) at one hour. */
const ROLE_CHAINING_MAX_SECONDS = 3600;
/** The role's maximum session duration when `maxSessionDurationSeconds` is not set. */
const DEFAULT_MAX_SESSION_SECONDS = 3600;

// ---------------------------------------------------------------------------
// Reading raw values

/** A raw value and where it came from, for messages. */
interface Raw {
  readonly value: unknown;
  readonly from: string;
}

type RawSettings = Record<string, Raw | undefined>;

/**
 * Every setting: its context key and environment variable. The order is the
 * order of README's settings table.
 */
export const SETTINGS = [
  { key: "region", env: "AWS_REGION" },
  { key: "sourceProfile", env: "SOURCE_PROFILE" },
  { key: "destinationProfile", env: "DESTINATION_PROFILE" },
  { key: "sourceAuth", env: "SOURCE_AUTH" },
  { key: "sourceRoleArn", env: "SOURCE_ROLE_ARN" },
  { key: "webIdentityTokenFile", env: "WEB_IDENTITY_TOKEN_FILE" },
  { key: "hubRoleArns", env: "HUB_ROLE_ARNS" },
  { key: "sourceAccountId", env: "SOURCE_ACCOUNT_ID" },
  { key: "destinationAccountId", env: "DESTINATION_ACCOUNT_ID" },
  { key: "roleName", env: "ROLE_NAME" },
  { key: "rolePath", env: "ROLE_PATH" },
  { key: "permissions", env: "PERMISSIONS" },
  { key: "managedPolicyArns", env: "MANAGED_POLICY_ARNS" },
  { key: "trustedPrincipalArns", env: "TRUSTED_PRINCIPAL_ARNS" },
  { key: "externalId", env: "EXTERNAL_ID" },
  { key: "externalIds", env: "EXTERNAL_IDS" },
  { key: "requireMfa", env: "REQUIRE_MFA" },
  { key: "mfaMaxAgeSeconds", env: "MFA_MAX_AGE_SECONDS" },
  { key: "principalOrgId", env: "PRINCIPAL_ORG_ID" },
  { key: "requireSourceIdentity", env: "REQUIRE_SOURCE_IDENTITY" },
  { key: "sourceIdentity", env: "SOURCE_IDENTITY" },
  { key: "sessionTags", env: "SESSION_TAGS" },
  { key: "maxSessionDurationSeconds", env: "MAX_SESSION_DURATION_SECONDS" },
  { key: "sessionDurationSeconds", env: "SESSION_DURATION_SECONDS" },
  { key: "permissionsBoundaryArn", env: "PERMISSIONS_BOUNDARY_ARN" },
  { key: "roleReadyTimeoutSeconds", env: "ROLE_READY_TIMEOUT_SECONDS" },
  { key: "instanceType", env: "INSTANCE_TYPE" },
  { key: "instanceName", env: "INSTANCE_NAME" },
  { key: "amiOwners", env: "AMI_OWNERS" },
  { key: "amiNameFilter", env: "AMI_NAME_FILTER" },
  { key: "amiId", env: "AMI_ID" },
  { key: "amiSsmParameter", env: "AMI_SSM_PARAMETER" },
  { key: "replaceOnNewAmi", env: "REPLACE_ON_NEW_AMI" },
  { key: "subnetId", env: "SUBNET_ID" },
  { key: "securityGroupIds", env: "SECURITY_GROUP_IDS" },
  { key: "associatePublicIpAddress", env: "ASSOCIATE_PUBLIC_IP_ADDRESS" },
  { key: "rootVolumeSizeGib", env: "ROOT_VOLUME_SIZE_GIB" },
  { key: "tags", env: "TAGS" },
  { key: "stateDir", env: "STATE_DIR" },
  { key: "backend", env: "BACKEND" },
  { key: "stateBucket", env: "STATE_BUCKET" },
  { key: "stateKeyPrefix", env: "STATE_KEY_PREFIX" },
  { key: "stateRegion", env: "STATE_REGION" },
  { key: "stateProfile", env: "STATE_PROFILE" },
  { key: "stateLock", env: "STATE_LOCK" },
  { key: "stateLockTable", env: "STATE_LOCK_TABLE" },
  { key: "cloudOrganization", env: "CLOUD_ORGANIZATION" },
  { key: "cloudHostname", env: "CLOUD_HOSTNAME" },
  { key: "cloudWorkspacePrefix", env: "CLOUD_WORKSPACE_PREFIX" },
  { key: "cloudDynamicCredentials", env: "CLOUD_DYNAMIC_CREDENTIALS" },
  { key: "targets", env: "TARGETS" },
] as const;

type SettingKey = (typeof SETTINGS)[number]["key"];

/** Settings a target may override: all that shape one iam/ec2 pair. */
const TARGET_KEYS: readonly SettingKey[] = [
  "region",
  "destinationProfile",
  "hubRoleArns",
  "destinationAccountId",
  "roleName",
  "rolePath",
  "permissions",
  "managedPolicyArns",
  "trustedPrincipalArns",
  "externalId",
  "externalIds",
  "requireMfa",
  "mfaMaxAgeSeconds",
  "principalOrgId",
  "requireSourceIdentity",
  "sourceIdentity",
  "sessionTags",
  "maxSessionDurationSeconds",
  "sessionDurationSeconds",
  "permissionsBoundaryArn",
  "roleReadyTimeoutSeconds",
  "instanceType",
  "instanceName",
  "amiOwners",
  "amiNameFilter",
  "amiId",
  "amiSsmParameter",
  "replaceOnNewAmi",
  "subnetId",
  "securityGroupIds",
  "associatePublicIpAddress",
  "rootVolumeSizeGib",
  "tags",
];

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** Collects problems and parses raw values into typed ones. */
class Reader {
  readonly problems: string[] = [];

  constructor(
    private readonly raw: RawSettings,
    /** Prefix of every setting's name in messages, e.g. `targets[0].`. */
    private readonly prefix = "",
  ) {}

  fail(key: string, allowed: string): undefined {
    const r = this.raw[key];
    this.problems.push(`${this.prefix}${key} (${r?.from ?? "default"}) is ${show(r?.value)}; ${allowed}`);
    return undefined;
  }

  has(key: SettingKey): boolean {
    const r = this.raw[key];
    return r !== undefined && r.value !== undefined && r.value !== "";
  }

  from(key: SettingKey): string {
    return this.raw[key]?.from ?? "default";
  }

  string(key: SettingKey, re: RegExp, allowed: string): string | undefined {
    if (!this.has(key)) return undefined;
    const v = this.raw[key]!.value;
    if (typeof v !== "string" || !re.test(v)) return this.fail(key, allowed);
    return v;
  }

  oneOf<T extends string>(key: SettingKey, values: readonly T[]): T | undefined {
    if (!this.has(key)) return undefined;
    const v = this.raw[key]!.value;
    if (typeof v !== "string" || !(values as readonly string[]).includes(v)) {
      return this.fail(key, `allowed: ${values.map((x) => `"${x}"`).join(", ")}`);
    }
    return v as T;
  }

  bool(key: SettingKey): boolean | undefined {
    if (!this.has(key)) return undefined;
    const v = this.raw[key]!.value;
    if (typeof v === "boolean") return v;
    if (v === "true") return true;
    if (v === "false") return false;
    return this.fail(key, 'allowed: true or false (environment: "true" or "false")');
  }

  int(key: SettingKey, min: number, max: number): number | undefined {
    if (!this.has(key)) return undefined;
    const v = this.raw[key]!.value;
    const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) {
      return this.fail(key, `must be a whole number from ${min} to ${max}`);
    }
    return n;
  }

  /** A list: an array in context, comma-separated in the environment. */
  list(key: SettingKey, re: RegExp, allowed: string): string[] | undefined {
    if (!this.has(key)) return undefined;
    const v = this.raw[key]!.value;
    const items =
      typeof v === "string"
        ? v
            .split(",")
            .map((s) => s.trim())
            .filter((s) => s !== "")
        : v;
    if (!Array.isArray(items)) return this.fail(key, `must be a list (environment: comma-separated); ${allowed}`);
    const bad = items.filter((i) => typeof i !== "string" || !re.test(i));
    if (bad.length > 0) {
      return this.fail(key, `${bad.map(show).join(", ")} not allowed; ${allowed}`);
    }
    return [...new Set(items as string[])];
  }

  /** A map of tags: an object in context, `key=value,key=value` in the environment. */
  tags(key: SettingKey, rules: TagRules = RESOURCE_TAG_RULES): Record<string, string> | undefined {
    if (!this.has(key)) return undefined;
    const v = this.raw[key]!.value;
    let entries: [string, unknown][];
    if (typeof v === "string") {
      entries = [];
      for (const pair of v.split(",").filter((s) => s.trim() !== "")) {
        const eq = pair.indexOf("=");
        if (eq <= 0) return this.fail(key, 'must be comma-separated key=value pairs, e.g. "team=platform,env=dev"');
        entries.push([pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()]);
      }
    } else if (typeof v === "object" && v !== null && !Array.isArray(v)) {
      entries = Object.entries(v);
    } else {
      return this.fail(key, "must be an object of tag keys to string values");
    }
    const problems: string[] = [];
    for (const [k, val] of entries) {
      if (!TAG_KEY_RE.test(k) || k.toLowerCase().startsWith("aws:")) {
        problems.push(
          `tag key ${show(k)} must be 1 to 128 letters, digits, spaces or _.:/=+-@ and not start with "aws:"`,
        );
      } else if (rules.reserved.includes(k)) {
        problems.push(`tag key ${show(k)} is set by the app (use instanceName for Name)`);
      } else if (typeof val !== "string" || !TAG_VALUE_RE.test(val)) {
        problems.push(`tag ${show(k)} has value ${show(val)}; values are 0 to 256 letters, digits, spaces or _.:/=+-@`);
      }
    }
    if (rules.caseInsensitiveKeys) {
      const seen = new Map<string, string>();
      for (const [k] of entries) {
        const other = seen.get(k.toLowerCase());
        if (other !== undefined) problems.push(`tag keys ${show(other)} and ${show(k)} differ only in case`);
        seen.set(k.toLowerCase(), k);
      }
    }
    if (entries.length > rules.max) problems.push(`${entries.length} tags given; at most ${rules.max} ${rules.whyMax}`);
    if (problems.length > 0) return this.fail(key, problems.join("; "));
    return Object.fromEntries(entries as [string, string][]);
  }
}

/** What a map of tags may hold. */
interface TagRules {
  /** Keys the app sets itself. */
  readonly reserved: readonly string[];
  /** How many tags at most, and why. */
  readonly max: number;
  readonly whyMax: string;
  /** Whether two keys may not differ only in case. */
  readonly caseInsensitiveKeys: boolean;
}

const RESOURCE_TAG_RULES: TagRules = {
  reserved: RESERVED_TAG_KEYS,
  max: 48,
  whyMax: "(AWS allows 50, the app sets 2)",
  caseInsensitiveKeys: false,
};

// STS refuses keys that differ only in case, and more than 50 session tags.
const SESSION_TAG_RULES: TagRules = { reserved: [], max: 50, whyMax: "(AWS's limit)", caseInsensitiveKeys: true };

const ALLOWED = {
  region: 'must be an AWS region name such as "us-east-1" or "eu-central-1"',
  profile:
    "must be 1 to 64 letters, digits or _.+@- (a shared-credentials profile name), starting with a letter or digit",
  account: "must be an AWS account id of exactly 12 digits",
  roleName: "must be 1 to 64 letters, digits or _+=,.@- (IAM role name rules)",
  rolePath: 'must be "/" or start and end with "/" with 1 to 510 printable ASCII characters between (IAM path rules)',
  policyArn: 'each must be an IAM policy ARN such as "arn:aws:iam::aws:policy/ReadOnlyAccess"',
  principalArn: 'each must be an IAM principal ARN: "arn:aws:iam::<12 digits>:root", ":user/<name>" or ":role/<name>"',
  externalId: "must be 2 to 1224 characters of letters, digits and _+=,.@:/-",
  externalIds: "each must be 2 to 1224 characters of letters, digits and _+=,.@:/-",
  sourceIdentity: "must be 2 to 64 letters, digits or _+=,.@- (STS source identity rules)",
  orgId: 'must be an AWS Organizations id such as "o-a1b2c3d4e5" ("o-" and 10 to 32 lowercase letters or digits)',
  instanceType: 'must be an EC2 instance type such as "t2.micro" or "m5.large" (family with generation, dot, size)',
  amiOwners: `each must be a 12-digit account id or one of ${AMI_OWNER_ALIASES.map((a) => `"${a}"`).join(", ")}`,
  amiId: 'must be an AMI id such as "ami-0123456789abcdef0" ("ami-" and 8 or 17 lowercase hex digits)',
  amiSsmParameter:
    'must be an SSM parameter name such as "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id" (letters, digits and _.-, levels separated by "/")',
  subnetId: 'must be a subnet id such as "subnet-0123456789abcdef0" ("subnet-" and 8 or 17 lowercase hex digits)',
  securityGroupIds: `each must be a security group id such as "sg-0123456789abcdef0" ("sg-" and 8 or 17 lowercase hex digits); at most ${MAX_SECURITY_GROUPS}`,
  amiNameFilter: "must be 1 to 128 characters of letters, digits, spaces and ()[]./'@_-, with * and ? as wildcards",
  instanceName: "must be 1 to 256 letters, digits, spaces or _.:/=+-@",
  bucket:
    "must be an S3 bucket name: 3 to 63 lowercase letters, digits, dots or dashes, starting and ending with a letter or digit",
  table: "must be a DynamoDB table name: 3 to 255 letters, digits or _.-",
  roleArn: 'must be an IAM role ARN such as "arn:aws:iam::111111111111:role/deployer"',
  hubRoleArns: `each must be an IAM role ARN such as "arn:aws:iam::333333333333:role/hub"; at most ${MAX_HUB_ROLES}`,
  tokenFile: "must be a file path",
  cloudOrganization: "must be an HCP Terraform organization name: 1 to 90 letters, digits, _ or -",
  cloudHostname: 'must be a host name such as "app.terraform.io"',
  cloudWorkspacePrefix: "must be 0 to 64 letters, digits, _ or - (workspace names are the prefix and the stack name)",
  keyPrefix: `must be 1 to 512 characters of letters, digits and !_.*'()/-, not starting with "/" nor containing "//"`,
} as const;

/** The settings of the trust policy and of ec2-stack's session that depend on each other. */
type TrustAndSession = Pick<
  RoleSettings,
  | "externalIds"
  | "externalId"
  | "requireSourceIdentity"
  | "sourceIdentity"
  | "sessionTags"
  | "maxSessionDurationSeconds"
  | "sessionDurationSeconds"
>;

/** Reads the settings of {@link TrustAndSession} and checks them against each other. */
function readTrustAndSession(
  r: Reader,
  trustedPrincipalArns: readonly string[],
  chainedFrom?: string,
): TrustAndSession {
  // externalIds: what the role accepts; externalId: what ec2-stack sends, so one of them.
  const externalId = r.string("externalId", EXTERNAL_ID_RE, ALLOWED.externalId);
  const externalIds = r.list("externalIds", EXTERNAL_ID_RE, ALLOWED.externalIds);
  if (externalIds !== undefined && externalIds.length === 0) {
    r.fail("externalIds", `must name at least one; ${ALLOWED.externalIds}`);
  } else if (externalIds !== undefined && externalId !== undefined && !externalIds.includes(externalId)) {
    r.fail(
      "externalId",
      `must be one of externalIds ${show(externalIds)}: ec2-stack sends it, and the role accepts only those`,
    );
  } else if (externalIds !== undefined && externalIds.length > 1 && !r.has("externalId")) {
    r.fail("externalIds", "names several external ids; set externalId to the one ec2-stack sends");
  }

  const requireSourceIdentity = r.bool("requireSourceIdentity") ?? false;
  const sourceIdentity = r.string("sourceIdentity", SOURCE_IDENTITY_RE, ALLOWED.sourceIdentity);
  if (requireSourceIdentity && !r.has("sourceIdentity")) {
    r.fail(
      "requireSourceIdentity",
      "the role then refuses every session without a source identity; set sourceIdentity, which ec2-stack sends",
    );
  }

  const maxSessionDurationSeconds = r.int("maxSessionDurationSeconds", 3600, 43200);
  const sessionDurationSeconds = r.int("sessionDurationSeconds", 900, 43200);
  const roleMax = maxSessionDurationSeconds ?? DEFAULT_MAX_SESSION_SECONDS;
  const maxIsValid = maxSessionDurationSeconds !== undefined || !r.has("maxSessionDurationSeconds");
  if (sessionDurationSeconds !== undefined && maxIsValid && sessionDurationSeconds > roleMax) {
    const which = maxSessionDurationSeconds === undefined ? "its default" : "maxSessionDurationSeconds";
    r.fail("sessionDurationSeconds", `must be at most the role's maximum session duration, ${roleMax} (${which})`);
  } else if (
    sessionDurationSeconds !== undefined &&
    sessionDurationSeconds > ROLE_CHAINING_MAX_SECONDS &&
    chainedFrom
  ) {
    r.fail(
      "sessionDurationSeconds",
      `must be at most ${ROLE_CHAINING_MAX_SECONDS}: ec2-stack assumes the role from ${chainedFrom}, and AWS limits a ` +
        "session that a role session asks for (role chaining) to one hour",
    );
  } else if (
    sessionDurationSeconds !== undefined &&
    sessionDurationSeconds > ROLE_CHAINING_MAX_SECONDS &&
    trustedPrincipalArns.length > 0 &&
    trustedPrincipalArns.every((arn) => ROLE_PRINCIPAL_RE.test(arn))
  ) {
    r.fail(
      "sessionDurationSeconds",
      `must be at most ${ROLE_CHAINING_MAX_SECONDS}: every trusted principal is a role, and AWS limits a session ` +
        "that a role session asks for (role chaining) to one hour",
    );
  }

  return {
    externalIds: externalIds ?? (externalId !== undefined ? [externalId] : []),
    externalId: externalId ?? (externalIds?.length === 1 ? externalIds[0] : undefined),
    requireSourceIdentity,
    sourceIdentity,
    sessionTags: r.tags("sessionTags", SESSION_TAG_RULES) ?? {},
    maxSessionDurationSeconds,
    sessionDurationSeconds,
  };
}

/** Where the instance's image comes from, checked for settings that contradict each other. */
type ImageSettings = Pick<
  InstanceSettings,
  "amiOwners" | "amiNameFilter" | "amiId" | "amiSsmParameter" | "replaceOnNewAmi"
>;

/** Reads the image settings: an explicit `amiId`, an SSM parameter, or the owner and name lookup. */
function readImage(r: Reader): ImageSettings {
  const amiOwners = r.list("amiOwners", new RegExp(`^(?:\\d{12}|${AMI_OWNER_ALIASES.join("|")})$`), ALLOWED.amiOwners);
  if (amiOwners !== undefined && amiOwners.length === 0) {
    // An empty list would otherwise reach the instance construct and fail there, after validation.
    r.fail("amiOwners", `must name at least one owner; ${ALLOWED.amiOwners}`);
  }
  const amiNameFilter = r.string("amiNameFilter", AMI_FILTER_RE, ALLOWED.amiNameFilter);
  const amiId = r.string("amiId", AMI_ID_RE, ALLOWED.amiId);
  const amiSsmParameter = r.string("amiSsmParameter", SSM_PARAMETER_RE, ALLOWED.amiSsmParameter);
  const replaceOnNewAmi = r.bool("replaceOnNewAmi") ?? false;
  if (r.has("amiId") && r.has("amiSsmParameter")) {
    r.fail("amiSsmParameter", "amiId is set too; set one of amiId, amiSsmParameter or the amiNameFilter lookup");
  } else if (r.has("amiId")) {
    for (const key of ["amiNameFilter", "amiOwners"] as const) {
      if (r.has(key)) r.fail(key, "it applies to the image lookup, and amiId names the image; remove one of them");
    }
    if (replaceOnNewAmi) {
      r.fail(
        "replaceOnNewAmi",
        "it applies to an image lookup; with amiId a changed amiId always replaces the instance",
      );
    }
  } else if (r.has("amiSsmParameter") && r.has("amiNameFilter")) {
    r.fail("amiNameFilter", "amiSsmParameter is set too: the parameter names the image; remove one of them");
  }
  return {
    amiOwners: amiOwners ?? DEFAULTS.amiOwners,
    amiNameFilter: amiNameFilter ?? DEFAULTS.amiNameFilter,
    amiId,
    amiSsmParameter,
    replaceOnNewAmi,
  };
}

/** How the source principal signs in, and the roles between it and the destination role. */
type SourceSettings = Pick<DeploymentSettings, "sourceAuth" | "sourceRoleArn" | "webIdentityTokenFile" | "hubRoleArns">;

function readSourceAuth(r: Reader): SourceSettings {
  const parsed = r.oneOf<SourceAuth>("sourceAuth", ["profile", "web-identity"]);
  const sourceAuth = parsed ?? "profile";
  // A bad sourceAuth has its own problem; the settings that depend on it are then not judged.
  const authInvalid = r.has("sourceAuth") && parsed === undefined;
  const sourceRoleArn = r.string("sourceRoleArn", ROLE_ARN_RE, ALLOWED.roleArn);
  const webIdentityTokenFile = r.string("webIdentityTokenFile", TOKEN_FILE_RE, ALLOWED.tokenFile);
  const webIdentity = sourceAuth === "web-identity";
  for (const key of ["sourceRoleArn", "webIdentityTokenFile"] as const) {
    if (webIdentity && !r.has(key)) {
      r.fail(key, 'is required with sourceAuth "web-identity"');
    } else if (!webIdentity && !authInvalid && r.has(key)) {
      r.fail(key, 'it applies only with sourceAuth "web-identity"; set sourceAuth or remove it');
    }
  }
  const hubRoleArns = r.list("hubRoleArns", ROLE_ARN_RE, ALLOWED.hubRoleArns) ?? [];
  if (hubRoleArns.length > MAX_HUB_ROLES) {
    r.fail("hubRoleArns", `names ${hubRoleArns.length}; ${ALLOWED.hubRoleArns}`);
  }
  return {
    sourceAuth,
    sourceRoleArn: webIdentity ? sourceRoleArn : undefined,
    webIdentityTokenFile: webIdentity ? webIdentityTokenFile : undefined,
    hubRoleArns,
  };
}

/** Parses the settings of one iam/ec2 pair. */
function readDeployment(r: Reader, cloudBackend: boolean): DeploymentSettings {
  const requireMfa = r.bool("requireMfa") ?? false;
  const mfaMaxAgeSeconds = r.int("mfaMaxAgeSeconds", 1, 129600);
  if (mfaMaxAgeSeconds !== undefined && !requireMfa) {
    r.fail("mfaMaxAgeSeconds", "it only applies with requireMfa=true; set requireMfa or remove mfaMaxAgeSeconds");
  }
  const permissions =
    r.oneOf<Permissions>("permissions", ["ec2-full-access", "least-privilege"]) ?? DEFAULTS.permissions;
  const managedPolicyArns = r.list("managedPolicyArns", POLICY_ARN_RE, ALLOWED.policyArn) ?? [];
  const twice = managedPolicyArns.filter(
    (arn) => permissions === "ec2-full-access" && arn.endsWith(":policy/AmazonEC2FullAccess"),
  );
  if (twice.length > 0) {
    // Two attachments of one policy: destroying either would detach it for both.
    r.fail("managedPolicyArns", `${show(twice[0])} is attached already by permissions "ec2-full-access"; remove it`);
  }
  const instanceName = r.string("instanceName", /^[\p{L}\p{Z}\p{N}_.:/=+@-]{1,256}$/u, ALLOWED.instanceName);
  const image = readImage(r);
  const subnetId = r.string("subnetId", SUBNET_ID_RE, ALLOWED.subnetId);
  const securityGroupIds = r.list("securityGroupIds", SECURITY_GROUP_ID_RE, ALLOWED.securityGroupIds) ?? [];
  if (securityGroupIds.length > MAX_SECURITY_GROUPS) {
    r.fail("securityGroupIds", `names ${securityGroupIds.length}; ${ALLOWED.securityGroupIds}`);
  }
  // Read in the order of the settings table, so that problems are reported in that order.
  const region = r.string("region", REGION_RE, ALLOWED.region) ?? DEFAULTS.region;
  const sourceProfile = r.string("sourceProfile", PROFILE_RE, ALLOWED.profile) ?? DEFAULTS.sourceProfile;
  const source = readSourceAuth(r);
  const destinationProfile = r.string("destinationProfile", PROFILE_RE, ALLOWED.profile) ?? DEFAULTS.destinationProfile;
  const sourceAccountId = r.string("sourceAccountId", ACCOUNT_RE, ALLOWED.account);
  const destinationAccountId = r.string("destinationAccountId", ACCOUNT_RE, ALLOWED.account);
  const name = r.string("roleName", ROLE_NAME_RE, ALLOWED.roleName) ?? DEFAULTS.roleName;
  const rolePath = r.string("rolePath", IAM_PATH_RE, ALLOWED.rolePath) ?? DEFAULTS.rolePath;
  // With hubs, the destination role trusts the last of them, unless told otherwise.
  const trustedPrincipalArns =
    r.list("trustedPrincipalArns", PRINCIPAL_ARN_RE, ALLOWED.principalArn) ?? source.hubRoleArns.slice(-1);
  const principalOrgId = r.string("principalOrgId", ORG_ID_RE, ALLOWED.orgId);
  const chainedFrom =
    source.hubRoleArns.length > 0
      ? `the hub role ${source.hubRoleArns[source.hubRoleArns.length - 1]}`
      : source.sourceAuth === "web-identity"
        ? `the web-identity session of ${source.sourceRoleArn ?? "sourceRoleArn"}`
        : undefined;
  const trustAndSession = readTrustAndSession(r, trustedPrincipalArns, chainedFrom);
  return {
    region,
    sourceProfile,
    ...source,
    destinationProfile,
    sourceAccountId,
    destinationAccountId,
    role: {
      name,
      path: rolePath,
      trustedPrincipalArns,
      ...trustAndSession,
      requireMfa,
      mfaMaxAgeSeconds,
      principalOrgId,
      permissionsBoundaryArn: r.string(
        "permissionsBoundaryArn",
        POLICY_ARN_RE,
        ALLOWED.policyArn.replace("each", "it"),
      ),
      permissions,
      managedPolicyArns,
    },
    // HCP Terraform runs Terraform on its own workers, which have neither node nor this project.
    roleReadyTimeoutSeconds:
      r.int("roleReadyTimeoutSeconds", 0, 3600) ?? (cloudBackend ? 0 : DEFAULTS.roleReadyTimeoutSeconds),
    instance: {
      type: r.string("instanceType", INSTANCE_TYPE_RE, ALLOWED.instanceType) ?? DEFAULTS.instanceType,
      name: instanceName ?? DEFAULTS.instanceName,
      ...image,
      subnetId,
      securityGroupIds,
      associatePublicIpAddress: r.bool("associatePublicIpAddress") ?? false,
      rootVolumeSizeGib: r.int("rootVolumeSizeGib", 1, 16384) ?? DEFAULTS.rootVolumeSizeGib,
    },
    tags: r.tags("tags") ?? {},
  };
}

function readState(r: Reader, deployment: DeploymentSettings, cwd: string): StateSettings {
  const backend = r.oneOf<BackendType>("backend", ["local", "s3", "cloud"]) ?? "local";
  const cloudOrganization = r.string("cloudOrganization", CLOUD_ORG_RE, ALLOWED.cloudOrganization);
  if (backend === "cloud" && !r.has("cloudOrganization")) {
    r.fail("cloudOrganization", 'is required with backend "cloud": the HCP Terraform organization of the workspaces');
  }
  const cloudHostname = r.string("cloudHostname", HOSTNAME_RE, ALLOWED.cloudHostname) ?? DEFAULTS.cloudHostname;
  const cloudWorkspacePrefix =
    r.string("cloudWorkspacePrefix", CLOUD_WORKSPACE_PREFIX_RE, ALLOWED.cloudWorkspacePrefix) ??
    DEFAULTS.cloudWorkspacePrefix;
  const stateProfile = r.string("stateProfile", PROFILE_RE, ALLOWED.profile);
  const dirRaw = r.string("stateDir", /^[^\0]{1,4096}$/, "must be a directory path");
  const bucket = r.string("stateBucket", BUCKET_RE, ALLOWED.bucket);
  const lock = r.oneOf<StateLock>("stateLock", ["lockfile", "dynamodb"]) ?? "lockfile";
  const lockTable = r.string("stateLockTable", TABLE_RE, ALLOWED.table);
  // Only when it is not set at all: a set but invalid one has its own problem already.
  if (backend === "s3" && !r.has("stateBucket")) {
    r.fail("stateBucket", 'is required with backend "s3" (run `npm run bootstrap-state` to create one)');
  }
  if (lock === "dynamodb" && !r.has("stateLockTable")) {
    r.fail("stateLockTable", 'is required with stateLock "dynamodb"');
  }
  return {
    backend,
    dir: path.resolve(cwd, dirRaw ?? "."),
    bucket,
    keyPrefix: (r.string("stateKeyPrefix", KEY_PREFIX_RE, ALLOWED.keyPrefix) ?? DEFAULTS.stateKeyPrefix).replace(
      /\/+$/,
      "",
    ),
    region: r.string("stateRegion", REGION_RE, ALLOWED.region) ?? deployment.region,
    profile: stateProfile ?? deployment.sourceProfile,
    lock,
    lockTable,
    webIdentity:
      deployment.sourceAuth === "web-identity" && !r.has("stateProfile")
        ? { roleArn: deployment.sourceRoleArn!, tokenFile: deployment.webIdentityTokenFile! }
        : undefined,
    cloudOrganization,
    cloudHostname,
    cloudWorkspacePrefix,
    cloudDynamicCredentials: readDynamicCredentials(r, backend, deployment),
  };
}

function readDynamicCredentials(r: Reader, backend: BackendType, deployment: DeploymentSettings): boolean {
  const dynamic = r.bool("cloudDynamicCredentials") ?? false;
  if (!dynamic) return false;
  if (backend !== "cloud") {
    r.fail("cloudDynamicCredentials", 'it applies only with backend "cloud" (HCP Terraform gives the credentials)');
  } else if (deployment.sourceAuth === "web-identity") {
    r.fail("cloudDynamicCredentials", 'sourceAuth is "web-identity" too; the providers sign in one way: choose one');
  } else if (deployment.roleReadyTimeoutSeconds > 0) {
    r.fail(
      "cloudDynamicCredentials",
      "roleReadyTimeoutSeconds is set too: the wait runs outside Terraform's providers and cannot use HCP Terraform's " +
        "credentials; set roleReadyTimeoutSeconds to 0",
    );
  }
  return true;
}

function parseTargetsJson(raw: Raw): unknown {
  if (typeof raw.value !== "string") return raw.value;
  try {
    return JSON.parse(raw.value);
  } catch {
    return raw.value;
  }
}

function readTargets(r: Reader, raw: RawSettings, problems: string[], cloudBackend: boolean): TargetSettings[] {
  if (!r.has("targets")) return [];
  const value = parseTargetsJson(raw.targets!);
  const shape =
    'must be a list of objects such as [{"name": "prod", "destinationProfile": "prod"}] (environment: JSON)';
  if (!Array.isArray(value) || value.length === 0) {
    r.fail("targets", shape);
    return [];
  }
  const targets: TargetSettings[] = [];
  const seen = new Set<string>();
  value.forEach((item: unknown, i: number) => {
    const label = `targets[${i}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      problems.push(`${label} (${r.from("targets")}) is ${show(item)}; ${shape}`);
      return;
    }
    const obj = item as Record<string, unknown>;
    const from = r.from("targets");
    const unknown = Object.keys(obj).filter((k) => k !== "name" && !TARGET_KEYS.includes(k as SettingKey));
    if (unknown.length > 0) {
      problems.push(
        `${label} (${from}) has unknown setting ${unknown.map(show).join(", ")}; a target may set "name" and ${TARGET_KEYS.map((k) => `"${k}"`).join(", ")}`,
      );
    }
    const name = obj.name;
    if (typeof name !== "string" || !TARGET_NAME_RE.test(name)) {
      problems.push(
        `${label}.name (${from}) is ${show(name)}; must be 1 to 24 lowercase letters, digits or dashes, starting and ending with a letter or digit`,
      );
      return;
    }
    if (seen.has(name)) {
      problems.push(`${label}.name (${from}) is ${show(name)}; target names must be unique`);
      return;
    }
    seen.add(name);
    // A target starts from the top-level raw values and overrides the keys it sets.
    const merged: RawSettings = { ...raw };
    for (const key of TARGET_KEYS) {
      if (key in obj) merged[key] = { value: obj[key], from };
    }
    const tr = new Reader(merged, `targets[${i}].`);
    const d = readDeployment(tr, cloudBackend);
    problems.push(...tr.problems);
    targets.push({ name, ...d });
  });
  // Only between targets that are valid otherwise: a bad value's defaults would collide too.
  if (problems.length === 0) problems.push(...nameCollisions(targets, r.from("targets")));
  return targets;
}

/**
 * Targets that would create the same IAM role (and least-privilege policy) in one account. IAM
 * names are unique per account whatever the path, and case-insensitive: the second deploy would
 * fail with EntityAlreadyExists. Two targets are taken to share an account when both name the
 * same destinationAccountId, or, unless both name different ones, the same destinationProfile.
 */
function nameCollisions(targets: readonly TargetSettings[], from: string): string[] {
  const problems: string[] = [];
  targets.forEach((b, j) => {
    const i = targets.findIndex(
      (a, k) => k < j && sameAccount(a, b) && a.role.name.toLowerCase() === b.role.name.toLowerCase(),
    );
    if (i < 0) return;
    const a = targets[i];
    const where =
      a.destinationAccountId !== undefined && a.destinationAccountId === b.destinationAccountId
        ? `account ${a.destinationAccountId}`
        : `the account of profile ${show(a.destinationProfile)}`;
    problems.push(
      `targets[${j}] ("${b.name}") and targets[${i}] ("${a.name}") (${from}) both create the IAM role ${show(b.role.name)} ` +
        `and policy "${b.role.name}-ec2-deployer" in ${where}; IAM names are unique in an account: give one of them another roleName`,
    );
  });
  return problems;
}

function sameAccount(a: DeploymentSettings, b: DeploymentSettings): boolean {
  if (a.destinationAccountId !== undefined && b.destinationAccountId !== undefined) {
    return a.destinationAccountId === b.destinationAccountId;
  }
  return a.destinationProfile === b.destinationProfile;
}

function gather(sources: ConfigSources): RawSettings {
  const raw: RawSettings = {};
  for (const { key, env } of SETTINGS) {
    const fromContext = sources.context(key);
    if (fromContext !== undefined && fromContext !== null) {
      raw[key] = { value: fromContext, from: `context "${key}"` };
    }
    const fromEnv = sources.env[env];
    if (fromEnv !== undefined && fromEnv !== "") {
      raw[key] = { value: fromEnv, from: `env ${env}` };
    }
  }
  return raw;
}

/**
 * Reads, validates and resolves all settings.
 *
 * @throws ConfigError listing every invalid setting.
 */
export function loadConfig(sources: ConfigSources): AppConfig {
  const raw = gather(sources);
  const r = new Reader(raw);
  // The backend's own problems are reported by readState; here it only picks a default.
  const cloudBackend = raw.backend?.value === "cloud";
  const deployment = readDeployment(r, cloudBackend);
  const state = readState(r, deployment, sources.cwd ?? process.cwd());
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  // Targets inherit the top-level values, so they are read once those are known to be valid.
  const targetProblems: string[] = [];
  const targets = readTargets(r, raw, targetProblems, cloudBackend);
  const problems = [...r.problems, ...targetProblems];
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...deployment, state, targets };
}
