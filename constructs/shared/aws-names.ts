/**
 * AWS's rules for names, ids and ARNs, in one place: the settings check a value against them
 * before synth, and the constructs check their props against the same ones, so the two can
 * never disagree about what AWS accepts.
 */

/** The partitions: aws, aws-cn, aws-us-gov and the isolated ones. */
const PARTITION = "aws(?:-cn|-us-gov|-iso(?:-[a-z])?)?";

/** An IAM name segment of a path or ARN: letters, digits and `_+=,.@-`. */
const IAM_PATH_SEGMENTS = "(?:[\\w+=,.@-]+/)*";

/** A region name such as `us-east-1`, `us-gov-west-1` or `us-isob-east-1`. */
export const REGION = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

/** An AWS account id: exactly 12 digits. */
export const ACCOUNT_ID = /^\d{12}$/;

/** An IAM role name: 1 to 64 letters, digits or `_+=,.@-`. */
export const IAM_ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** An IAM path: `/`, or `/` ... `/` with 1 to 510 printable ASCII characters between. */
export const IAM_PATH = /^(?:\/|\/[\u0021-\u007E]{1,510}\/)$/;

/** The ARN of an IAM role, with or without a path. */
export const IAM_ROLE_ARN = new RegExp(`^arn:${PARTITION}:iam::\\d{12}:role/${IAM_PATH_SEGMENTS}[\\w+=,.@-]{1,64}$`);

/** The ARN of a managed policy, the account's own or AWS's (`arn:aws:iam::aws:policy/...`). */
export const IAM_POLICY_ARN = new RegExp(
  `^arn:${PARTITION}:iam::(?:\\d{12}|aws):policy/${IAM_PATH_SEGMENTS}[\\w+=,.@-]{1,128}$`,
);

/** A principal a trust policy can name: an account root, a user, a role or an assumed-role session. */
export const IAM_PRINCIPAL_ARN = new RegExp(
  `^arn:${PARTITION}:(?:iam::\\d{12}:(?:root|(?:user|role)/${IAM_PATH_SEGMENTS}[\\w+=,.@-]{1,128})|sts::\\d{12}:assumed-role/[\\w+=,.@-]{1,64}/[\\w+=,.@-]{2,64})$`,
);

/**
 * Matches principals whose sessions are role sessions (roles and assumed roles): assuming another
 * role from one is role chaining, and such sessions carry no MFA of their own.
 */
export const ROLE_PRINCIPAL = /:(?:role\/|assumed-role\/)/;

/** An `sts:ExternalId`: 2 to 1224 letters, digits or `_+=,.@:/-`. */
export const STS_EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** An STS session name or source identity: 2 to 64 letters, digits or `_+=,.@-`. */
export const STS_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/**
 * A KMS key as Terraform's S3 backend takes it in `kms_key_id`: a key ARN, or a key id (a UUID or
 * a multi-Region `mrk-` id). Aliases are left out: not every Terraform release takes them there,
 * and S3 records the key itself, so that a key ARN is what the bootstrap and the backend can compare.
 */
export const KMS_KEY = new RegExp(
  `^(?:arn:${PARTITION}:kms:[a-z0-9-]+:\\d{12}:key/)?(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`,
);

/** An AWS Organizations id: `o-` and 10 to 32 lowercase letters or digits. */
export const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

/** An EC2 instance type: family with generation, dot, size (`t2.micro`, `m7i-flex.large`). */
export const EC2_INSTANCE_TYPE = /^[a-z][a-z0-9-]*\d[a-z0-9-]*\.[a-z0-9]+$/;

/**
 * The partition of a region, from its name as AWS assigns them: `cn-` regions are in `aws-cn`,
 * `us-gov-` in `aws-us-gov`, the isolated ones (`us-iso-`, `us-isob-`, `eu-isoe-`, `us-isof-`) in
 * `aws-iso`, `aws-iso-b`, `aws-iso-e`, `aws-iso-f`; every other region in `aws`.
 */
