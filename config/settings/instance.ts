import {
  AMI_ID,
  AMI_NAME_FILTER,
  AMI_OWNER,
  AMI_OWNER_ALIASES,
  CANONICAL_ACCOUNT_BY_PARTITION,
  EC2_INSTANCE_TYPE,
  MAX_SECURITY_GROUPS_PER_INTERFACE,
  NON_EMPTY_TAG_VALUE,
  SECURITY_GROUP_ID,
  SSM_PARAMETER_NAME,
  SUBNET_ID,
} from "../../constructs/shared/aws-names";
import { flag, int, list, tags, text } from "../kinds";
import { RESOURCE_TAG_RULES } from "../tag-rules";
import { group } from "./group";

/** Canonical's AWS account in the `aws` partition, owner of the official Ubuntu AMIs. */
export const CANONICAL_ACCOUNT_ID = CANONICAL_ACCOUNT_BY_PARTITION.aws;

/** The instance ec2-stack launches with the role, and the tags of every resource. */
export const INSTANCE_SETTINGS = group(
  "The instance, and tags",
  "The instance that ec2-stack launches with the assumed role. Its image is the newest match of " +
    "`amiNameFilter` among `amiOwners`, or exactly `amiId`, or the id in `amiSsmParameter` " +
    "([images](images.md)); in a landing zone without a default VPC, set `subnetId` " +
    "([landing zones](landing-zones.md)).",
  {
    instanceType: text(
      "INSTANCE_TYPE",
      EC2_INSTANCE_TYPE,
      'must be an EC2 instance type such as "t2.micro" or "m5.large" (family with generation, dot, size)',
    )
      .default("t2.micro")
      .perTarget()
      .common()
      .about("EC2 instance type."),
    instanceName: text("INSTANCE_NAME", NON_EMPTY_TAG_VALUE, "must be 1 to 256 letters, digits, spaces or _.:/=+-@")
      .default("cross-account-instance")
      .perTarget()
      .about("The instance's `Name` tag."),
    amiOwners: list(
      "AMI_OWNERS",
      AMI_OWNER,
      `each must be a 12-digit account id or one of ${AMI_OWNER_ALIASES.map((a) => `"${a}"`).join(", ")}`,
      // An empty list would otherwise reach the instance construct and fail there, after validation.
      { atLeastOne: { noun: "owner" } },
    )
      .default(
        [CANONICAL_ACCOUNT_ID],
        "(Canonical; in GovCloud regions `513442679011`, in China regions `837727238323`, Canonical's accounts there)",
      )
      .perTarget()
      .about("Owners of the images the lookup considers; not with `amiId`."),
    amiNameFilter: text(
      "AMI_NAME_FILTER",
      AMI_NAME_FILTER,
      "must be 1 to 128 characters of letters, digits, spaces and ()[]./'@_-, with * and ? as wildcards",
    )
      // Canonical's current LTS server image on gp3, pinned to its release: the newest build of
      // 24.04 wins, never another release (Canonical publishes 24.04 and later only as hvm-ssd-gp3).
      .default(
        "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*",
        "(`arm64` instead of `amd64` for an arm64 `instanceType` such as `t4g.micro`)",
      )
      .perTarget()
      .about(
        "Image name pattern; the newest match wins. Not with `amiId` or `amiSsmParameter`; " +
          "one that names amd64 or x86_64 images is refused with an arm64 `instanceType`.",
      ),
    amiId: text(
      "AMI_ID",
      AMI_ID,
      'must be an AMI id such as "ami-0123456789abcdef0" ("ami-" and 8 or 17 lowercase hex digits)',
    )
      .perTarget()
      .about("This image, no lookup; changing it replaces the instance."),
    amiSsmParameter: text(
      "AMI_SSM_PARAMETER",
      SSM_PARAMETER_NAME,
      'must be an SSM parameter name such as "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id" (letters, digits and _.-, levels separated by "/")',
    )
      .perTarget()
      .about("An SSM parameter that holds the AMI id, instead of the name lookup."),
    replaceOnNewAmi: flag("REPLACE_ON_NEW_AMI")
      .default(false)
      .perTarget()
      .about("Whether a newer image that the lookup finds replaces the running instance."),
    subnetId: text(
      "SUBNET_ID",
      SUBNET_ID,
      'must be a subnet id such as "subnet-0123456789abcdef0" ("subnet-" and 8 or 17 lowercase hex digits)',
    )
      .defaultIs("a default subnet in a zone that offers `instanceType`, chosen at the first launch and kept")
      .perTarget()
      .about("Subnet of the instance."),
    securityGroupIds: list(
      "SECURITY_GROUP_IDS",
      SECURITY_GROUP_ID,
      'each must be a security group id such as "sg-0123456789abcdef0" ("sg-" and 8 or 17 lowercase hex digits)',
      { atMost: MAX_SECURITY_GROUPS_PER_INTERFACE },
    )
      .default([], "the VPC's default group")
      .perTarget()
      .about("Security groups of the instance."),
    associatePublicIpAddress: flag("ASSOCIATE_PUBLIC_IP_ADDRESS")
      .default(false)
      .perTarget()
      .about("Whether the instance gets a public IP address."),
    rootVolumeSizeGib: int("ROOT_VOLUME_SIZE_GIB", 1, 16384)
      // The size of Ubuntu's server AMI snapshots.
      .default(8)
      .perTarget()
      .about("Size of the encrypted root volume in GiB; at least the image's snapshot size."),
    tags: tags("TAGS", RESOURCE_TAG_RULES)
      .default({})
      .perTarget()
      .about("Tags on every taggable resource, besides `ManagedBy` (and `Name` on the instance)."),
  },
);