export function partitionOfRegion(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (/^[a-z]{2}-gov-/.test(region)) return "aws-us-gov";
  const isolated = /^[a-z]{2}-iso([a-z]?)-/.exec(region);
  if (isolated) return isolated[1] === "" ? "aws-iso" : `aws-iso-${isolated[1]}`;
  return "aws";
}

/**
 * Canonical's account that publishes the official Ubuntu images, by partition: an account id is
 * valid in one partition only, so GovCloud and China have accounts of their own.
 */
export const CANONICAL_ACCOUNT_BY_PARTITION: Readonly<Record<string, string>> = {
  aws: "099720109477",
  "aws-us-gov": "513442679011",
  "aws-cn": "837727238323",
};

/**
 * Whether an EC2 instance type runs arm64 (AWS Graviton) images only: the A1 family, and every
 * family whose attribute letters after the generation start with `g` (`t4g`, `m6gd`, `c7gn`,
 * `im4gn`, `is4gen`, `g5g`), not `g4dn` (`dn`) or `mac2`.
 */
export function isArm64InstanceType(instanceType: string): boolean {
  const match = /^([a-z]+)(\d+)([a-z-]*)\./.exec(instanceType);
  if (!match) return false;
  const [, family, generation, attributes] = match;
  return (family === "a" && generation === "1") || attributes.startsWith("g");
}

/** Owner aliases EC2's image lookup accepts besides account ids. */
export const AMI_OWNER_ALIASES: readonly string[] = ["amazon", "aws-marketplace", "self"];

/** An image owner: an account id or one of {@link AMI_OWNER_ALIASES}. */
export const AMI_OWNER = new RegExp(`^(?:\\d{12}|${AMI_OWNER_ALIASES.join("|")})$`);

/** An AMI id: `ami-` and 8 or 17 lowercase hex digits. */
export const AMI_ID = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** An image name filter: 1 to 128 characters of letters, digits, spaces and `()[]./'@_-`, `*` and `?` as wildcards. */
export const AMI_NAME_FILTER = /^[\w ()[\]./'@*?-]{1,128}$/;

/** A subnet id: `subnet-` and 8 or 17 lowercase hex digits. */
export const SUBNET_ID = /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** A security group id: `sg-` and 8 or 17 lowercase hex digits. */
export const SECURITY_GROUP_ID = /^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** EC2's maximum of security groups per network interface (the quota's upper limit). */
export const MAX_SECURITY_GROUPS_PER_INTERFACE = 16;

/** An SSM parameter name: letters, digits and `_.-`, a hierarchy starting with `/` (or a plain name). */
export const SSM_PARAMETER_NAME = /^(?=.{1,2048}$)(?:(?:\/[\w.-]+)+|[\w.-]+)$/;

/** A tag key: 1 to 128 letters, digits, spaces or `_.:/=+@-` (the `aws:` prefix is checked apart). */
export const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+@-]{1,128}$/u;

/** A tag value: 0 to 256 letters, digits, spaces or `_.:/=+@-`. */
export const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+@-]{0,256}$/u;

/** A tag value that may not be empty, such as an instance's `Name`. */
export const NON_EMPTY_TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+@-]{1,256}$/u;

/** An S3 bucket name: 3 to 63 lowercase letters, digits, dots or dashes, a letter or digit at each end. */
export const S3_BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** An S3 key prefix that Terraform's S3 backend accepts: no leading "/", no "//". */
export const S3_KEY_PREFIX = /^(?!\/)(?!.*\/\/)[A-Za-z0-9!_.*'()/-]{1,512}$/;

/** A DynamoDB table name: 3 to 255 letters, digits or `_.-`. */
export const DYNAMODB_TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/**
 * A shared-credentials profile name, as this app allows it: the AWS CLI allows more, but a name
 * outside this set is almost always a typo or a pasted value.
 */
export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.+@-]{0,63}$/;
